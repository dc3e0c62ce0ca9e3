// api.js: the one way the UI talks to kapka's JSON API. Sends the session cookie (never a
// stored token), adds X-CSRF-Token to state-changing requests, and turns every failure
// into an ApiError carrying the server's {code, message, fields}.
//
//   import { api, ApiError } from './api.js';
//   const org = await api.get('/api/v1/organisations/mine');
//   await api.post('/api/v1/carriers', body);      // throws ApiError on 4xx/5xx/network

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CSRF_COOKIE = 'kapka_csrf';

export class ApiError extends Error {
  constructor({ status = 0, code = 'network', message = '', fields = [], retryAfter = null, requestId = null,
    reasons = [], body = null }) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;         // HTTP status; 0 when the server could not be reached
    this.code = code;             // the server's error code, like "invalid_credentials"
    this.fields = fields;         // [{field, problem}] for form errors
    this.retryAfter = retryAfter; // seconds, from Retry-After (429)
    this.requestId = requestId;
    this.reasons = reasons;       // [{code, message}]: every failed check of a refused application
    this.body = body;             // the whole answer (a refusal also carries the application)
  }
}

let csrfFromSession = null;
const unauthenticatedListeners = new Set();

// The CSRF token: the readable kapka_csrf cookie, or the one the last session answer held.
export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE && rest.length) return decodeURIComponent(rest.join('='));
  }
  return csrfFromSession;
}

export function rememberCsrf(token) {
  csrfFromSession = token || null;
}

// Called with the ApiError whenever the server answers 401 (for example a session that ran out).
export function onUnauthenticated(fn) {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

function retryAfterSeconds(res, message) {
  const h = Number.parseInt(res.headers.get('Retry-After') || '', 10);
  if (Number.isFinite(h) && h >= 0) return h;
  const m = /(\d+)\s*seconds?/.exec(message || '');
  return m ? Number(m[1]) : null;
}

// Send one request; resolves with the parsed JSON body (or null), rejects with ApiError.
export async function request(method, path, body, { signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) {
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res;
  try {
    res = await fetch(path, {
      method, headers, signal, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError({ status: 0, code: 'network', message: e.message });
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (res.ok) return data;
  const e = (data && data.error) || {};
  const err = new ApiError({
    status: res.status,
    code: e.code || `http_${res.status}`,
    message: e.message || res.statusText,
    fields: Array.isArray(e.fields) ? e.fields : [],
    retryAfter: res.status === 429 || res.status === 503 ? retryAfterSeconds(res, e.message) : null,
    requestId: e.request_id || res.headers.get('X-Request-Id'),
    reasons: Array.isArray(e.reasons) ? e.reasons : [],
    body: data,
  });
  if (res.status === 401) for (const fn of unauthenticatedListeners) fn(err, { method, path });
  throw err;
}

export const api = {
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body = {}, opts) => request('POST', path, body, opts),
  put: (path, body = {}, opts) => request('PUT', path, body, opts),
  patch: (path, body = {}, opts) => request('PATCH', path, body, opts),
  del: (path, opts) => request('DELETE', path, undefined, opts),
};
