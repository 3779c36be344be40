import { api } from '../api.js';
import { applyValue, placeDevice } from '../store.js';

/** Write a property; the hub answers once the device confirmed, with the value it took. */
export async function setProp(device, prop, value) {
  const result = await api.set(device.id, prop.service.key, prop.key, value);
  if (prop.access.includes('read')) applyValue(device.id, prop.siid, prop.piid, result.value);
  return result;
}

export function runAction(device, action, args = []) {
  return api.act(device.id, action.service.key, action.key, args);
}

/** Rename and/or move a device (`{name?, room?}`); shown everywhere once the hub saved it. */
export async function changeDevice(device, change) {
  placeDevice(await api.change(device.id, change));
}
