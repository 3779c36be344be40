import { useState } from 'preact/hooks';

import {
  ACTION_ICONS,
  cardModel,
  eventLabel,
  isDiagnostic,
  known,
  label,
  readable,
  writable,
} from '../capabilities.js';
import { runAction } from '../components/commands.js';
import {
  ChoiceButtons,
  ChoiceSelect,
  ColorPicker,
  CommandError,
  FieldEditor,
  PowerSwitch,
  Slider,
} from '../components/controls.jsx';
import { CardBody, IconBubble, StaleNote, statusText } from '../components/DeviceCard.jsx';
import { HistoryPanel } from '../components/HistoryPanel.jsx';
import { LazyLogbook } from '../components/LazyLogbook.jsx';
import { DeviceName, RoomPicker } from '../components/Placement.jsx';
import { ago, formatValue } from '../format.js';
import { useCommand, useDevice, useNow, useStore } from '../hooks.js';
import { Icon, Spinner } from '../icons.jsx';
import { Link, roomPath } from '../router.jsx';
import { stale, usable } from '../store.js';
import { NotFound } from './NotFound.jsx';
import { findRoom } from './Room.jsx';
import { t } from '../i18n.js';

function Editor({ device, prop }) {
  if (prop.format === 'bool') {
    return <PowerSwitch device={device} prop={prop} name={`${device.name} ${label(prop)}`} />;
  }
  if (prop.choices) {
    return readable(prop) ? (
      <ChoiceSelect device={device} prop={prop} variant="compact" />
    ) : (
      <ChoiceButtons device={device} prop={prop} />
    );
  }
  if (prop.unit === 'rgb') return <ColorPicker device={device} prop={prop} />;
  if (prop.range && prop.format !== 'string') {
    return <Slider device={device} prop={prop} variant="compact" />;
  }
  return <FieldEditor device={device} prop={prop} />;
}

function PropertyRow({ device, prop, now }) {
  const at = device.changedAt.get(prop.id);
  return (
    <li class="prop-row" data-address={prop.address}>
      <div class="prop-name">
        <span>{t(prop.description || prop.key)}</span>
        <code>
          {prop.service.key}/{prop.key} · siid {prop.siid} piid {prop.piid}
        </code>
      </div>
      <div class="prop-value">
        <span class="value">
          {readable(prop) ? formatValue(prop, device.values.get(prop.id)) : t('write-only')}
        </span>
        {readable(prop) && at ? <small>{ago(at, now)}</small> : null}
      </div>
      {writable(prop) && (
        <div class="prop-edit">
          <Editor device={device} prop={prop} />
        </div>
      )}
    </li>
  );
}

function ActionRow({ device, action }) {
  const command = useCommand();
  const [args, setArgs] = useState(action.ins.map(() => ''));
  const ins = action.ins.map((key) => action.service.properties.find((p) => p.key === key));
  const submit = (event) => {
    event.preventDefault();
    const values = args.map((v, i) => (ins[i] && ins[i].format !== 'string' ? Number(v) : v));
    command.run(() => runAction(device, action, values));
  };
  return (
    <li class="action-row">
      <form onSubmit={submit}>
        <div class="prop-name">
          <span>{t(action.description || action.key)}</span>
          <code>
            {action.service.key}/{action.key}
          </code>
        </div>
        {ins.map((p, i) => (
          <label key={action.ins[i]} class="action-arg">
            <span>{p ? p.description || p.key : action.ins[i]}</span>
            <input
              type={p && p.format !== 'string' ? 'number' : 'text'}
              value={args[i]}
              onInput={(e) => setArgs(args.map((a, j) => (j === i ? e.currentTarget.value : a)))}
            />
          </label>
        ))}
        <button
          type="submit"
          class="pill-button"
          data-action={action.key}
          disabled={!usable(device) || command.busy}
        >
          <Icon name={ACTION_ICONS[action.key] ?? 'play'} size={16} />
          <span>{t('Run')}</span>
        </button>
        {command.busy && <Spinner />}
      </form>
      <CommandError command={command} />
    </li>
  );
}

