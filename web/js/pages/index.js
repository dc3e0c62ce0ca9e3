// The pages of the web UI. To add one: write web/js/pages/<name>.js (see router.js for its
// shape) and add <name> here; it is then reachable at #/<name> and, if it says so, in the nav.
export default [
  { name: 'home', title: 'home.title', access: 'user', nav: { label: 'nav.home', order: 0 } },
  { name: 'login', title: 'login.title', access: 'guest', nav: { label: 'nav.login', order: 10 } },
  { name: 'register', title: 'register.title', access: 'guest', nav: { label: 'nav.register', order: 20 } },
  // carriers
  { name: 'vehicles', title: 'vehicles.title', roles: ['carrier'], nav: { label: 'nav.vehicles', order: 20 } },
  { name: 'apply', title: 'apply.title', roles: ['carrier'], nav: { label: 'nav.apply', order: 30 } },
  { name: 'permits', title: 'permits.title', roles: ['carrier'], nav: { label: 'nav.permits', order: 40 } },
  // border and customs officers
  { name: 'verify', title: 'verify.title', roles: ['officer', 'ministry', 'admin'], nav: { label: 'nav.verify', order: 20 }, help: true },
  { name: 'lookup', title: 'lookup.title', roles: ['officer', 'ministry', 'auditor', 'admin'], nav: { label: 'nav.lookup', order: 30 } },
  // the ministry (and, reading only, auditors)
  { name: 'quotas', title: 'quotas.title', roles: ['ministry', 'auditor', 'admin'], nav: { label: 'nav.quotas', order: 20 } },
  { name: 'review', title: 'review.title', roles: ['ministry', 'auditor', 'admin'], nav: { label: 'nav.review', order: 30 } },
  { name: 'usage', title: 'usage.title', roles: ['ministry', 'auditor', 'admin'], nav: { label: 'nav.usage', order: 40 } },
  { name: 'trends', title: 'chart.title', roles: ['ministry', 'auditor', 'admin'], nav: { label: 'chart.nav', order: 41 } },
  { name: 'carriers', title: 'carriers.title', roles: ['ministry', 'auditor', 'admin'], nav: { label: 'nav.carriers', order: 50 } },
  // accounts (administrator) and the audit trail (auditor)
  { name: 'users', title: 'ui.users_title', roles: ['admin', 'auditor'], nav: { label: 'ui.nav_users', order: 90 } },
  { name: 'audit', title: 'ui.audit_title', roles: ['auditor', 'admin'], nav: { label: 'ui.nav_audit', order: 91 } },
  { name: 'permit-search', title: 'pm.search_title', roles: ['ministry', 'auditor', 'admin'], nav: { label: 'pm.nav_search', order: 31 } },
  { name: 'permit-issue', title: 'pm.issue_title', roles: ['ministry', 'admin'], nav: { label: 'pm.nav_issue', order: 32 } },
  // partner exchange (the ministry)
  { name: 'partners', title: 'partners.title', roles: ['ministry', 'auditor', 'admin'], nav: { label: 'partners.nav', order: 60 } },

  // checkpoints, crossings and the booked queue
  { name: 'checkpoints', title: 'checkpoints.title', access: 'any', nav: { label: 'nav.checkpoints', order: 70 }, help: true },
  { name: 'booking', title: 'booking.title', roles: ['carrier', 'traveller'], nav: { label: 'nav.booking', order: 50 }, help: true },
  { name: 'border', title: 'border.title', roles: ['officer'], nav: { label: 'nav.border', order: 45 } },
  { name: 'throughput', title: 'throughput.title', roles: ['ministry', 'auditor', 'admin'], nav: { label: 'nav.throughput', order: 60 } },

  // travellers
  { name: 'zones', title: 'zones.title', roles: ['traveller'], nav: { label: 'nav.zones', order: 30 }, help: true },
  { name: 'stay', title: 'stay.title', roles: ['traveller'], nav: { label: 'nav.stay', order: 35 }, help: true },
  { name: 'tips', title: 'tips.title', roles: ['traveller'], nav: { label: 'nav.tips', order: 36 }, help: true },
  { name: 'zone-check', title: 'zcheck.title', roles: ['officer'], nav: { label: 'nav.zone_check', order: 22 } },

  // e-CMR and the agency exchange
  { name: 'ecmr', title: 'ecmr.title', roles: ['carrier', 'officer', 'ministry', 'auditor', 'admin'], nav: { label: 'nav.ecmr', order: 45 } },
  { name: 'ecmr-seal', title: 'ecmr_seal.title', access: 'any' },
  { name: 'agency', title: 'agency.title', roles: ['officer', 'auditor'], nav: { label: 'nav.agency', order: 46 } },
  // rules in force, by date, with their sources
  { name: 'rules', title: 'rules.title', access: 'any' },

  // the single window and the duty-free EV quota register
  { name: 'window', title: 'window.title', roles: ['carrier', 'traveller'], nav: { label: 'window.nav', order: 60 } },
  { name: 'window-queue', title: 'window.queue_title', roles: ['officer', 'ministry'], nav: { label: 'window.queue_nav', order: 61 } },
  { name: 'ev-quota', title: 'window.register_title', access: 'any', nav: { label: 'window.register_nav', order: 62 } },

  // my notices and channels; the failed SMS and email for operators (the header's bell)
  { name: 'notices', title: 'notify.title', access: 'user' },

  // the public transparency log's statistics
  { name: 'transparency', title: 'transparency.title', access: 'any', nav: { label: 'transparency.nav', order: 95 } },
];
