// Scenes: named settings across devices. Apply one (each device answers for itself), or capture
// how chosen devices are set right now as a new scene.
import { useState } from 'preact/hooks';

import { label } from '../capabilities.js';
import { CommandError } from '../components/controls.jsx';
import { SceneColors } from '../components/SceneTiles.jsx';
import { useCommand, useStore } from '../hooks.js';
import { t, tn } from '../i18n.js';
import { Icon, Spinner } from '../icons.jsx';
import { state } from '../store.js';
import { offerUndo } from '../undo.js';
import { auto, slug } from './data.js';
import { Loading, Problem, useLoad, useTitle } from './parts.jsx';
import { resolve, shown } from './Words.jsx';

function byDevice(values) {
  const groups = new Map();
  for (const [address, value] of Object.entries(values)) {
    const id = address.split('/')[0];
    if (!groups.has(id)) groups.set(id, []);
    groups.get(id).push([address, value]);
  }
  return [...groups];
}

function Outcome({ outcome }) {
  const failed = outcome.devices.filter((d) => !d.ok);
  if (failed.length === 0) {
    const n = outcome.devices.length;
    return (
      <p class="banner ok" role="status">
        <Icon name="check" size={16} /> {tn(n, 'Applied: {n} device confirmed.', 'Applied: {n} devices confirmed.')}
      </p>
    );
  }
  return (
    <div class="banner danger" role="alert">
      <Icon name="alert" size={16} />
      <ul>
        {failed.map((d) => (
          <li key={d.device}>
            {state.devices.get(d.device)?.name ?? d.device}: {d.error}
          </li>
        ))}
      </ul>
    </div>
  );
}

function SceneCard({ scene, onDeleted }) {
  const command = useCommand();
  const [outcome, setOutcome] = useState(null);
  const groups = byDevice(scene.values);
  const apply = () =>
    command.run(async () => {
      setOutcome(null);
      setOutcome(await auto.apply(scene.id));
    });
  const count = Object.keys(scene.values).length;
  return (
    <article class="card scene-card" data-scene={scene.id} aria-labelledby={`scene-${scene.id}`}>
      <div class="scene-head">
        <span class="icon-bubble is-active tint-violet">
          <Icon name="scene" size={22} />
        </span>
        <div class="card-titles">
          <h2 id={`scene-${scene.id}`}>{scene.name}</h2>
          <span class="card-status">
            <SceneColors scene={scene} />
            {tn(count, '{n} setting', '{n} settings')} · {tn(groups.length, '{n} device', '{n} devices')}
          </span>
        </div>
        <button
          type="button"
          class="primary-button compact"
          onClick={apply}
          disabled={command.busy || !scene.valid}
          aria-label={t('Apply {scene}', { scene: scene.name })}
        >
          {command.busy ? <Spinner label={t('Applying…')} /> : <Icon name="play" size={14} />}
          {t('Apply')}
        </button>
      </div>
      {!scene.valid && (
        <p class="banner danger">
          <Icon name="alert" size={16} /> {scene.error}
        </p>
      )}
      <ul class="scene-values">
        {groups.map(([id, writes]) => (
          <li key={id}>
            <span class="scene-device">{state.devices.get(id)?.name ?? id}</span>
            <span class="kvs">
              {writes.map(([address, value]) => {
                const prop = resolve(address)?.prop;
                return (
                  <span class="kv" key={address} title={address}>
                    {prop ? label(prop) : address.split('/').pop()} <b>{shown(address, value)}</b>
                  </span>
                );
              })}
            </span>
          </li>
        ))}
      </ul>
      {outcome && <Outcome outcome={outcome} />}
      <CommandError command={command} />
      <div class="scene-foot">
        <span class="chip small">
          {scene.source === 'config' ? 'homeweave.yaml' : t('captured here')}
        </span>
        {scene.source === 'api' && (
          <button
            type="button"
            class="pill-button danger"
            onClick={() => command.run(async () => onDeleted(await auto.removeScene(scene.id)))}
            aria-label={t('Delete {name}', { name: scene.name })}
          >
            <Icon name="trash" size={14} />
            {t('Delete')}
          </button>
        )}
      </div>
    </article>
  );
}

