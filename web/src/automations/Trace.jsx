// The trace viewer: what fired, what each condition saw, what each action did and how long it
// took, and in one sentence why it did or did not run.
import { day } from '../format.js';
import { pieces, t } from '../i18n.js';
import { Icon, Spinner } from '../icons.jsx';
import { automationPath, Link } from '../router.jsx';
import { auto, fired, isLive, OUTCOMES, RESULTS, took } from './data.js';
import { Loading, Problem, ResultBadge, useLoad, usePoll, useTitle } from './parts.jsx';
import { Ref, Seen, Sentence, shown } from './Words.jsx';

const firstFalse = (checks) => checks.find((c) => !c.ok);

function triggerLine(trace) {
  const trigger = trace.trigger;
  if (!trigger) return t('Run by hand');
  if (trigger.kind === 'manual') return t('Run by hand, with “Run now” (conditions are not checked)');
  if (trigger.kind === 'dry-run') return t('Dry run: {what}', { what: trigger.sentence });
  return trigger.sentence;
}

function TriggerData({ data }) {
  if (!data) return null;
  if (data.address) {
    return (
      <ul class="seen" aria-label={t('What changed')}>
        <li>
          <Ref address={data.address} /> <b>{shown(data.address, data.value)}</b>{' '}
          {'old' in data && data.old !== null && (
            <span class="muted">{t('(was {value})', { value: shown(data.address, data.old) })}</span>
          )}
        </li>
      </ul>
    );
  }
  const rest = Object.entries(data);
  if (rest.length === 0) return null;
  return (
    <ul class="seen" aria-label={t('Event data')}>
      {rest.map(([k, v]) => (
        <li key={k}>
          <span class="ref">{k}</span> <b>{String(v)}</b>
        </li>
      ))}
    </ul>
  );
}

