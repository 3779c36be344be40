// A device's name and room on its page: renamed in place (pencil → field → Save/Cancel, Enter
// and Escape) and moved with a select of its home's rooms. A device defined in homeweave.yaml
// is changed there, so these are not offered for it.

import { useEffect, useRef, useState } from 'preact/hooks';

import { useCommand } from '../hooks.js';
import { Icon, Spinner } from '../icons.jsx';
import { stale } from '../store.js';
import { changeDevice } from './commands.js';
import { CommandError } from './controls.jsx';
import { t } from '../i18n.js';

export function DeviceName({ device }) {
  const command = useCommand();
  // null while not editing, else the text in the field.
  const [draft, setDraft] = useState(null);
  const field = useRef(null);
  const pencil = useRef(null);
  const editing = draft !== null;
  const wasEditing = useRef(false);
  useEffect(() => {
    // Focus moves into the field and, once done, back to the pencil (keyboard users stay put).
    if (editing) field.current?.select();
    else if (wasEditing.current) pencil.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  const cancel = () => {
    setDraft(null);
    command.dismiss();
  };
  if (!editing) {
    return (
      <div class="name-row">
        <h1 tabIndex={-1}>{device.name}</h1>
        {!device.configured && (
          <button
            type="button"
            ref={pencil}
            class="icon-button small"
            aria-label={t('Rename {name}', { name: device.name })}
            title={t('Rename')}
            onClick={() => setDraft(device.name)}
          >
            <Icon name="pencil" size={16} />
          </button>
        )}
      </div>
    );
  }
  const save = async (event) => {
    event.preventDefault();
    if (await command.run(() => changeDevice(device, { name: draft }))) setDraft(null);
  };
  return (
    <>
      <h1 class="sr-only">{device.name}</h1>
      <form class="name-row rename" onSubmit={save}>
        <input
          ref={field}
          aria-label={t('Device name')}
          value={draft}
          disabled={command.busy}
          onInput={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => event.key === 'Escape' && cancel()}
        />
        <button type="submit" class="pill-button" disabled={command.busy || stale()}>
          {t('Save')}
        </button>
        <button type="button" class="pill-button" disabled={command.busy} onClick={cancel}>
          {t('Cancel')}
        </button>
        {command.busy && <Spinner />}
      </form>
      <CommandError command={command} />
    </>
  );
}

export function RoomPicker({ device, home }) {
  const command = useCommand();
  const [pending, setPending] = useState(null);
  if (device.configured || !home) return null;
  const move = async (event) => {
    const room = event.currentTarget.value;
    setPending(room);
    await command.run(() => changeDevice(device, { room }));
    // On an error the select goes back to the room the device is still in.
    setPending(null);
  };
  return (
    <>
      <label class="meta room-picker">
        {t('Room')}{' '}
        <select value={pending ?? device.room} disabled={command.busy || stale()} onChange={move}>
          {home.rooms.map((room) => (
            <option key={room.id} value={room.id}>
              {room.name}
            </option>
          ))}
        </select>
        {command.busy && <Spinner />}
      </label>
      <CommandError command={command} />
    </>
  );
}
