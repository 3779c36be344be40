// A device as a compact tile (home page): icon, name and one line of status; the icon is the
// power switch where the device has one. A tap on the rest opens the more-info sheet with every
// control; the device page keeps history and details.
import { useEffect, useRef, useState } from 'preact/hooks';

import { alarms, cardModel, isActive, shortName } from '../capabilities.js';
import { useCommand, useDevice, useStore } from '../hooks.js';
import { Icon } from '../icons.jsx';
import { devicePath, Link } from '../router.jsx';
import { stale, usable } from '../store.js';
import { CommandError, PowerSwitch, usePowerFlip } from './controls.jsx';
import { CardBody, IconBubble, StaleNote, statusText } from './DeviceCard.jsx';
import { LazyLogbook } from './LazyLogbook.jsx';
import { t } from '../i18n.js';

/** The tile's icon as its power switch (as in Home Assistant's tiles): one tap turns the
 * device on or off; the rest of the tile opens the sheet. */
function IconSwitch({ device, prop, command }) {
  const [shown, flip] = usePowerFlip(device, prop, command);
  return (
    <button
      type="button"
      role="switch"
      class="tile-icon"
      aria-checked={shown ? 'true' : 'false'}
      aria-label={t('{name} power', { name: device.name })}
      aria-busy={command.busy ? 'true' : 'false'}
      disabled={!usable(device)}
      onClick={flip}
      data-prop={prop.key}
    >
      <IconBubble device={device} />
    </button>
  );
}

/** The more-info sheet: a modal dialog (a bottom sheet on phones) with the card's controls. */
function MoreInfo({ device, room, onClose }) {
  const ref = useRef(null);
  useEffect(() => {
    const dialog = ref.current;
    dialog.showModal();
    return () => dialog.open && dialog.close();
  }, []);
  const model = cardModel(device);
  const titleId = `sheet-${device.id}`.replace(/[^\w-]/g, '_');
  return (
    <dialog
      ref={ref}
      class="sheet"
      aria-labelledby={titleId}
      data-sheet={device.id}
      onClose={onClose}
      onClick={(event) => event.target === ref.current && ref.current.close()}
    >
      <div class="sheet-inner">
        <header class="card-head">
          <IconBubble device={device} />
          <div class="card-titles">
            <h2 class="card-name" id={titleId}>
              {shortName(device.name, room)}
            </h2>
            <span class="card-status" data-status>
              {statusText(device)}
            </span>
            <StaleNote />
          </div>
          {model.power && <PowerSwitch device={device} prop={model.power} />}
          <button type="button" class="icon-button" aria-label={t('Close')} onClick={() => ref.current.close()}>
            <Icon name="close" size={20} />
          </button>
        </header>
        {!device.available && (
          <p class="unavailable-note">
            <Icon name="offline" size={16} />
            {device.unavailable_reason || t('The device does not answer')}
          </p>
        )}
        <div class="card-body">
          <CardBody device={device} />
        </div>
        <LazyLogbook device={device.id} page={5} heading={t('Recent')} />
        <Link href={devicePath(device.id)} class="section-link sheet-more">
          <span>{t('History and details')}</span>
          <Icon name="chevron" size={16} />
        </Link>
      </div>
    </dialog>
  );
}

export function Tile({ id, room = '' }) {
  const device = useDevice(id);
  useStore('connection');
  const [open, setOpen] = useState(false);
  const power = useCommand();
  if (!device) return null;
  const model = cardModel(device);
  const alarm = device.available && alarms(device).length > 0;
  const state = !device.available ? 'unavailable' : alarm ? 'alarm' : isActive(device) ? 'active' : 'idle';
  // The sheet is the tile's sibling (a modal dialog is fixed in the top layer, so it takes no
  // grid cell), so the tile's own status stays one element.
  return (
    <>
    <article class={`tile is-${state} ${stale() ? 'is-stale' : ''}`} data-device={id}>
      {model.power && <IconSwitch device={device} prop={model.power} command={power} />}
      <button
        type="button"
        class="tile-open"
        aria-haspopup="dialog"
        aria-label={t('{name}: {status}. More controls', { name: device.name, status: statusText(device) })}
        onClick={() => setOpen(true)}
      >
        {!model.power && <IconBubble device={device} />}
        <span class="card-titles">
          <span class="card-name">{shortName(device.name, room)}</span>
          <span class="card-status" data-status>
            {alarm && <Icon name="alert" size={14} />}
            {statusText(device)}
          </span>
          <StaleNote />
        </span>
      </button>
      <CommandError command={power} />
    </article>
    {open && <MoreInfo device={device} room={room} onClose={() => setOpen(false)} />}
    </>
  );
}
