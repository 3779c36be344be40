// Pieces the automation pages share: loading with refresh, result badges, the enable switch,
// "Run now", and page titles.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

import { CommandError } from '../components/controls.jsx';
import { day } from '../format.js';
import { t } from '../i18n.js';
import { useCommand } from '../hooks.js';
import { Icon, Spinner } from '../icons.jsx';
import { automationPath, firstPath, Link } from '../router.jsx';
import { onStateMessage, subscribe } from '../store.js';
import { auto, handoff, RESULTS } from './data.js';

let focused = firstPath;

/** The page's title; once its heading is there after a navigation, the heading takes the focus
 * (screen readers announce it; keyboard users go on from there). */
export function useTitle(text) {
  useEffect(() => {
    document.title = text ? `${text} · homeweave` : 'homeweave';
    const heading = document.querySelector('#main h1');
    if (heading && focused !== location.pathname) {
      focused = location.pathname;
      heading.focus();
    }
  });
}

/** Data from `load()`, reloaded on `reload()`, when an automation notifies, every `everyMs`
 * while the page is visible, and soon after a state change of one of `devices` (a Set). */
export function useLoad(load, deps, { everyMs = 0, devices = null } = {}) {
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  const alive = useRef(true);
  const latest = useRef(load);
  latest.current = load;
  const reload = useCallback(
    () =>
      latest.current().then(
        (value) => {
          if (!alive.current) return;
          setData(value);
          setError('');
        },
        (err) => alive.current && setError(err.message),
      ),
    [],
  );
  useEffect(() => {
    alive.current = true;
    setData(null);
    reload();
    return () => {
      alive.current = false;
    };
  }, deps);
  useEffect(() => subscribe('automations', reload), []);
  usePoll(reload, everyMs);
  useOnChange(devices, reload);
  return { data, error, reload };
}

/** Call `callback` soon after a state change of one of `devices` (a Set of ids). */
export function useOnChange(devices, callback) {
  useEffect(() => {
    if (!devices || devices.size === 0) return undefined;
    let timer = 0;
    const stop = onStateMessage((m) => {
      if (!devices.has(m.device) || m.snapshot) return;
      clearTimeout(timer);
      timer = setTimeout(callback, 250);
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [devices]);
}

/** Call `callback` every `everyMs` (0: never) while the page is visible. */
export function usePoll(callback, everyMs) {
  useEffect(() => {
    if (!everyMs) return undefined;
    const timer = setInterval(() => !document.hidden && callback(), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
}

/** A note left by the page before ("Saved."), shown once. */
export function Flash() {
  const [text] = useState(() => {
    const note = handoff.flash;
    handoff.flash = '';
    return note;
  });
  if (!text) return null;
  return (
    <p class="banner ok" role="status">
      <Icon name="check" size={16} /> {text}
    </p>
  );
}

export function ResultBadge({ result, big = false }) {
  const [key, tone, icon] = RESULTS[result] ?? [result, 'muted', 'minus'];
  const text = t(key);
  return (
    <span class={`result tone-${tone} ${big ? 'big' : ''}`} data-result={result}>
      {result === 'running' ? (
        <Spinner label={t('Running')} />
      ) : (
        <Icon name={icon} size={big ? 16 : 13} />
      )}
      {text}
    </span>
  );
}

export function EnableSwitch({ automation, onChange }) {
  const command = useCommand();
  const [pending, setPending] = useState(null);
  const on = pending ?? automation.enabled;
  const flip = () =>
    command.run(async () => {
      setPending(!on);
      try {
        onChange(await auto.enable(automation.id, !on));
      } finally {
        setPending(null);
      }
    });
  return (
    <div class="power">
      {command.busy && <Spinner label={t('Switching…')} />}
      <button
        type="button"
        role="switch"
        class="switch"
        aria-checked={on ? 'true' : 'false'}
        aria-label={t('{name}: enabled', { name: automation.name })}
        title={on ? t('On: its triggers are watched') : t('Off: it only runs by hand')}
        aria-busy={command.busy ? 'true' : 'false'}
        onClick={flip}
      >
        <span class="switch-thumb" />
      </button>
      <CommandError command={command} />
    </div>
  );
}

/** "Run now": runs the actions at once (conditions are not checked), then links the trace. */
export function RunButton({ automation, onRan, primary = false }) {
  const command = useCommand();
  const [trace, setTrace] = useState(null);
  const run = () =>
    command.run(async () => {
      const started = await auto.run(automation.id);
      setTrace(started);
      onRan?.(started);
    });
  return (
    <span class="run">
      <button
        type="button"
        class={primary ? 'primary-button compact' : 'pill-button'}
        onClick={run}
        disabled={command.busy || !automation.valid}
        aria-label={primary ? undefined : t('Run {name} now', { name: automation.name })}
      >
        {command.busy ? <Spinner label={t('Starting…')} /> : <Icon name="play" size={14} />}
        <span>{t('Run now')}</span>
      </button>
      {trace && !command.error && (
        <Link class="run-note" href={automationPath(automation.id, 'traces', trace.id)}>
          {t('Started {time} · see trace', { time: day(trace.at, true) })}
        </Link>
      )}
      <CommandError command={command} />
    </span>
  );
}

export function Problem({ error, retry }) {
  return (
    <div class="empty-state" role="alert">
      <h1 tabIndex={-1}>{t('That did not load')}</h1>
      <p>{error}</p>
      {retry && (
        <button type="button" class="primary-button" onClick={retry}>
          {t('Try again')}
        </button>
      )}
    </div>
  );
}

export function Loading({ label }) {
  return (
    <div class="empty-state">
      <Spinner label={label} />
    </div>
  );
}

/** An icon for an automation, from its first trigger. */
export function triggerIcon(definition, devices) {
  const t = definition.triggers?.[0] ?? {};
  if (t.type === 'time' || t.type === 'calendar') return 'clock';
  if (t.type === 'sun') return 'sun';
  if (t.type === 'start') return 'power';
  const id = t.device ?? t.address?.split('/')[0];
  return devices(id) ?? 'bolt';
}
