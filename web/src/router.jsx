// Client routes: /, /rooms, /rooms/:room, /more, /logbook, /audit, /backups, /energy, /devices/:device,
// /automations, /automations/new, /automations/:id, /automations/:id/edit, /automations/:id/traces/:trace, /scenes,
// /invite/:secret (an invite link, opened before signing in). The hub
// answers every non-/api path with index.html, so these survive a reload.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();
/** Where the dashboard was opened (its heading does not take the focus from the page). */
export const firstPath = location.pathname;

export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', path);
  for (const callback of listeners) callback(path);
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => {
  for (const callback of listeners) callback(location.pathname);
});

export function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    listeners.add(setPath);
    return () => listeners.delete(setPath);
  }, []);
  return path;
}

export function route(path) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { view: 'home' };
  if (parts[0] === 'rooms' && parts.length === 1) return { view: 'rooms' };
  if (parts[0] === 'rooms' && parts.length === 2) return { view: 'room', id: parts[1] };
  if (parts[0] === 'more' && parts.length === 1) return { view: 'more' };
  if (parts[0] === 'audit' && parts.length === 1) return { view: 'audit' };
  if (parts[0] === 'logbook' && parts.length === 1) return { view: 'logbook' };
  if (parts[0] === 'energy' && parts.length === 1) return { view: 'energy' };
  if (parts[0] === 'devices' && parts.length === 2) return { view: 'device', id: parts[1] };
  if (parts[0] === 'scenes' && parts.length === 1) return { view: 'scenes' };
  if (parts[0] === 'backups' && parts.length === 1) return { view: 'backups' };
  if (parts[0] === 'invite' && parts.length === 2) return { view: 'invite', id: parts[1] };
  if (parts[0] === 'automations') {
    const [, id, sub, trace] = parts;
    if (parts.length === 1) return { view: 'automations' };
    if (parts.length === 2) return id === 'new' ? { view: 'new' } : { view: 'automation', id };
    if (parts.length === 3 && sub === 'edit') return { view: 'edit', id };
    if (parts.length === 4 && sub === 'traces') return { view: 'trace', id, trace };
  }
  return { view: 'missing' };
}

/** Views of the lazily loaded automations chunk. */
export const AUTOMATION_VIEWS = new Set([
  'automations',
  'new',
  'automation',
  'edit',
  'trace',
  'scenes',
]);

export const roomPath = (id) => `/rooms/${encodeURIComponent(id)}`;
export const devicePath = (id) => `/devices/${encodeURIComponent(id)}`;
export const automationPath = (id, ...rest) =>
  ['/automations', id, ...rest].map((p, i) => (i ? encodeURIComponent(p) : p)).join('/');

export function Link({ href, onClick, ...props }) {
  const follow = (event) => {
    if (onClick) onClick(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...props} />;
}
