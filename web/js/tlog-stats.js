// tlog-stats.js: the public statistics of the transparency log, computed in the browser from
// the log's C2SP tiles alone (GET /log/checkpoint and /log/tile/entries/…), so that anyone
// can reproduce each figure with their own tools. The root of the downloaded entries is
// recomputed (RFC 6962) and compared with the signed checkpoint's.

// C2SP tile index: 1234067 → x001/x234/067
export function tileIndex(n) {
  let s = String(n % 1000).padStart(3, '0');
  for (n = Math.floor(n / 1000); n > 0; n = Math.floor(n / 1000)) s = `x${String(n % 1000).padStart(3, '0')}/${s}`;
  return s;
}

async function sha256(...parts) {
  const len = parts.reduce((a, p) => a + p.length, 0);
  const buf = new Uint8Array(len);
  let o = 0;
  for (const p of parts) { buf.set(p, o); o += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

async function merkleRoot(hashes) {
  if (hashes.length === 0) return sha256(new Uint8Array(0));
  let level = hashes;
  // RFC 6962's MTH equals pairing left to right and carrying an odd last node up unchanged.
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(await sha256(Uint8Array.of(1), level[i], level[i + 1]));
    if (level.length % 2) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

const b64 = (u8) => btoa(String.fromCharCode(...u8));

// {origin, size, rootMatches, leaves: [parsed leaf]} from base (the site's origin).
export async function readLog(base = '') {
  const cp = await fetch(`${base}/log/checkpoint`);
  if (cp.status === 404) return { origin: null, size: 0, rootMatches: true, leaves: [] };
  if (!cp.ok) throw new Error(`checkpoint: ${cp.status}`);
  const [origin, sizeText, rootText] = (await cp.text()).split('\n');
  const size = Number(sizeText);
  const leaves = [], hashes = [];
  const dec = new TextDecoder();
  for (let n = 0; n * 256 < size; n++) {
    const w = Math.min(256, size - n * 256);
    const r = await fetch(`${base}/log/tile/entries/${tileIndex(n)}${w < 256 ? `.p/${w}` : ''}`);
    if (!r.ok) throw new Error(`entries ${n}: ${r.status}`);
    const bundle = new Uint8Array(await r.arrayBuffer());
    for (let o = 0, i = 0; i < w; i++) {
      const len = (bundle[o] << 8) | bundle[o + 1];
      const e = bundle.subarray(o + 2, o + 2 + len);
      o += 2 + len;
      hashes.push(await sha256(Uint8Array.of(0), e));
      leaves.push(JSON.parse(dec.decode(e)));
    }
  }
  const root = await merkleRoot(hashes);
  return { origin, size, rootMatches: b64(root) === rootText, leaves };
}

const month = (at) => new Date(at * 1000).toISOString().slice(0, 7);
const bump = (m, k, by = 1) => m.set(k, (m.get(k) || 0) + by);
const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Leaf kinds are written in backticks: they are the log's words, not catalogue keys.
// Every figure of the page from the leaves: Maps of key → count, sorted by key.
export function statistics(leaves) {
  const partner = new Map(), type = new Map(), byMonth = new Map(), reasons = new Map();
  const withdrawn = new Map(), quotas = new Map(), used = new Map();
  const decision = [];
  for (const l of leaves) {
    const f = l.facts || {};
    if (l.kind === `permit.issue`) {
      bump(partner, l.partner || '?');
      bump(type, String(f.type));
      bump(byMonth, month(l.at));
      bump(used, `${f.issuer}-${l.partner}-${f.year}-${f.type}`);
    } else if (l.kind === `permit.revoke` || l.kind === `permit.return`) {
      bump(withdrawn, l.kind.slice(7));
    } else if (l.kind === `application.refuse` || l.kind === `application.reject`) {
      for (const r of f.reasons || []) bump(reasons, r);
      if (l.kind === `application.reject` && !(f.reasons || []).length) bump(reasons, 'REJECTED_ON_REVIEW');
      if (f.applied_at) decision.push(l.at - f.applied_at);
    } else if (l.kind === `quota.create` || l.kind === `quota.adjust`) {
      const key = `${f.issuer}-${f.verifier}-${f.year}-${f.type}`;
      const q = quotas.get(key) || new Map();
      q.set(l.object, f.end_number - f.start_number + 1);
      quotas.set(key, q);
    }
  }
  const quotaUse = [...quotas.entries()].map(([key, ranges]) => {
    const size = [...ranges.values()].reduce((a, b) => a + b, 0);
    return { key, size, issued: used.get(key) || 0 };
  }).sort((a, b) => a.key.localeCompare(b.key));
  const sorted = (m) => new Map([...m.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  return {
    partner: sorted(partner), type: sorted(type), month: sorted(byMonth), reasons: sorted(reasons),
    withdrawn: sorted(withdrawn), quotaUse, decisionMedianS: median(decision), decisions: decision.length,
  };
}

// The figures as CSV: statistic,key,value (one row each).
export function csv(st) {
  const rows = [['statistic', 'key', 'value']];
  for (const [name, m] of [['permits_by_partner', st.partner], ['permits_by_type', st.type], ['permits_by_month', st.month],
    ['refusals_by_reason', st.reasons], ['withdrawals', st.withdrawn]]) for (const [k, v] of m) rows.push([name, k, v]);
  for (const q of st.quotaUse) { rows.push(['quota_size', q.key, q.size]); rows.push(['quota_issued', q.key, q.issued]); }
  rows.push(['decision_median_seconds', 'refusals', st.decisionMedianS ?? '']);
  return rows.map((r) => r.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n';
}
