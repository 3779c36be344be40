// Undo after a change made here (automation saved or deleted, scene captured or deleted, device
// renamed or moved): a toast with an Undo button for the version the change made (the hub keeps
// one per change, `GET /api/versions`), and undo itself (`POST /api/undo`), which the hub
// checks as it would the change by hand.
import { request } from './api.js';
import { changed, load, showToast } from './store.js';

const part = encodeURIComponent;

/** The newest versions of one thing (`kind`: automation, scene, device, share, user). */
export const versions = (kind, id, limit = 1) =>
  request('GET', `/api/versions?kind=${part(kind)}&id=${part(id)}&limit=${limit}`);

/** Offer to undo the change just made to `kind` `id`, with `message` saying what it was. */
export async function offerUndo(kind, id, message) {
  let found = [];
  try {
    found = await versions(kind, id);
  } catch {
    found = [];
  }
  showToast({ message, version: found[0]?.id ?? null, level: 'info' });
}

/** Undo the change that made `version`; the home and automations are shown anew after it. */
export async function undo(version) {
  const done = await request('POST', '/api/undo', { id: version });
  await load();
  changed('automations');
  return done;
}
