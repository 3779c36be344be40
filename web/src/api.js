// The hub's HTTP API. A person signed in with name and password (or an invite link) is carried
// by the hub's HttpOnly session cookie, and every write echoes the CSRF cookie in X-CSRF-Token;
// one who pasted an API token (the admin token) sends it as a bearer token instead. Failures
// become ApiError with the hub's own message ({"error": ...}), led in German or Chinese by what
// went wrong in the reader's words (hubError).
import { currentLanguage, t } from './i18n.js';

const TOKEN_KEY = 'homeweave.token';
const TIMEOUT_MS = 20_000;

export class ApiError extends Error {
  constructor(status, message, kind = '', problems = []) {
    super(message);
    this.status = status;
    this.kind = kind;
    // For bodies sent as YAML: [{path, line, message}] (see src/homeweave/automation/api.py).
    this.problems = problems;
  }
}

// What went wrong, by the hub's error kind (else its status), in the reader's words: in German or
// Chinese it leads the hub's own message, which stays as the hub wrote it (English, naming the
// device, value or file it is about).
const HEADLINES = {
  UnknownAddress: 'Not found',
  InvalidValue: 'Invalid value',
  RequestValidationError: 'Invalid input',
  AccessDenied: 'This cannot be changed',
  Forbidden: 'Not allowed',
  SignInFailed: 'Sign-in failed',
  TooManyAttempts: 'Too many attempts',
  Conflict: 'Conflict',
  DeviceUnavailable: 'The device is unavailable',
  IntegrationError: 'The device refused the command',
  NotConfirmed: 'The device refused the command',
  StorageError: 'The hub cannot store this now',
  DatabaseDamaged: 'The hub cannot store this now',
  BackupError: 'Backup refused',
  ImportRefused: 'Import refused',
  AutomationError: 'The automation has a problem',
  Starting: 'The hub is starting',
  too_large: 'Too large',
  internal: 'Error in the hub',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
};

/** The ApiError for a hub's error answer (`body`: its JSON, or null). */
export function hubError(status, body, statusText = '') {
  const message = body?.error || `${status} ${statusText}`.trim();
  const headline = HEADLINES[body?.kind] || HEADLINES[status] || 'Something went wrong';
  const said = currentLanguage() === 'en' ? message : `${t(headline)}: ${message}`;
  return new ApiError(status, said, body?.kind || '', body?.problems || []);
}

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY) || '',
  set: (value) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

const CSRF = /(?:^|;\s*)homeweave_csrf=([^;]*)/;
const csrf = () => decodeURIComponent(document.cookie.match(CSRF)?.[1] || '');

let onUnauthorized = () => {};
/** Called when the hub stops accepting the stored token (it was revoked). */
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

let onReach = () => {};
/** Called with false when a call finds no hub (network down, no answer), true when one answers. */
export function whenReachable(callback) {
  onReach = callback;
}

/** A call to the hub; `body` goes as JSON, or as it is with `type` (e.g. application/yaml).
 * `bearer` null: a sign-in call, whose 401 is no sign that the session ended. */
export async function request(method, path, body, bearer = token.get(), type = '') {
  const headers = {};
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  else if (method !== 'GET') headers['X-CSRF-Token'] = csrf();
  if (body !== undefined) headers['Content-Type'] = type || 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined || type ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const late = err && err.name === 'TimeoutError';
    onReach(false);
    throw new ApiError(0, late ? t('The hub did not answer in time') : t('The hub cannot be reached'));
  }
  onReach(true);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 401 && bearer !== null && bearer === token.get()) onUnauthorized();
    throw hubError(response.status, data, response.statusText);
  }
  return data;
}

const part = encodeURIComponent;
const propertyPath = (device, service, prop) =>
  `/api/devices/${part(device)}/${part(service)}/${part(prop)}`;

export const api = {
  /** Who is signed in (by the session cookie, or `bearer`). */
  me: (bearer) => request('GET', '/api/auth/me', undefined, bearer),
  login: (user, password) => request('POST', '/api/auth/login', { user, password }, null),
  logout: () => request('POST', '/api/auth/logout', undefined, null),
  /** `{needed}`: no one exists yet, the first-run page creates the owner. */
  setupNeeded: () => request('GET', '/api/auth/setup', undefined, null),
  setup: (body) => request('POST', '/api/auth/setup', body, null),
  /** Invite a guest: `{room|device|home, name, until, control}` → `{id, link, ...}`. */
  createInvite: (body) => request('POST', '/api/invites', body),
  openInvite: (secret) => request('POST', '/api/auth/invite', { token: secret }, null),
  homes: (bearer) => request('GET', '/api/homes', undefined, bearer),
  devices: () => request('GET', '/api/devices'),
  device: (id) => request('GET', `/api/devices/${part(id)}`),
  /** Rename and/or move a device: `{name?, room?}` (refused, 409, for one in homeweave.yaml). */
  change: (id, body) => request('PATCH', `/api/devices/${part(id)}`, body),
  set: (device, service, prop, value) =>
    request('PUT', propertyPath(device, service, prop), { value }),
  act: (device, service, action, args = []) =>
    request('POST', `/api/devices/${part(device)}/actions/${part(service)}/${part(action)}`, {
      args,
    }),
  history: (device, service, prop, start) =>
    request('GET', `${propertyPath(device, service, prop)}/history?start=${start}`),
  /** kWh and cost per bucket and device or room: `since` like 30d, `bucket` day or month. */
  energy: (since, by, bucket) =>
    request('GET', `/api/energy?since=${part(since)}&by=${part(by)}&bucket=${part(bucket)}`),
  openapi: () => request('GET', '/api/openapi.json'),
  /** The database's size, cap and bytes per use: `{file_bytes, max_bytes, tables, raw_days}`. */
  storage: () => request('GET', '/api/storage'),
  integrations: () => request('GET', '/api/integrations'),
  /** Start pairing an integration's hub again; answers `{prompt}` (which button to press). */
  pair: (name) => request('POST', `/api/integrations/${part(name)}/pair`),
  /** A sentence to the home: `{language, intent, slots, targets, writes, speech}`. */
  say: (text, language) => request('POST', '/api/conversation', { text, language }),
  /** Languages and whether speech works: `{languages, stt, tts}`. */
  voice: () => request('GET', '/api/conversation/settings'),
  /** A spoken sentence (a WAV Blob): heard, carried out, answered (`audio`: base64 WAV). */
  hear: (wav) => request('POST', '/api/conversation/audio', wav, token.get(), 'audio/wav'),
};
