// The pages of the web UI. To add one: write web/js/pages/<name>.js (see router.js for its
// shape) and add <name> here; it is then reachable at #/<name> and, if it says so, in the nav.
export default [
  'home',
  'login',
  'register',
  // carriers
  'vehicles',
  'apply',
  'permits',
  // border and customs officers
  'verify',
  'lookup',
  // the ministry (and, reading only, auditors)
  'quotas',
  'review',
  'usage',
  'carriers',
  // accounts (administrator) and the audit trail (auditor)
  'users',
  'audit',
  'permit-search',
  'permit-issue',
  // partner exchange (the ministry)
  'partners',

  // checkpoints, crossings and the booked queue
  'checkpoints',
  'booking',
  'border',
  'throughput',

  // travellers
  'zones',
  'stay',
  'tips',
  'zone-check',

  // e-CMR and the agency exchange
  'ecmr',
  'ecmr-seal',
  'agency',
  // rules in force, by date, with their sources
  'rules',

  // the single window and the duty-free EV quota register
  'window',
  'window-queue',
  'ev-quota',

  // the public transparency log's statistics
  'transparency',
];