function Events({ device, now }) {
  const s = useStore(device.id);
  const events = s.events.get(device.id) ?? [];
  const kinds = device.services.flatMap((svc) => svc.events);
  const named = (name) => {
    const kind = kinds.find((k) => k.key === name || k.description === name);
    return kind ? eventLabel(kind) : name;
  };
  if (kinds.length === 0) return null;
  return (
    <section class="card" aria-labelledby="events-title">
      <h2 id="events-title">{t('Recent events')}</h2>
      {events.length === 0 ? (
        <p class="empty">
          {t('None since this page opened. This device reports {kinds}.', {
            kinds: kinds.map(eventLabel).join(', '),
          })}
        </p>
      ) : (
        <ul class="event-list">
          {events.map((e) => (
            <li key={`${e.at}-${e.eiid}`}>
              <span class="event-name">{named(e.name)}</span>
              <span class="muted">{Object.entries(e.arguments).map(([k, v]) => `${k} ${v}`).join(', ')}</span>
              <small>{ago(e.at, now)}</small>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What a device is (model, maker, firmware, spec), its diagnostics and every property with
 * its MIoT address: collapsed, for power users. */
function DeviceInfo({ device, now }) {
  const info = (key) => {
    const prop = device.byName.get(`device-information/${key}`);
    return prop ? device.values.get(prop.id) : null;
  };
  const rows = [
    [t('Model'), info('model') || device.model],
    [t('Manufacturer'), info('manufacturer')],
    [t('Integration'), device.integration],
    [t('Firmware'), info('firmware-revision')],
    [t('Spec'), <code key="spec">{device.spec_type}</code>],
    [t('Device id'), <code key="id">{device.id}</code>],
  ];
  const diagnostics = [...device.props.values()].filter(
    (p) => isDiagnostic(p) && readable(p) && known(device.values.get(p.id)),
  );
  return (
    <details class="card device-info" data-device-info>
      <summary>
        <h2>{t('Device info')}</h2>
        <span class="muted">{t('model, firmware, spec and addresses')}</span>
      </summary>
      <dl class="about-list">
        {[...rows, ...diagnostics.map((p) => [label(p), formatValue(p, device.values.get(p.id)), p])]
          .filter(([, value]) => known(value) && value !== false)
          .map(([name, value, p]) => (
            <div key={name} data-prop={p?.key}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      <h3 id="props-title">{t('Properties')}</h3>
      {device.services.map((service) => (
        <div class="service" key={service.siid}>
          <h4>
            {service.description || service.key} <code>siid {service.siid}</code>
          </h4>
          <ul class="prop-list">
            {service.properties.map((p) => (
              <PropertyRow
                key={p.piid}
                device={device}
                prop={device.props.get(`${p.siid}.${p.piid}`)}
                now={now}
              />
            ))}
          </ul>
        </div>
      ))}
    </details>
  );
}

export function DeviceDetail({ id }) {
  const device = useDevice(id);
  const s = useStore('registry');
  useStore('connection');
  const now = useNow();
  if (!device) return s.loaded ? <NotFound what="device" /> : null;
  const found = findRoom(s.homes, device.room);
  const model = cardModel(device);
  const hasCard = model.controls.length + model.readings.length + model.actions.length > 0;
  return (
    <div class="device-page" data-device={device.id}>
      <nav class="crumbs" aria-label={t('Breadcrumb')}>
        {found && <Link href="/">{found.home.name}</Link>}
        {found && <Icon name="chevron" size={14} />}
        {found && <Link href={roomPath(found.room.id)}>{found.room.name}</Link>}
      </nav>
      <header
        class={`card detail-head ${device.available ? '' : 'is-unavailable'} ${stale() ? 'is-stale' : ''}`}
      >
        <IconBubble device={device} large />
        <div class="detail-titles">
          <DeviceName device={device} />
          <p class="card-status">{statusText(device)}</p>
          <StaleNote />
          <p class="meta">
            {[device.model || device.type, device.integration].filter(Boolean).join(' · ')}
          </p>
          <RoomPicker device={device} home={found?.home} />
          {device.configured && <p class="meta">{t('Name and room defined in homeweave.yaml')}</p>}
        </div>
        {model.power && <PowerSwitch device={device} prop={model.power} />}
      </header>
      {!device.available && (
        <p class="banner warn" role="status">
          <Icon name="offline" size={18} />
          {t('Unavailable: {why}', { why: device.unavailable_reason || t('the device does not answer') })}
        </p>
      )}
      <div class="detail-grid">
        {hasCard && (
          <section class="card controls-card" aria-label={t('Controls')}>
            <CardBody device={device} />
          </section>
        )}
        <HistoryPanel device={device} />
        <LazyLogbook device={device.id} />
        {device.actions.length > 0 && (
          <section class="card" aria-labelledby="actions-title">
            <h2 id="actions-title">{t('Actions')}</h2>
            <ul class="prop-list">
              {device.actions.map((a) => (
                <ActionRow key={`${a.siid}.${a.aiid}`} device={device} action={a} />
              ))}
            </ul>
          </section>
        )}
        <Events device={device} now={now} />
        <DeviceInfo device={device} now={now} />
      </div>
    </div>
  );
}
