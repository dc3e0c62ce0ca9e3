-- 116: what a single-window field's pattern asks for (pattern_hint) in Kyrgyz and Russian
-- beside the English, as the field's label already is: the passport number and PIN/INN
-- hints were English only. A hint may be text (as before) or {ky, ru, en}; the server's
-- problem stays the English, the pages show the hint in their language. A definition the
-- ministry has since replaced keeps its own words (REPLACE finds nothing to change).
UPDATE sw_procedures SET definition = REPLACE(definition,
	'"pattern_hint": "must be the 14-digit personal or tax number (PIN/INN)"',
	'"pattern_hint": {"ky": "14 орундуу жеке же салык номери (ПИН/ИНН) болушу керек", "ru": "должен быть 14-значным персональным или налоговым номером (ПИН/ИНН)", "en": "must be the 14-digit personal or tax number (PIN/INN)"}')
	WHERE code = 'ev-duty-free';
UPDATE sw_procedures SET definition = REPLACE(definition,
	'"pattern_hint": "must be 5 to 20 upper-case latin letters and digits"',
	'"pattern_hint": {"ky": "5тен 20га чейин латын баш тамгаларынан жана цифралардан турушу керек", "ru": "должен состоять из 5–20 заглавных латинских букв и цифр", "en": "must be 5 to 20 upper-case latin letters and digits"}')
	WHERE code = 'kyzyl-art-crossing';
