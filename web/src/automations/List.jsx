// The automations: each with its switch, mode, what happened last (in a sentence) and Run now.
import { useMemo } from 'preact/hooks';

import { deviceIcon } from '../capabilities.js';
import { ago, day } from '../format.js';
import { useNow } from '../hooks.js';
import { pieces, t, tn } from '../i18n.js';
import { Icon } from '../icons.jsx';
import { automationPath, Link } from '../router.jsx';
import { state } from '../store.js';
import { auto, devicesOf } from './data.js';
import {
  EnableSwitch,
  Flash,
  Loading,
  Problem,
  ResultBadge,
  RunButton,
  triggerIcon,
  useLoad,
  useOnChange,
  useTitle,
} from './parts.jsx';
import { Sentence, TriggerText } from './Words.jsx';

export const iconOf = (automation) =>
  triggerIcon(
    automation.definition,
    (id) => state.devices.get(id) && deviceIcon(state.devices.get(id)),
  );

const MODE_NAMES = { single: 'Single', restart: 'Restart', queued: 'Queued', parallel: 'Parallel' };

function Row({ automation, now, onChange, onRan }) {
  const last = automation.last;
  const next = automation.next[0];
  return (
    <li
      class={`card auto-card ${automation.enabled ? '' : 'is-off'}`}
      data-automation={automation.id}
    >
      <div class="auto-head">
        <span class={`icon-bubble ${automation.enabled ? 'is-active tint-blue' : ''}`}>
          <Icon name={iconOf(automation)} size={22} />
        </span>
        <div class="auto-titles">
          <Link class="card-name" href={automationPath(automation.id)}>
            {automation.name}
          </Link>
          <span class="auto-status">
            {!automation.valid ? (
              <span class="result tone-danger">
                <Icon name="alert" size={13} />
                {t('Cannot run')}
              </span>
            ) : last ? (
              <>
                <ResultBadge result={last.result} />
                <span>{ago(last.at, now)}</span>
              </>
            ) : (
              <span>{t('Has not run yet')}</span>
            )}
            {next && automation.enabled && <span>· {t('next {time}', { time: day(next.at) })}</span>}
          </span>
        </div>
        <EnableSwitch automation={automation} onChange={onChange} />
      </div>
      <p class="auto-sentence">
        {!automation.valid ? (
          automation.error
        ) : last ? (
          <Sentence text={last.sentence} />
        ) : automation.description ? (
          automation.description
        ) : (
          pieces(
            automation.definition.triggers.length > 1 ? 'When {trigger}, or …' : 'When {trigger}',
            { trigger: <TriggerText t={automation.definition.triggers[0]} /> },
          )
        )}
      </p>
      <div class="auto-foot">
        <span class="chip small" title={t('What happens when it triggers while running')}>
          {t(MODE_NAMES[automation.mode])}
        </span>
        {automation.source === 'config' && (
          <span class="chip small source" title={t('Defined in homeweave.yaml')}>
            homeweave.yaml
          </span>
        )}
        <RunButton automation={automation} onRan={onRan} />
      </div>
    </li>
  );
}

export function AutomationList() {
  const now = useNow();
  const list = useLoad(() => auto.list(), [], { everyMs: 10_000 });
  const items = list.data;
  const devices = useMemo(
    () => new Set((items ?? []).flatMap((a) => [...devicesOf(a.definition)])),
    [items && items.map((a) => a.id).join()],
  );
  // Refresh when a device an automation looks at changes: its trace may be new.
  useOnChange(devices, list.reload);
  useTitle(t('Automations'));
  if (list.error && !items) return <Problem error={list.error} retry={list.reload} />;
  if (!items) return <Loading label={t('Loading automations…')} />;
  const on = items.filter((a) => a.enabled).length;
  return (
    <>
      <header class="page-head with-actions">
        <div>
          <h1 tabIndex={-1}>{t('Automations')}</h1>
          <p class="page-sub">
            {tn(items.length, '{n} automation', '{n} automations')} · {t('{n} on', { n: on })}
          </p>
        </div>
        <Link href="/automations/new" class="primary-button compact">
          <Icon name="plus" size={16} />
          {t('New automation')}
        </Link>
      </header>
      <Flash />
      {items.length === 0 ? (
        <p class="empty">{t('No automations yet. Make one with “New automation”.')}</p>
      ) : (
        <ul class="auto-grid">
          {items.map((a) => (
            <Row
              key={a.id}
              automation={a}
              now={now}
              onChange={list.reload}
              onRan={() => setTimeout(list.reload, 400)}
            />
          ))}
        </ul>
      )}
    </>
  );
}
