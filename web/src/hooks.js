import { useCallback, useEffect, useReducer, useRef, useState } from 'preact/hooks';

import { stale, state, subscribe } from './store.js';

/** Re-render when `key` (a device id, 'connection' or '*' for anything) changes. */
export function useStore(key = '*') {
  const [, force] = useReducer((n) => n + 1, 0);
  useEffect(() => subscribe(key, force), [key]);
  return state;
}

export function useDevice(id) {
  useStore(id);
  return state.devices.get(id);
}

/** Run a command for a control: `busy` while it is in flight, `error` (the hub's message) if
 * it failed; a later run, or the hub coming back after it was out of reach, clears the error. */
export function useCommand() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const alive = useRef(true);
  const away = useRef(false);
  useEffect(() => {
    // An error from while the hub was away is out of date once it is back (the values are
    // reloaded; "The hub cannot be reached" least of all holds).
    const stop = subscribe('connection', () => {
      if (stale()) away.current = true;
      else if (away.current) {
        away.current = false;
        setError('');
      }
    });
    return () => {
      alive.current = false;
      stop();
    };
  }, []);
  const run = useCallback(async (work) => {
    setBusy(true);
    setError('');
    try {
      await work();
      return true;
    } catch (err) {
      if (alive.current) setError(err.message || String(err));
      return false;
    } finally {
      if (alive.current) setBusy(false);
    }
  }, []);
  return { busy, error, run, dismiss: () => setError('') };
}

/** A clock for "changed 3 min ago" texts. */
export function useNow(intervalMs = 30_000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
