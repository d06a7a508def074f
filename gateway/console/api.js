// The admin API, called with the master key kept in this tab's sessionStorage.

const STORAGE_KEY = 'modelrt.masterKey';

/** A failed admin call, with the gateway's message (OpenAI's error shape). */
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function masterKey() {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signIn(key) {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function signOut() {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** Calls `method path` with an optional JSON body; resolves to the JSON answer. */
export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${masterKey() ?? ''}` };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, `the gateway cannot be reached: ${error.message}`);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: the status line says enough.
  }
  if (!response.ok) {
    const message = json?.error?.message ?? `${response.status} ${response.statusText}`;
    const error = new ApiError(response.status, message, json?.error?.code);
    if (response.status === 401) {
      window.dispatchEvent(new CustomEvent('modelrt:unauthorized', { detail: error }));
    }
    throw error;
  }
  return json;
}
