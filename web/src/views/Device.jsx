import { useState } from 'preact/hooks';

import { ACTION_ICONS, cardModel, label, readable, writable } from '../capabilities.js';
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
import { CardBody, IconBubble, statusText } from '../components/DeviceCard.jsx';
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
        <span>{prop.description || prop.key}</span>
        <code>
          {prop.service.key}/{prop.key}
        </code>
      </div>
      <div class="prop-value">
        <span class="value">
          {readable(prop) ? formatValue(prop, device.values.get(prop.id)) : 'write-only'}
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
          <span>{action.description || action.key}</span>
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
          <span>Run</span>
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
  if (kinds.length === 0) return null;
  return (
    <section class="card" aria-labelledby="events-title">
      <h2 id="events-title">Recent events</h2>
      {events.length === 0 ? (
        <p class="empty">
          None since this page opened. This device reports{' '}
          {kinds.map((k) => k.description || k.key).join(', ')}.
        </p>
      ) : (
        <ul class="event-list">
          {events.map((e) => (
            <li key={`${e.at}-${e.eiid}`}>
              <span class="event-name">{e.name}</span>
              <span class="muted">{Object.entries(e.arguments).map(([k, v]) => `${k} ${v}`).join(', ')}</span>
              <small>{ago(e.at, now)}</small>
            </li>
          ))}
        </ul>
      )}
    </section>
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
      <nav class="crumbs" aria-label="Breadcrumb">
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
          <p class="meta">
            {[device.model || device.type, device.integration].filter(Boolean).join(' · ')}
          </p>
          <RoomPicker device={device} home={found?.home} />
        </div>
        {model.power && <PowerSwitch device={device} prop={model.power} />}
      </header>
      {!device.available && (
        <p class="banner warn" role="status">
          <Icon name="offline" size={18} />
          Unavailable: {device.unavailable_reason || 'the device does not answer'}
        </p>
      )}
      <div class="detail-grid">
        {hasCard && (
          <section class="card controls-card" aria-label="Controls">
            <CardBody device={device} />
          </section>
        )}
        <HistoryPanel device={device} />
        <LazyLogbook device={device.id} />
        <section class="card properties" aria-labelledby="props-title">
          <h2 id="props-title">Properties</h2>
          {device.services.map((service) => (
            <div class="service" key={service.siid}>
              <h3>{service.description || service.key}</h3>
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
        </section>
        {device.actions.length > 0 && (
          <section class="card" aria-labelledby="actions-title">
            <h2 id="actions-title">Actions</h2>
            <ul class="prop-list">
              {device.actions.map((a) => (
                <ActionRow key={`${a.siid}.${a.aiid}`} device={device} action={a} />
              ))}
            </ul>
          </section>
        )}
        <Events device={device} now={now} />
        <section class="card about" aria-labelledby="about-title">
          <h2 id="about-title">About</h2>
          <dl class="about-list">
            <div>
              <dt>Device id</dt>
              <dd>
                <code>{device.id}</code>
              </dd>
            </div>
            <div>
              <dt>Integration</dt>
              <dd>{device.integration}</dd>
            </div>
            {device.configured && (
              <div>
                <dt>Name and room</dt>
                <dd>defined in homeweave.yaml</dd>
              </div>
            )}
            <div>
              <dt>Spec</dt>
              <dd>
                <code>{device.spec_type}</code>
              </dd>
            </div>
          </dl>
        </section>
      </div>
    </div>
  );
}
