// One automation: what it does (in sentences), what happened last and why, its recent runs and
// near-misses, Run now, a dry run against the current state (or values you try), and editing.
import { useEffect, useMemo, useState } from 'preact/hooks';

import { CommandError } from '../components/controls.jsx';
import { day, formatValue } from '../format.js';
import { useCommand } from '../hooks.js';
import { t } from '../i18n.js';
import { Icon, Spinner } from '../icons.jsx';
import { automationPath, Link, navigate } from '../router.jsx';
import { offerUndo } from '../undo.js';
import {
  auto,
  conditionAddresses,
  devicesOf,
  editCopy,
  fired as firedTrace,
  handoff,
  isLive,
  MODES,
} from './data.js';
import { iconOf } from './List.jsx';
import {
  EnableSwitch,
  Flash,
  Loading,
  Problem,
  RunButton,
  useLoad,
  useOnChange,
  usePoll,
  useTitle,
} from './parts.jsx';
import { TraceBody, TraceList, Why } from './Trace.jsx';
import { ActionText, ConditionText, Ref, resolve, Sentence, TriggerText } from './Words.jsx';

function Flow({ definition, scenes }) {
  const { triggers = [], conditions = [], actions = [] } = definition;
  return (
    <section class="card pad flow" aria-labelledby="flow-title">
      <h2 id="flow-title">{t('How it works')}</h2>
      <div class="flow-step">
        <span class="flow-kicker">
          <Icon name="bolt" size={15} /> {triggers.length > 1 ? t('When any of these happens') : t('flow|When')}
        </span>
        <ul class="flow-list">
          {triggers.map((t, i) => (
            <li key={i}>
              <TriggerText t={t} />
            </li>
          ))}
        </ul>
      </div>
      <div class="flow-step">
        <span class="flow-kicker">
          <Icon name="filter" size={15} /> {conditions.length ? t('Only if') : t('Conditions')}
        </span>
        {conditions.length ? (
          <ul class="flow-list">
            {conditions.map((c, i) => (
              <li key={i}>
                <ConditionText c={c} />
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{t('None: it always goes on.')}</p>
        )}
      </div>
      <div class="flow-step">
        <span class="flow-kicker">
          <Icon name="play" size={13} /> {t('Then')}
        </span>
        <ol class="flow-list">
          {actions.map((a, i) => (
            <li key={i}>
              <ActionText a={a} scenes={scenes} />
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}

/** One "what if" value: a control that fits the property. */
function WhatIfInput({ address, value, onInput }) {
  const prop = resolve(address)?.prop;
  const id = `what-if-${address.replace(/\W/g, '-')}`;
  let input;
  if (prop && prop.format === 'bool') {
    input = (
      <select
        id={id}
        value={String(value)}
        onChange={(e) => onInput(e.currentTarget.value === 'true')}
      >
        <option value="true">{formatValue(prop, true)}</option>
        <option value="false">{formatValue(prop, false)}</option>
      </select>
    );
  } else if (prop?.choices) {
    input = (
      <select
        id={id}
        value={String(value)}
        onChange={(e) => onInput(Number(e.currentTarget.value))}
      >
        {prop.choices.map((c) => (
          <option key={c.value} value={String(c.value)}>
            {c.description}
          </option>
        ))}
      </select>
    );
  } else {
    const number = prop ? prop.format !== 'string' : typeof value === 'number';
    input = (
      <input
        id={id}
        type={number ? 'number' : 'text'}
        step="any"
        value={value ?? ''}
        onInput={(e) => {
          const raw = e.currentTarget.value;
          onInput(number && raw !== '' ? Number(raw) : raw);
        }}
      />
    );
  }
  return (
    <div class="what-if-row">
      <label for={id}>
        <Ref address={address} />
      </label>
      {input}
    </div>
  );
}

function current(address) {
  const found = resolve(address);
  return found?.prop ? found.device.values.get(found.prop.id) : undefined;
}

function DryRun({ automation, onClose }) {
  const command = useCommand();
  const [result, setResult] = useState(null);
  const addresses = useMemo(() => conditionAddresses(automation.definition), [automation]);
  const [values, setValues] = useState(() =>
    Object.fromEntries(addresses.map((a) => [a, current(a)])),
  );
  const [tried, setTried] = useState(false);
  const run = (given) =>
    command.run(async () => {
      setResult(await auto.dryRun(automation.id, given));
      setTried(Object.keys(given).length > 0);
    });
  useEffect(() => {
    run({});
  }, []);
  const submit = (event) => {
    event.preventDefault();
    const given = Object.fromEntries(
      Object.entries(values).filter(([, v]) => v !== undefined && v !== ''),
    );
    run(given);
  };
  return (
    <section
      class="card pad dry-run"
      aria-labelledby="dry-title"
      aria-busy={command.busy ? 'true' : 'false'}
    >
      <div class="section-head">
        <h2 id="dry-title">
          <Icon name="flask" size={18} /> {t('Dry run')}
        </h2>
        <span class="muted small">
          {tried
            ? t('With the values below: nothing is changed.')
            : t('Against the current state: nothing is changed.')}
        </span>
        <button
          type="button"
          class="icon-button small push"
          aria-label={t('Close the dry run')}
          onClick={onClose}
        >
          <Icon name="close" size={14} />
        </button>
      </div>
      <CommandError command={command} />
      {!result && command.busy && <Spinner label={t('Trying…')} />}
      {result && (
        <div class="dry-result" data-result={result.result}>
          <Why trace={result} />
          <TraceBody trace={result} />
        </div>
      )}
      {addresses.length > 0 && (
        <form class="what-if" onSubmit={submit}>
          <h3>{t('What if…')}</h3>
          <p class="muted small">{t('Change the values its conditions look at and try again.')}</p>
          {addresses.map((address) => (
            <WhatIfInput
              key={address}
              address={address}
              value={values[address]}
              onInput={(v) => setValues({ ...values, [address]: v })}
            />
          ))}
          <button type="submit" class="pill-button" disabled={command.busy}>
            <Icon name="flask" size={14} />
            {t('Dry run with these values')}
          </button>
        </form>
      )}
    </section>
  );
}

function Delete({ automation }) {
  const command = useCommand();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="pill-button danger" onClick={() => setAsking(true)}>
        <Icon name="trash" size={14} />
        {t('Delete')}
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={t('Delete this automation?')}>
      <span>{t('Delete it?')}</span>
      <button
        type="button"
        class="pill-button danger"
        disabled={command.busy}
        onClick={() =>
          command.run(async () => {
            await auto.remove(automation.id);
            handoff.flash = t('Deleted “{name}”.', { name: automation.name });
            navigate('/automations');
            offerUndo('automation', automation.id, t('Removed “{name}”.', { name: automation.name }));
          })
        }
      >
        {t('Yes, delete')}
      </button>
      <button type="button" class="pill-button" onClick={() => setAsking(false)}>
        {t('Keep it')}
      </button>
      <CommandError command={command} />
    </span>
  );
}

export function AutomationDetail({ id }) {
  const [dry, setDry] = useState(false);
  const page = useLoad(() => Promise.all([auto.get(id), auto.traces(id, 20)]), [id]);
  const scenes = useLoad(() => auto.scenes(), []);
  const [automation, traces] = page.data ?? [];
  const devices = useMemo(() => automation && devicesOf(automation.definition), [automation?.id]);
  useOnChange(devices, page.reload);
  const live = automation && (automation.running > 0 || traces.some(isLive));
  usePoll(page.reload, live ? 2000 : 15_000);
  useTitle(automation?.name ?? t('Automation'));
  if (page.error && !page.data) return <Problem error={page.error} retry={page.reload} />;
  if (!page.data) return <Loading label={t('Loading the automation…')} />;
  // The last time a trigger fired says most; a newer near-miss is mentioned under it.
  const latest = traces[0];
  const fired = traces.find(firedTrace);
  const focus = fired ?? latest;
  const since = latest && !firedTrace(latest) && fired ? latest : null;
  const missed =
    focus && ['condition-false', 'not-triggered', 'skipped', 'failed'].includes(focus.result);
  const sceneNames = new Map((scenes.data ?? []).map((s) => [s.id, s.name]));
  const editableHere = automation.source === 'api';
  return (
    <div class="automation-page" data-automation={automation.id}>
      <nav class="crumbs" aria-label={t('Breadcrumb')}>
        <Link href="/automations">{t('Automations')}</Link>
      </nav>
      <header class={`card detail-head ${automation.enabled ? '' : 'is-off'}`}>
        <span class={`icon-bubble large ${automation.enabled ? 'is-active tint-blue' : ''}`}>
          <Icon name={iconOf(automation)} size={30} />
        </span>
        <div class="detail-titles">
          <h1 tabIndex={-1}>{automation.name}</h1>
          {automation.description && <p class="card-status">{automation.description}</p>}
          <p class="meta">
            {t(MODES[automation.mode])} ·{' '}
            {editableHere ? t('made in the dashboard') : t('from homeweave.yaml')}
          </p>
        </div>
        <EnableSwitch automation={automation} onChange={page.reload} />
      </header>
      <div class="toolbar" role="group" aria-label={t('Automation actions')}>
        <RunButton automation={automation} primary onRan={() => setTimeout(page.reload, 300)} />
        <button
          type="button"
          class="pill-button"
          aria-pressed={dry ? 'true' : 'false'}
          onClick={() => setDry(!dry)}
          disabled={!automation.valid}
        >
          <Icon name="flask" size={14} />
          {t('Dry run')}
        </button>
        <Link class="pill-button" href={automationPath(id, 'edit')}>
          <Icon name={editableHere ? 'pencil' : 'code'} size={14} />
          {editableHere ? t('Edit') : 'YAML'}
        </Link>
        <button
          type="button"
          class="pill-button"
          onClick={() => {
            editCopy(automation);
          }}
        >
          <Icon name="copy" size={14} />
          {t('Duplicate')}
        </button>
        {editableHere && <Delete automation={automation} />}
      </div>
      <Flash />
      {!automation.valid && (
        <p class="banner danger" role="alert">
          <Icon name="alert" size={16} /> {t('It cannot run: {why}', { why: automation.error })}
        </p>
      )}
      {dry && <DryRun automation={automation} onClose={() => setDry(false)} />}
      <section class="card pad last-run" aria-labelledby="last-title">
        <div class="section-head">
          <h2 id="last-title">{missed ? t('Why didn’t it run?') : t('Last time')}</h2>
          {focus && (
            <Link class="section-link" href={automationPath(id, 'traces', focus.id)}>
              <span>{day(focus.at, true)}</span>
              <Icon name="chevron" size={16} />
            </Link>
          )}
        </div>
        {!automation.enabled && (
          <p class="note">
            {t('It is off: its triggers are not watched, so it only runs with “Run now”.')}
          </p>
        )}
        {focus && !fired && (
          <p class="note">{t('It has not been triggered yet. The last change it saw:')}</p>
        )}
        {focus ? (
          <Why trace={focus} />
        ) : (
          <p class="muted">
            {t('Nothing has happened yet that its triggers look at.')}
            {automation.next[0] ? ` ${t('Next: {time}.', { time: day(automation.next[0].at) })}` : ''}
          </p>
        )}
        {since && (
          <p class="since">
            <Icon name="minus" size={14} />{' '}
            {t('Since then, {time}, not triggered:', { time: day(since.at, true) })}{' '}
            <Sentence text={since.sentence} />
          </p>
        )}
      </section>
      <div class="auto-columns">
        <Flow definition={automation.definition} scenes={sceneNames} />
        <section class="card pad" aria-labelledby="runs-title">
          <h2 id="runs-title">{t('Recent runs')}</h2>
          <TraceList automation={id} traces={traces} />
        </section>
      </div>
    </div>
  );
}
