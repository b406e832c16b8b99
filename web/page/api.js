// api.js: every request the page makes to memcored goes through here.
// It adds the bearer token when the tab has one, asks the user for one
// when the API answers 401 (one question shared by every request that
// was refused at the same time), and turns the API's JSON errors
// ({"error":{"class","desc"}}) into ApiError objects.

const TOKEN_KEY = 'memcored.token';
const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, cls, desc) {
    super(desc || `HTTP ${status}`);
    this.status = status;
    this.cls = cls || '';
  }
}

let askToken = null;    // (message) => Promise<string>, set by the page
let pendingAsk = null;  // the question on screen, if any

export function setTokenAsker(fn) {
  askToken = fn;
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

// Called when a request sent with @sent (a token or null) got 401.
async function needToken(sent) {
  // A request that was in flight while the user answered must just retry.
  if (token() !== sent) return;
  if (!pendingAsk) {
    if (!askToken) throw new ApiError(401, 'Unauthorized', 'memcored wants a token');
    const message = sent
      ? 'memcored refused that token. Try again:'
      : 'This memcored was started with --http-token. The token is kept for this tab only.';
    pendingAsk = askToken(message)
      .then((t) => sessionStorage.setItem(TOKEN_KEY, t))
      .finally(() => { pendingAsk = null; });
  }
  await pendingAsk;
}

// fetch() of an API path with the token; answers the Response of the
// first attempt that was not refused for want of a token.
export async function request(path, opts = {}) {
  for (;;) {
    const headers = new Headers(opts.headers || {});
    const sent = token();
    if (sent) headers.set('Authorization', `Bearer ${sent}`);
    const res = await fetch(BASE + path, { cache: 'no-store', ...opts, headers });
    if (res.status !== 401) return res;
    await res.body?.cancel();
    await needToken(sent);
  }
}

// The ApiError an error answer carries.
export async function errorOf(res) {
  let cls = '';
  let desc = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    if (body && body.error) {
      cls = body.error.class || '';
      desc = body.error.desc || desc;
    }
  } catch {
    // Not JSON: the status line says enough.
  }
  return new ApiError(res.status, cls, desc);
}

export async function getJSON(path) {
  const res = await request(path, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

export async function postJSON(path, body) {
  const res = await request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

const enc = encodeURIComponent;

export function addressSpaces() {
  return getJSON('/address-spaces');
}

export function tree(as) {
  return getJSON(`/address-spaces/${enc(as)}/tree`);
}

export function flatview(as) {
  return getJSON(`/address-spaces/${enc(as)}/flatview`);
}

export function region(name) {
  return getJSON(`/regions/${enc(name)}`);
}

export function monitor(command) {
  return postJSON('/monitor', { command });
}

// Exactly @len bytes at @addr (BigInt), as a Uint8Array; an ApiError when
// the transaction failed (the API never answers bytes it did not read).
export async function readMemory(as, addr, len) {
  const res = await request(
    `/address-spaces/${enc(as)}/memory?addr=0x${addr.toString(16)}&len=${len}`,
    { headers: { Accept: 'application/octet-stream' } });
  if (!res.ok) throw await errorOf(res);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length !== len) {
    throw new ApiError(res.status, 'Short', `asked for ${len} bytes, got ${bytes.length}`);
  }
  return bytes;
}

export async function writeMemory(as, addr, bytes) {
  const res = await request(
    `/address-spaces/${enc(as)}/memory?addr=0x${addr.toString(16)}`,
    { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: bytes });
  if (!res.ok) throw await errorOf(res);
  return res.json();
}