function Capture({ onDone, onCancel }) {
  const s = useStore('registry');
  const command = useCommand();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState(new Set());
  const toggle = (id) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };
  const submit = (event) => {
    event.preventDefault();
    command.run(async () => {
      if (!name.trim()) throw new Error(t('Give the scene a name.'));
      if (chosen.size === 0) throw new Error(t('Choose at least one device.'));
      const devices = [...chosen];
      onDone(await auto.capture({ id: slug(name) || 'scene', name: name.trim(), devices }));
    });
  };
  const settable = (id) => {
    const device = s.devices.get(id);
    return device && [...device.props.values()].some((p) => p.access.includes('write'));
  };
  return (
    <form class="card pad capture" onSubmit={submit} aria-labelledby="capture-title">
      <h2 id="capture-title">{t('Capture how things are now')}</h2>
      <p class="muted small">
        {t('The chosen devices’ settings, as they are now, become a scene you can apply later.')}
      </p>
      <label class="field-block">
        <span class="field-label">{t('Scene name')}</span>
        <input type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <div class="capture-rooms">
        {s.homes.flatMap((home) =>
          home.rooms.map((room) => {
            const ids = room.devices.filter(settable);
            if (ids.length === 0) return null;
            return (
              <fieldset key={room.id} class="capture-room">
                <legend>{room.name}</legend>
                {ids.map((id) => (
                  <label key={id} class="check-row">
                    <input type="checkbox" checked={chosen.has(id)} onChange={() => toggle(id)} />
                    <span>{s.devices.get(id).name}</span>
                  </label>
                ))}
              </fieldset>
            );
          }),
        )}
      </div>
      <CommandError command={command} />
      <div class="form-actions">
        <button type="submit" class="primary-button" disabled={command.busy}>
          {command.busy ? <Spinner label={t('Saving…')} /> : <Icon name="camera" size={16} />}
          {t('Save scene')}
        </button>
        <button type="button" class="text-button" onClick={onCancel}>
          {t('Cancel')}
        </button>
      </div>
    </form>
  );
}

export function Scenes() {
  const list = useLoad(() => auto.scenes(), []);
  const [capturing, setCapturing] = useState(false);
  const [flash, setFlash] = useState('');
  useTitle(t('Scenes'));
  if (list.error && !list.data) return <Problem error={list.error} retry={list.reload} />;
  if (!list.data) return <Loading label={t('Loading scenes…')} />;
  const scenes = list.data;
  return (
    <>
      <header class="page-head with-actions">
        <div>
          <h1 tabIndex={-1}>{t('Scenes')}</h1>
          <p class="page-sub">
            {tn(scenes.length, '{n} scene', '{n} scenes')} · {t('settings for several devices at once')}
          </p>
        </div>
        <button
          type="button"
          class="primary-button compact"
          aria-expanded={capturing ? 'true' : 'false'}
          onClick={() => setCapturing(!capturing)}
        >
          <Icon name="camera" size={16} />
          {t('Capture current state')}
        </button>
      </header>
      {capturing && (
        <Capture
          onCancel={() => setCapturing(false)}
          onDone={(scene) => {
            setCapturing(false);
            setFlash(t('Saved the scene “{name}”.', { name: scene.name }));
            list.reload();
            offerUndo('scene', scene.id, t('Captured “{name}”.', { name: scene.name }));
          }}
        />
      )}
      {flash && (
        <p class="banner ok" role="status">
          <Icon name="check" size={16} /> {flash}
        </p>
      )}
      {scenes.length === 0 ? (
        <p class="empty">{t('No scenes yet. Capture one from how your devices are set now.')}</p>
      ) : (
        <div class="scene-grid">
          {scenes.map((scene) => (
            <SceneCard
              key={scene.id}
              scene={scene}
              onDeleted={() => {
                setFlash(t('Deleted “{name}”.', { name: scene.name }));
                list.reload();
                offerUndo('scene', scene.id, t('Removed “{name}”.', { name: scene.name }));
              }}
            />
          ))}
        </div>
      )}
    </>
  );
}
