// The editor: the automation as YAML (as in homeweave.yaml), with a form for the simple keys
// (name, id, description, mode, enabled) that edits the same text. The hub reads the YAML with
// its own loader; what it refuses comes back with the path and line of each problem.
import { useRef, useState } from 'preact/hooks';

import { useCommand } from '../hooks.js';
import { pieces, t, tn } from '../i18n.js';
import { Icon, Spinner } from '../icons.jsx';
import { automationPath, Link, navigate } from '../router.jsx';
import { offerUndo } from '../undo.js';
import { state } from '../store.js';
import {
  auto,
  editable,
  editCopy,
  handoff,
  MODES,
  readTop,
  slug,
  toYaml,
  writeTop,
} from './data.js';
import { Loading, Problem, useLoad, useTitle } from './parts.jsx';

/** A starting point that names a real sensor of this home. */
function template() {
  let trigger = { type: 'start' };
  for (const device of state.devices.values()) {
    const prop = [...device.props.values()].find(
      (p) => p.format === 'bool' && p.access.includes('read') && !p.access.includes('write'),
    );
    if (prop) {
      trigger = {
        type: 'property',
        address: `${device.id}/${prop.service.key}/${prop.key}`,
        to: true,
      };
      break;
    }
  }
  return toYaml({
    id: 'my-automation',
    name: t('My automation'),
    triggers: [trigger],
    actions: [{ type: 'notify', message: t('It happened.') }],
  });
}

function lineStart(text, line) {
  let at = 0;
  for (let n = 1; n < line && at !== -1; n += 1) at = text.indexOf('\n', at) + 1 || -1;
  return Math.max(0, at);
}

