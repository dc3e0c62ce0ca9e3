// session.js: who is signed in. The session itself lives in the HttpOnly kapka_session
// cookie set by the server; this module only keeps what GET /api/v1/session said.
import { api, rememberCsrf } from './api.js';

let current = null; // {user, organisation?, csrf_token} or null

export function user() {
  return current?.user ?? null;
}

export function info() {
  return current;
}

// Ask the server who we are; null when nobody is signed in.
export async function refresh() {
  try {
    current = await api.get('/api/v1/session');
  } catch (err) {
    if (err.status !== 401) throw err;
    current = null;
  }
  rememberCsrf(current?.csrf_token);
  return current;
}

export async function signIn(username, password) {
  const r = await api.post('/api/v1/session', { username, password });
  rememberCsrf(r.csrf_token);
  return refresh();
}

// Sign out on the server; a session that had already ended counts as signed out.
export async function signOut() {
  try {
    await api.del('/api/v1/session');
  } catch (err) {
    if (err.status !== 401) throw err;
  }
  forget();
}

export function forget() {
  current = null;
  rememberCsrf(null);
}
