// errors.js: turn the server's English error codes and field problems into catalogue keys,
// so they are shown in the user's language. Unknown ones are shown as the server wrote them.
import { has } from './i18n.js';

// Field problems exactly as src/domain/account.c and src/http/request.c word them.
const EXACT_PROBLEMS = {
  'is required': 'problem.required',
  'is required (as written in the passport)': 'problem.required_passport',
  'must be a string': 'problem.not_text',
  'must not contain control characters': 'problem.control_chars',
  'must not be empty': 'problem.required',
  'must be exactly 14 digits': 'problem.inn_digits',
  'must start with 0 (organisation), 1 or 2 (individual)': 'problem.inn_prefix',
  "digits 2 to 9 of an individual's INN must be a date of birth (DDMMYYYY)": 'problem.inn_birth_date',
  "may hold only lower-case latin letters, digits, '.', '_' and '-'": 'problem.username_chars',
  'must start with a letter or digit': 'problem.username_start',
  'must be an e-mail address like name@example.kg': 'problem.email',
  'must not contain spaces': 'problem.no_spaces',
  'must start with + and the country code, like +996 555 123456': 'problem.phone_plus',
  'may hold only digits, spaces and dashes after +': 'problem.phone_chars',
  'must be ky, ru or en': 'problem.language',
  "may hold only latin letters, digits, '-' and '/'": 'problem.licence_chars',
  // Vehicles, applications, quotas, organisations (src/domain/permit.c, src/api/*.c).
  'may hold only latin letters, digits, spaces and dashes': 'problem.plate_chars',
  'must have 4 to 12 letters and digits': 'problem.plate_length',
  'is too long': 'problem.too_long',
  'must be exactly 17 characters': 'problem.vin_length',
  'may hold only digits and upper-case latin letters': 'problem.vin_chars',
  'must not contain the letters I, O or Q': 'problem.vin_ioq',
  'must be tractor, truck, trailer or bus': 'problem.vehicle_kind',
  'must be a two-letter upper-case country code like KG': 'problem.country',
  'must be another country than this authority': 'problem.country_self',
  'must not be below start_number': 'problem.end_below_start',
  'is required (or give the plate)': 'problem.required',
  'must be ENTRANCE or EXIT': 'problem.activity_type',
  'must not be in the future': 'problem.future',
  // border-zone applications (src/domain/zone.c)
  "must be written in latin letters as in the passport (A-Z, spaces, - and ')": 'ui.problem_latin',
  'is longer than 60 characters': 'ui.problem_longer_60',
  'must have only latin letters and digits': 'ui.problem_latin_digits',
  'must have 5 to 20 letters and digits': 'ui.problem_passport_length',
  'is before date_from': 'ui.problem_before_from',
  'is in the past': 'ui.problem_past',
  'is too far ahead: apply at most a year before the trip': 'ui.problem_too_far',
  'must name at least one zone': 'ui.problem_one_zone',
  // accounts the administrator adds (src/api/users.c)
  'needs an organisation_id': 'ui.problem_needs_org',
  // consignment notes (src/domain/ecmr.c)
  'must be text without control characters': 'problem.control_chars',
  'must be a date YYYY-MM-DD': 'form.problem.date',
  'must be UN and four digits, like UN1203': 'form.problem.un_number',
  'must be prepaid or forward': 'form.problem.payment_terms',
  'an email or a phone is required: the party seals through a link sent there': 'form.problem.email_or_phone',
  'must be a three-letter currency code like USD': 'form.problem.currency_code',
  "does not fit the organisation's kind": 'ui.problem_org_kind',
};

const PATTERN_PROBLEMS = [
  [/^must be at most (\d+) characters$/, 'problem.max_chars', ['count']],
  [/^must be at least (\d+) characters$/, 'problem.min_chars', ['count']],
  [/^must be (\d+) to (\d+) characters$/, 'problem.length_range', ['min', 'max']],
  [/^must have (\d+) to (\d+) digits$/, 'problem.digit_count', ['min', 'max']],
  [/^must be (\d+) to (\d+) digits$/, 'problem.digit_count', ['min', 'max']],
  [/^must be more than (-?[\d.]+) and at most (-?[\d.]+)$/, 'form.problem.number_between', ['min', 'max']],
  [/^must be a whole number from (-?\d+) to (-?\d+)$/, 'problem.number_range', ['min', 'max']],
  [/^is (\d{4}-\d{2}-\d{2}), not after the trip ends on (\d{4}-\d{2}-\d{2})/, 'ui.problem_passport_expires', ['expiry', 'end'], true],
];

