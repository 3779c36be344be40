// Everything the dashboard knows about the home: homes and rooms, devices (spec + current
// values), recent device events, automations' notifications (toasts) and the live connection's
// status. Views subscribe by key: a device id, 'registry' (homes and devices were (re)loaded),
// 'connection', 'toasts', 'automations' (an automation did something), or '*' for any change;
// notifications are batched to one per animation frame.

import { api } from './api.js';
import { speak } from './speak.js';
import { t } from './i18n.js';

const HOME_KEY = 'homeweave.home';

export const state = {
  homes: [],
  homeId: localStorage.getItem(HOME_KEY) || '', // the home shown when there are several
  devices: new Map(),
  events: new Map(),
  loaded: false,
  loadError: '',
  connection: 'connecting',
  /** When the hub went out of reach (epoch seconds): the values shown were last seen then. */
  offlineSince: 0,
  unreachable: false,
  automations: false,
  member: true, // a member (or more) somewhere: talking to the home, automations
  admin: false, // an admin (or owner) somewhere: inviting guests
  toasts: [],
};

const TOASTS_SHOWN = 3;
const TOAST_MS = 12_000;
let toastKey = 0;

const EVENTS_KEPT = 20;
const listeners = new Map();
const stateListeners = new Set();
const dirty = new Set();
let scheduled = false;

export function subscribe(key, callback) {
  if (!listeners.has(key)) listeners.set(key, new Set());
  listeners.get(key).add(callback);
  return () => listeners.get(key).delete(callback);
}

/** Every state message as it arrives (the history chart appends them). */
export function onStateMessage(callback) {
  stateListeners.add(callback);
  return () => stateListeners.delete(callback);
}

export function changed(key) {
  dirty.add(key);
  if (scheduled) return;
  scheduled = true;
  const flush = () => {
    scheduled = false;
    const keys = [...dirty];
    dirty.clear();
    for (const k of keys) for (const callback of listeners.get(k) ?? []) callback();
    for (const callback of listeners.get('*') ?? []) callback();
  };
  if (document.hidden) setTimeout(flush, 100);
  else requestAnimationFrame(flush);
}

/** A device as the API describes it, indexed for the views: props by "siid.piid" and by
 * "service/prop" or "prop" (the first service that has it), values and when they changed. */
export function deviceModel(out) {
  const props = new Map();
  const byName = new Map();
  const values = new Map();
  const changedAt = new Map();
  const actions = [];
  for (const service of out.services) {
    for (const p of service.properties) {
      const prop = { ...p, id: `${p.siid}.${p.piid}`, service };
      props.set(prop.id, prop);
      byName.set(`${service.key}/${p.key}`, prop);
      if (!byName.has(p.key)) byName.set(p.key, prop);
      values.set(prop.id, p.value);
      changedAt.set(prop.id, p.changed_at);
    }
    for (const a of service.actions) actions.push({ ...a, service });
  }
  return { ...out, props, byName, values, changedAt, actions };
}

export async function load() {
  try {
    const [homes, devices] = await Promise.all([api.homes(), api.devices()]);
    state.homes = homes;
    state.devices = new Map(devices.map((d) => [d.id, deviceModel(d)]));
    state.loaded = true;
    state.loadError = '';
  } catch (err) {
    state.loadError = err.message;
  }
  changed('registry');
}

/** The homes the pages show: the chosen one when the person belongs to several (the first
 * until one is chosen), else every home there is. */
export function shownHomes() {
  if (state.homes.length < 2) return state.homes;
  return [state.homes.find((h) => h.id === state.homeId) || state.homes[0]];
}

/** Switch the dashboard to another home (kept for the next visit). */
export function chooseHome(id) {
  state.homeId = id;
  localStorage.setItem(HOME_KEY, id);
  changed('registry');
}

export function reset() {
  state.homes = [];
  state.devices = new Map();
  state.events = new Map();
  state.loaded = false;
  state.loadError = '';
  state.connection = 'connecting';
  state.unreachable = false;
  state.automations = false;
  state.member = true;
  state.admin = false;
  state.toasts = [];
  changed('registry');
}

export function applyValue(deviceId, siid, piid, value, at = Date.now() / 1000) {
  const device = state.devices.get(deviceId);
  if (!device) return;
  const id = `${siid}.${piid}`;
  if (!device.props.has(id)) return;
  device.values.set(id, value);
  device.changedAt.set(id, at);
  changed(deviceId);
}

/** A device's new name and room, as the hub answered a change: every view shows them. */
export function placeDevice(out) {
  const device = state.devices.get(out.id);
  if (!device) return;
  if (device.room !== out.room) {
    const drop = (ids) => ids.filter((id) => id !== out.id);
    state.homes = state.homes.map((home) => ({
      ...home,
      rooms: home.rooms.map((room) => ({
        ...room,
        devices: room.id === out.room ? [...drop(room.devices), out.id] : drop(room.devices),
      })),
    }));
  }
  Object.assign(device, { name: out.name, room: out.room, home: out.home });
  changed(out.id);
  changed('registry');
}

/** One message from the WebSocket (see src/homeweave/api/ws.py). */
export function applyMessage(message) {
  const device = state.devices.get(message.device);
  switch (message.type) {
    case 'state':
      applyValue(message.device, message.siid, message.piid, message.value, message.at);
      for (const callback of stateListeners) callback(message);
      break;
    case 'availability':
      if (!device) return;
      device.available = message.available;
      device.unavailable_reason = message.reason || '';
      changed(device.id);
      break;
    case 'event': {
      if (!device) return;
      const list = [message, ...(state.events.get(device.id) ?? [])].slice(0, EVENTS_KEPT);
      state.events.set(device.id, list);
      changed(device.id);
      break;
    }
    case 'notification':
      showToast(message);
      changed('automations');
      break;
    case 'timer': // a voice timer rang: shown and said
      showToast({ title: t('Timer'), message: message.message, level: 'info' });
      speak(message.message, message.language);
      break;
    default:
      break;
  }
}

/** A notification from an automation's notify action, shown for a while. */
export function showToast(notification) {
  const toast = { ...notification, key: ++toastKey };
  state.toasts = [...state.toasts, toast].slice(-TOASTS_SHOWN);
  changed('toasts');
  setTimeout(() => dismissToast(toast.key), TOAST_MS);
}

export function dismissToast(key) {
  if (!state.toasts.some((t) => t.key === key)) return;
  state.toasts = state.toasts.filter((t) => t.key !== key);
  changed('toasts');
}

/** Whether the hub is out of reach (the live connection is down, or calls find no hub): the
 * values shown are the last known, nothing can be set. */
export const stale = () => state.connection === 'reconnecting' || state.unreachable;

/** A call to the hub found none (false) or was answered (true). */
export function setReachable(ok) {
  if (state.unreachable === !ok) return;
  if (!ok && !stale()) state.offlineSince = Date.now() / 1000;
  state.unreachable = !ok;
  changed('connection');
}

/** Whether a device's controls can be used now. */
export const usable = (device) => device.available && !stale();

export function setConnection(status) {
  if (state.connection === status) return;
  if (status === 'reconnecting' && !stale()) state.offlineSince = Date.now() / 1000;
  state.connection = status;
  changed('connection');
}

export function setMember(member, admin) {
  state.member = member;
  state.admin = admin;
  changed('registry');
}

export function setAutomations(available) {
  state.automations = available;
  changed('registry');
}
