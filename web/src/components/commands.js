import { api } from '../api.js';
import { applyValue, placeDevice, state } from '../store.js';
import { t } from '../i18n.js';
import { offerUndo } from '../undo.js';

/** Write a property; the hub answers once the device confirmed, with the value it took. */
export async function setProp(device, prop, value) {
  const result = await api.set(device.id, prop.service.key, prop.key, value);
  if (prop.access.includes('read')) applyValue(device.id, prop.siid, prop.piid, result.value);
  return result;
}

export function runAction(device, action, args = []) {
  return api.act(device.id, action.service.key, action.key, args);
}

/** Rename and/or move a device (`{name?, room?}`); shown everywhere once the hub saved it,
 * with an Undo toast. */
export async function changeDevice(device, change) {
  const changed = await api.change(device.id, change);
  placeDevice(changed);
  const room = state.homes.flatMap((h) => h.rooms).find((r) => r.id === changed.room);
  const what =
    change.name !== undefined
      ? t('Renamed to “{name}”.', { name: changed.name })
      : t('Moved to {room}.', { room: room?.name ?? changed.room });
  offerUndo('device', device.id, what);
}