// Problem codes whose words the catalogue keeps under an older key; any other code's words
// are form.problem.<code> (src/http/request.c kp_field_problem).
const CODE_PROBLEMS = {
  required: 'problem.required', not_text: 'problem.not_text', control_chars: 'problem.control_chars',
  max_chars: 'problem.max_chars', number_range: 'problem.number_range',
};

// {key, args} for a field problem, or {text} when it is not one we know. code and args are
// the server's stable code for the problem and the numbers its words need; code "invalid"
// (no more precise code) falls back to the English sentence the server wrote.
export function describeProblem(problem, code, args) {
  if (problem && typeof problem === 'object') return problem; // already {key, args}
  if (code && code !== 'invalid') {
    const key = CODE_PROBLEMS[code] || `form.problem.${String(code).toLowerCase()}`;
    if (/^[a-z_.]+$/.test(key) && has(key)) return { key, args: args || undefined };
    if (reasonKey(code)) return { key: reasonKey(code) }; // the same words as the form's message
  }
  if (EXACT_PROBLEMS[problem]) return { key: EXACT_PROBLEMS[problem] };
  for (const [re, key, names, text] of PATTERN_PROBLEMS) {
    const m = re.exec(problem);
    if (m) return { key, args: Object.fromEntries(names.map((n, i) => [n, text ? m[i + 1] : Number(m[i + 1])])) };
  }
  return { text: problem };
}

const CODE_KEYS = {
  network: 'error.network',
  invalid_credentials: 'error.invalid_credentials',
  account_suspended: 'error.account_suspended',
  invalid_field: 'error.invalid_field',
  username_taken: 'error.username_taken',
  inn_taken: 'error.inn_taken',
  conflict: 'error.conflict',
  csrf: 'error.csrf',
  unauthenticated: 'error.unauthenticated',
  forbidden: 'error.forbidden',
  not_found: 'error.not_found',
  busy: 'error.busy',
  internal: 'error.internal',
  body_too_large: 'error.body_too_large',
  invalid_reference: 'error.invalid_reference',
  bad_query: 'error.bad_query',
  // security: who may do what with which object, and limits against abuse
  not_yours: 'security.error_not_yours',
  TIP_HELD_BY_ANOTHER_ACCOUNT: 'security.error_tip_held',
  VEHICLE_NOT_YOURS: 'security.error_vehicle_not_yours',
  BOOKING_CAP_REACHED: 'security.error_booking_cap',
  ORGANISATION_SUSPENDED: 'security.error_org_suspended',
  NOT_ACTIVE: 'security.error_not_active',
  too_many_parameters: 'security.error_too_many_parameters',
  bad_framing: 'security.error_bad_framing',
};

// The catalogue key for a decision, verification or rule code such as DUPLICATE_PERMIT,
// BAD_SIGNATURE or PERMIT_USED, or null when the catalogue has none.
export function reasonKey(code) {
  const key = `reason.${String(code || '').toLowerCase()}`;
  return /^reason\.[a-z_]+$/.test(key) && has(key) ? key : null;
}

// {key} for a reason the catalogue knows, else {text} as the server wrote it.
export function describeReason({ code, message }) {
  const key = reasonKey(code);
  return key ? { key } : { text: message || code };
}

// {key, args} or {text} for the message at the top of a form.
export function describeError(err) {
  if (err.code === 'too_many_registrations') {
    return { key: 'security.error_too_many_registrations', args: { count: Math.ceil((err.retryAfter ?? 60) / 60) } };
  }
  if (err.code === 'too_many_attempts' || err.status === 429) {
    const s = err.retryAfter ?? 60;
    return s >= 120 ? { key: 'error.throttled_minutes', args: { count: Math.ceil(s / 60) } }
      : { key: 'error.throttled_seconds', args: { count: s } };
  }
  if (CODE_KEYS[err.code]) return { key: CODE_KEYS[err.code] };
  if (reasonKey(err.code)) return { key: reasonKey(err.code) };
  if (err.status >= 500) return { key: 'error.internal' };
  return err.message ? { text: err.message } : { key: 'error.unknown' };
}

// Problems the server reports in the message rather than in fields, put on their field.
export function implicitFieldProblems(err) {
  if (err.code === 'username_taken') return [{ field: 'username', problem: { key: 'problem.username_taken' } }];
  if (err.code === 'inn_taken') return [{ field: 'inn', problem: { key: 'problem.inn_taken' } }];
  return [];
}