function Check({ check }) {
  return (
    <li class={`check ${check.ok ? 'is-ok' : 'is-false'}`} data-ok={String(check.ok)}>
      <span class="mark" aria-hidden="true">
        <Icon name={check.ok ? 'check' : 'close'} size={14} />
      </span>
      <div class="check-body">
        <p class="check-label">
          <Sentence text={check.label} />
          <span class="verdict">{check.ok ? t('met') : t('not met')}</span>
        </p>
        {check.sentence && (
          <p class="check-sentence">
            <Sentence text={check.sentence} />
          </p>
        )}
        <Seen seen={check.seen} />
        {check.children.length > 0 && (
          <ul class="checks nested">
            {check.children.map((c, i) => (
              <Check key={i} check={c} />
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}

function Step({ step, start }) {
  const [key, tone, icon] = OUTCOMES[step.outcome] ?? [step.outcome, 'muted', 'minus'];
  const text = t(key);
  const offset = Math.max(0, step.started_at - start);
  return (
    <li class={`step tone-${tone}`} data-outcome={step.outcome}>
      <span class="mark" aria-hidden="true">
        {step.outcome === 'running' ? <Spinner /> : <Icon name={icon} size={14} />}
      </span>
      <div class="step-body">
        <p class="step-summary">
          <Sentence text={step.summary} />
        </p>
        {step.detail && (
          <p class={`step-detail ${tone === 'danger' ? 'is-error' : ''}`}>
            <Sentence text={step.detail} />
          </p>
        )}
        <p class="step-meta">
          <span class={`outcome tone-${tone}`}>{text}</span>
          <span>
            {t('at +{time}', { time: took(offset).replace('< ', '') })}
            {step.outcome !== 'would' &&
              step.outcome !== 'running' &&
              ` · ${t('took {time}', { time: took(step.duration) })}`}
          </span>
          <code>{step.path}</code>
        </p>
        {step.children.length > 0 && (
          <ol class="steps nested">
            {step.children.map((s, i) => (
              <Step key={i} step={s} start={start} />
            ))}
          </ol>
        )}
      </div>
    </li>
  );
}

function notRunReason(trace) {
  switch (trace.result) {
    case 'condition-false':
    case 'would-not-run': {
      const check = firstFalse(trace.conditions);
      const label = check && <Sentence text={check.label} />;
      if (trace.dry_run) {
        return check
          ? pieces('Nothing would be done: {condition} was false.', { condition: label })
          : t('Nothing would be done: a condition was false.');
      }
      return check
        ? pieces('Nothing was done: {condition} was false.', { condition: label })
        : t('Nothing was done: a condition was false.');
    }
    case 'not-triggered':
      return t('Nothing was done: the change did not match the trigger.');
    case 'waiting':
      return t('Waiting for the trigger to hold long enough; then the conditions are checked.');
    case 'skipped':
      return t('Not run: it was already running (its mode decides).');
    case 'queued':
      return t('Queued behind a run that is still going.');
    default:
      return t('No actions ran.');
  }
}

/** A trace as a timeline: trigger, conditions, actions. */
export function TraceBody({ trace }) {
  const checked = trace.conditions.length > 0;
  const stage = !['not-triggered', 'waiting'].includes(trace.result);
  return (
    <ol class="timeline">
      <li class="tl-item">
        <span class="tl-dot tone-info" aria-hidden="true">
          <Icon name="bolt" size={16} />
        </span>
        <div class="tl-body">
          <h3>{trace.trigger?.index >= 0 ? t('Trigger') : t('Started')}</h3>
          <p>
            <Sentence text={triggerLine(trace)} />
          </p>
          <TriggerData data={trace.trigger?.data} />
        </div>
      </li>
      <li class="tl-item">
        <span
          class={`tl-dot tone-${checked && firstFalse(trace.conditions) ? 'warn' : checked ? 'ok' : 'muted'}`}
          aria-hidden="true"
        >
          <Icon name="filter" size={16} />
        </span>
        <div class="tl-body">
          <h3>{t('Conditions')}</h3>
          {checked ? (
            <ul class="checks">
              {trace.conditions.map((c, i) => (
                <Check key={i} check={c} />
              ))}
            </ul>
          ) : (
            <p class="muted">
              {!stage
                ? t('Not checked yet.')
                : trace.trigger?.kind === 'manual'
                  ? t('Not checked: run by hand.')
                  : t('None: it runs whenever it is triggered.')}
            </p>
          )}
        </div>
      </li>
      <li class="tl-item">
        <span class={`tl-dot tone-${RESULTS[trace.result]?.[1] ?? 'muted'}`} aria-hidden="true">
          <Icon name="play" size={14} />
        </span>
        <div class="tl-body">
          <h3>{trace.dry_run ? t('Would do') : t('Actions')}</h3>
          {trace.steps.length > 0 ? (
            <ol class="steps">
              {trace.steps.map((s, i) => (
                <Step key={i} step={s} start={trace.at} />
              ))}
            </ol>
          ) : (
            <p class="muted">{notRunReason(trace)}</p>
          )}
        </div>
      </li>
    </ol>
  );
}

/** The answer to "why did it (not) run?", for the top of a trace or an automation. */
export function Why({ trace }) {
  const check = firstFalse(trace.conditions);
  const miss = ['condition-false', 'would-not-run', 'not-triggered', 'skipped', 'failed'].includes(
    trace.result,
  );
  return (
    <div class={`why ${miss ? 'is-miss' : ''}`} data-result={trace.result}>
      <p class="why-sentence">
        <Sentence text={trace.sentence} />
      </p>
      {check && (trace.result === 'condition-false' || trace.result === 'would-not-run') && (
        <div class="why-check">
          <p>
            <Icon name="filter" size={15} />{' '}
            {pieces('{condition} was false: {why}', {
              condition: <Sentence text={check.label} />,
              why: <Sentence text={check.sentence} />,
            })}
          </p>
          <Seen seen={check.seen} />
        </div>
      )}
    </div>
  );
}

export function TraceList({ automation, traces, current = '' }) {
  if (traces.length === 0) {
    return (
      <p class="muted empty-note">{t('No runs yet. Triggers, near-misses and runs show up here.')}</p>
    );
  }
  return (
    <ul class="trace-list">
      {traces.map((t) => (
        <li key={t.id}>
          <Link
            href={automationPath(automation, 'traces', t.id)}
            class={`trace-row ${fired(t) ? '' : 'is-near-miss'}`}
            aria-current={t.id === current ? 'page' : undefined}
            data-trace={t.id}
          >
            <span class="trace-top">
              <ResultBadge result={t.result} />
              <time>{day(t.at, true)}</time>
            </span>
            <span class="trace-sentence">
              <Sentence text={t.sentence} />
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

export function TraceView({ id, traceId }) {
  const page = useLoad(
    () => Promise.all([auto.get(id), auto.trace(traceId), auto.traces(id, 15)]),
    [id, traceId],
  );
  const [automation, trace, traces] = page.data ?? [];
  const live = trace && isLive(trace);
  usePoll(page.reload, live ? 1000 : 0);
  useTitle(automation ? `${t('Trace')} · ${automation.name}` : t('Trace'));
  if (page.error && !page.data) return <Problem error={page.error} retry={page.reload} />;
  if (!page.data) return <Loading label={t('Loading the trace…')} />;
  const end = trace.finished_at;
  const [label, tone, icon] = RESULTS[trace.result] ?? [trace.result, 'muted', 'minus'];
  return (
    <div class="trace-page" data-trace={trace.id}>
      <nav class="crumbs" aria-label={t('Breadcrumb')}>
        <Link href="/automations">{t('Automations')}</Link>
        <Icon name="chevron" size={14} />
        <Link href={automationPath(id)}>{automation.name}</Link>
      </nav>
      <header class="page-head trace-head">
        <p class="eyebrow">{trace.dry_run ? t('Dry run') : t('Trace')}</p>
        <h1 tabIndex={-1} class={`tone-${tone}`} data-result={trace.result}>
          <span class="mark" aria-hidden="true">
            <Icon name={icon} size={18} />
          </span>
          {t(label)}
        </h1>
        <p class="page-sub">
          <span>{day(trace.at, true)}</span>
          {end && trace.result !== 'not-triggered' && <span>{t('took {time}', { time: took(end - trace.at) })}</span>}
        </p>
      </header>
      <div class="trace-grid">
        <div class="trace-main">
          <section class="card pad" aria-label={t('In short')}>
            <Why trace={trace} />
          </section>
          <section class="card pad" aria-labelledby="steps-title">
            <h2 id="steps-title">{t('Step by step')}</h2>
            <TraceBody trace={trace} />
          </section>
        </div>
        <section class="card pad trace-side" aria-labelledby="others-title">
          <h2 id="others-title">{t('Recent runs')}</h2>
          <TraceList automation={id} traces={traces} current={trace.id} />
        </section>
      </div>
    </div>
  );
}