function Problems({ problems, goTo }) {
  if (problems.length === 0) return null;
  return (
    <div class="problems" role="alert" id="yaml-problems">
      <p class="problems-title">
        <Icon name="alert" size={16} />
        {tn(problems.length, 'The hub did not accept it ({n} problem):', 'The hub did not accept it ({n} problems):')}
      </p>
      <ul>
        {problems.map((p, i) => {
          const body = (
            <>
              {p.line ? <span class="line-no">{t('Line {n}', { n: p.line })}</span> : null}{' '}
              {p.path && <code class="path">{p.path}</code>}{' '}
              <span class="problem-text">{p.message}</span>
            </>
          );
          return (
            <li key={i} data-path={p.path} class={p.stale ? 'is-stale' : ''}>
              {p.line ? (
                <button
                  type="button"
                  class="problem"
                  onClick={() => goTo(p.line)}
                  title={t('Go to the line')}
                >
                  {body}
                </button>
              ) : (
                <span class="problem">{body}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Field({ id, label, hint, children }) {
  return (
    <div class="field-block">
      <label class="field-label" for={id}>
        {label}
      </label>
      {children}
      {hint && (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}

function Form({ text, setText, isNew, locked }) {
  const get = (key) => readTop(text, key);
  const name = get('name');
  const id = get('id');
  const description = get('description');
  const given = (key, otherwise) => (get(key) === undefined ? otherwise : get(key));
  const mode = given('mode', 'single');
  const enabled = given('enabled', true);
  const unreadable = t('Written over several lines: change it in the YAML');
  const set = (key, value, after) => setText(writeTop(text, key, value, after));
  return (
    <fieldset class="card pad form-grid" disabled={locked}>
      <legend class="sr-only">{t('Settings')}</legend>
      <Field id="f-name" label={t('Name')}>
        <input
          id="f-name"
          type="text"
          value={name ?? ''}
          disabled={name === null}
          title={name === null ? unreadable : undefined}
          onInput={(e) => {
            const value = e.currentTarget.value;
            let next = writeTop(text, 'name', value, 'id');
            if (isNew && (!id || id === slug(name ?? '') || id === 'my-automation')) {
              next = writeTop(next, 'id', slug(value) || 'my-automation');
            }
            setText(next);
          }}
        />
      </Field>
      {isNew && (
        <Field
          id="f-id"
          label={t('ID')}
          hint={t('Lowercase letters, digits and dashes; it stays as it is.')}
        >
          <input
            id="f-id"
            aria-describedby="f-id-hint"
            type="text"
            value={id ?? ''}
            disabled={id === null}
            spellcheck={false}
            onInput={(e) => set('id', e.currentTarget.value)}
          />
        </Field>
      )}
      <Field id="f-mode" label={t('Mode')} hint={t('What a trigger does while it is still running.')}>
        <select
          id="f-mode"
          aria-describedby="f-mode-hint"
          value={mode}
          disabled={mode === null}
          onChange={(e) => {
            const value = e.currentTarget.value;
            set(
              'mode',
              value === 'single' ? undefined : value,
              readTop(text, 'description') !== undefined ? 'description' : 'name',
            );
          }}
        >
          {Object.entries(MODES).map(([key, words]) => (
            <option key={key} value={key}>
              {t(words)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="f-description" label={t('Description')}>
        <input
          id="f-description"
          type="text"
          value={description ?? ''}
          disabled={description === null}
          title={description === null ? unreadable : undefined}
          onInput={(e) => set('description', e.currentTarget.value || undefined, 'name')}
        />
      </Field>
      <div class="field-block switch-field">
        <span class="field-label" id="enabled-label">
          {t('Enabled')}
        </span>
        <button
          type="button"
          role="switch"
          class="switch"
          aria-checked={enabled === false ? 'false' : 'true'}
          aria-labelledby="enabled-label"
          disabled={enabled === null}
          onClick={() => set('enabled', enabled === false ? undefined : false, 'name')}
        >
          <span class="switch-thumb" />
        </button>
      </div>
    </fieldset>
  );
}

// The YAML's keys stay as they are; the words between them are the reader's.
const help = () => [
  [
    'triggers',
    t('property (address, to, from, for) · numeric (address, above, below, for) · event (device, event) · time (at: "07:30", weekdays) · calendar (cron) · sun (event: sunset, offset: -15m) · start'),
  ],
  [
    'conditions',
    t('state (address, value) · numeric (address, above, below) · time (after, before) · weekday (days) · sun (after, before) · and / or / not (conditions); each may have a name'),
  ],
  [
    'actions',
    t('set (address and value, or values) · do (device, action, args) · scene · delay (duration: 5m) · wait (triggers, timeout) · choose (choices: when, then; otherwise) · repeat (count, while or until; actions) · notify (message, title, level)'),
  ],
  [
    'addresses',
    t('device/service/property, as on a device’s page, e.g. hallway-lamp/light/brightness'),
  ],
];

function Help() {
  return (
    <details class="yaml-help">
      <summary>{t('What can go in it?')}</summary>
      <dl>
        {help().map(([term, text]) => [
          <dt key={term}>{term}</dt>,
          <dd key={`${term}-d`}>{text}</dd>,
        ])}
      </dl>
    </details>
  );
}

function YamlEditor({ text, setText, problems, readOnly, onSave, area }) {
  const gutter = useRef(null);
  const count = text.split('\n').length;
  const bad = new Set(problems.map((p) => p.line).filter(Boolean));
  return (
    <div class={`yaml-editor ${problems.length ? 'has-problems' : ''}`}>
      <div class="gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: count }, (_, i) => (
          <span key={i} class={bad.has(i + 1) ? 'bad' : ''}>
            {i + 1}
          </span>
        ))}
      </div>
      <textarea
        ref={area}
        id="automation-yaml"
        aria-label={t('Automation as YAML')}
        aria-invalid={problems.length ? 'true' : 'false'}
        aria-describedby={problems.length ? 'yaml-problems' : undefined}
        spellcheck={false}
        autocapitalize="off"
        autocomplete="off"
        wrap="off"
        readOnly={readOnly}
        value={text}
        rows={Math.min(28, Math.max(12, count + 1))}
        onInput={(e) => setText(e.currentTarget.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 's') {
            e.preventDefault();
            onSave();
          }
        }}
      />
    </div>
  );
}

function EditorPage({ automation }) {
  const isNew = !automation;
  const locked = automation?.source === 'config';
  const [text, setText] = useState(() => {
    if (automation) {
      // The text as it was last written (comments and all), unless enabled/disabled since.
      const same = automation.enabled === (automation.definition.enabled ?? true);
      return automation.yaml && same ? automation.yaml : toYaml(editable(automation));
    }
    const draft = handoff.draft;
    handoff.draft = null;
    return draft ?? template();
  });
  const [problems, setProblems] = useState([]);
  const command = useCommand();
  const area = useRef(null);
  useTitle(isNew ? t('New automation') : `${t('Edit')} · ${automation.name}`);

  const goTo = (line) => {
    const el = area.current;
    if (!el) return;
    const start = lineStart(text, line);
    const end = text.indexOf('\n', start);
    el.focus();
    el.setSelectionRange(start, end === -1 ? text.length : end);
    const height = parseFloat(getComputedStyle(el).lineHeight) || 20;
    el.scrollTop = Math.max(0, (line - 4) * height);
  };
  const save = () => {
    if (locked || command.busy) return;
    setProblems([]);
    command.run(async () => {
      try {
        const saved = isNew ? await auto.create(text) : await auto.update(automation.id, text);
        handoff.flash = isNew ? t('Saved. It is watching its triggers now.') : t('Saved.');
        navigate(automationPath(saved.id));
        const what = { name: saved.name };
        offerUndo('automation', saved.id, isNew ? t('Added “{name}”.', what) : t('Changed “{name}”.', what));
      } catch (err) {
        setProblems(
          err.problems?.length ? err.problems : [{ path: '', line: null, message: err.message }],
        );
      }
    });
  };
  const back = automation ? automationPath(automation.id) : '/automations';
  return (
    <div class="editor-page">
      <nav class="crumbs" aria-label={t('Breadcrumb')}>
        <Link href="/automations">{t('Automations')}</Link>
        {automation && <Icon name="chevron" size={14} />}
        {automation && <Link href={back}>{automation.name}</Link>}
      </nav>
      <header class="page-head">
        <h1 tabIndex={-1}>
          {isNew ? t('New automation') : locked ? t('Automation YAML') : t('Edit automation')}
        </h1>
      </header>
      {locked && (
        <div class="banner info" role="note">
          <Icon name="code" size={18} />
          <span>
            {pieces(
              'This one is defined in homeweave.yaml, so it is changed there: copy this YAML into its {list} list. Or keep a copy in the hub and change that.',
              { list: <code>automations:</code> },
            )}
          </span>
          <button type="button" class="pill-button" onClick={() => editCopy(automation)}>
            <Icon name="copy" size={14} />
            {t('Edit a copy')}
          </button>
        </div>
      )}
      <form
        class="editor-grid"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <Form text={text} setText={setText} isNew={isNew} locked={locked} />
        <section class="card pad yaml-card" aria-labelledby="yaml-title">
          <div class="section-head">
            <h2 id="yaml-title">
              <Icon name="code" size={18} /> YAML
            </h2>
            <span class="muted small">{t('as in homeweave.yaml')}</span>
          </div>
          <YamlEditor
            text={text}
            setText={(value) => {
              setText(value);
              if (problems.length) setProblems(problems.map((p) => ({ ...p, stale: true })));
            }}
            problems={problems.filter((p) => !p.stale)}
            readOnly={locked}
            onSave={save}
            area={area}
          />
          <Problems problems={problems} goTo={goTo} />
          <Help />
        </section>
        {!locked && (
          <div class="form-actions">
            <button type="submit" class="primary-button" disabled={command.busy}>
              {command.busy ? <Spinner label={t('Saving…')} /> : <Icon name="check" size={16} />}
              {isNew ? t('Create automation') : t('Save')}
            </button>
            <Link href={back} class="text-button">
              {t('Cancel')}
            </Link>
          </div>
        )}
      </form>
    </div>
  );
}

export function AutomationEditor({ id }) {
  const page = useLoad(() => (id ? auto.get(id) : Promise.resolve(false)), [id]);
  if (page.error && page.data === null) return <Problem error={page.error} retry={page.reload} />;
  if (page.data === null) return <Loading label={t('Loading the automation…')} />;
  return <EditorPage key={id ?? 'new'} automation={page.data || null} />;
}
