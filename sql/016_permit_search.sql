-- 016: the paged permit search (newest first; by carrier's company id).
CREATE INDEX permits_issued_at ON permits (issued_at);
CREATE INDEX permits_company_id ON permits (company_id);
