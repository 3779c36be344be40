// Controls for one property each. Every control shows a spinner while its command is in flight
// and the hub's error message if it failed; the value shown is the device's confirmed state
// (a slider keeps the position the user chose until the device confirms or refuses it).
import { useEffect, useRef, useState } from 'preact/hooks';

import { label as labelOf, lightMode, TOGGLE_ICONS } from '../capabilities.js';
import { formatNumber, formatValue, fromHex, fromHueSat, hueSat, toHex, unitText, withUnit } from '../format.js';
import { useCommand } from '../hooks.js';
import { Icon, Spinner } from '../icons.jsx';
import { usable } from '../store.js';
import { setProp } from './commands.js';
import { inSentence, t } from '../i18n.js';

const domId = (device, prop, suffix = '') =>
  `c-${device.id}-${prop.siid}-${prop.piid}${suffix}`.replace(/[^\w-]/g, '_');

export function CommandError({ command }) {
  if (!command.error) return null;
  return (
    <p class="command-error" role="alert">
      <Icon name="alert" size={16} />
      <span>{command.error}</span>
      <button type="button" class="icon-button small" aria-label={t('Dismiss')} onClick={command.dismiss}>
        <Icon name="close" size={14} />
      </button>
    </p>
  );
}

/** The on/off switch (role=switch). A card passes its own `command` to show the error
 * below its header; elsewhere the error shows beside the switch. */
/** Flip a device's power through `command`, showing the new position until the hub answers:
 * `[shown, flip]`. */
export function usePowerFlip(device, prop, command) {
  const on = device.values.get(prop.id) === true;
  const [pending, setPending] = useState(null);
  const flip = () =>
    command.run(async () => {
      setPending(!on);
      try {
        await setProp(device, prop, !on);
      } finally {
        setPending(null);
      }
    });
  return [pending ?? on, flip];
}

export function PowerSwitch({ device, prop, name, command: shared }) {
  const own = useCommand();
  const command = shared ?? own;
  const [shown, flip] = usePowerFlip(device, prop, command);
  return (
    <div class="power">
      {command.busy && <Spinner label={t('Switching…')} />}
      <button
        type="button"
        role="switch"
        class="switch"
        aria-checked={shown ? 'true' : 'false'}
        aria-label={name ?? `${device.name} ${inSentence(labelOf(prop))}`}
        aria-busy={command.busy ? 'true' : 'false'}
        disabled={!usable(device)}
        onClick={flip}
        data-prop={prop.key}
      >
        <span class="switch-thumb" />
      </button>
      {!shared && <CommandError command={command} />}
    </div>
  );
}

function rangeOf(prop) {
  const [min, max, step] = prop.range ?? [0, 100, 1];
  return { min, max, step: step || 1 };
}

/** A range slider; commits on release (or each key press), not while dragging. */
export function Slider({ device, prop, note, variant = '' }) {
  const command = useCommand();
  const value = device.values.get(prop.id);
  const [draft, setDraft] = useState(null);
  const { min, max, step } = rangeOf(prop);
  const shown = draft ?? (typeof value === 'number' ? value : min);
  const look = `${variant} ${prop.unit === 'kelvin' ? 'kelvin' : ''}`;
  const id = domId(device, prop);
  const fill = max > min ? ((shown - min) / (max - min)) * 100 : 0;
  const text = withUnit(formatNumber(prop, shown), prop.unit);
  const commit = async (event) => {
    const next = Number(event.currentTarget.value);
    setDraft(next);
    await command.run(() => setProp(device, prop, next));
    setDraft(null);
  };
  return (
    <div class={`control slider ${look}`} aria-busy={command.busy ? 'true' : 'false'}>
      <div class="control-head">
        <label for={id}>{labelOf(prop)}</label>
        {command.busy && <Spinner label={t('Setting…')} />}
        <output for={id} aria-live="off">
          {text}
          {note && <span class="note"> · {note}</span>}
        </output>
      </div>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={shown}
        style={{ '--fill': `${fill}%` }}
        aria-valuetext={text}
        disabled={!usable(device)}
        data-prop={prop.key}
        onInput={(event) => setDraft(Number(event.currentTarget.value))}
        onChange={commit}
      />
      <CommandError command={command} />
    </div>
  );
}

const PRESETS = [
  [0xffb46b, 'Warm white'],
  [0xffffff, 'White'],
  [0xff4d4d, 'Red'],
  [0x3ddc84, 'Green'],
  [0x3fa9ff, 'Blue'],
  [0x8c6bff, 'Violet'],
];

/** A colour wheel (hue around, saturation outwards) with a dot on the current colour, preset
 * swatches and the system colour picker, for a packed 0xRRGGBB property. */
export function ColorPicker({ device, prop }) {
  const command = useCommand();
  const value = device.values.get(prop.id);
  const id = domId(device, prop);
  const current = toHex(value ?? 0);
  const [hue, sat] = hueSat(value ?? 0);
  const angle = (hue * Math.PI) / 180;
  const choose = (packed) => command.run(() => setProp(device, prop, packed));
  const pick = (event) => {
    const box = event.currentTarget.getBoundingClientRect();
    const x = (event.clientX - box.left) / (box.width / 2) - 1;
    const y = (event.clientY - box.top) / (box.height / 2) - 1;
    const degrees = ((Math.atan2(x, -y) * 180) / Math.PI + 360) % 360;
    choose(fromHueSat(degrees, Math.min(1, Math.hypot(x, y))));
  };
  return (
    <fieldset class="control color" aria-busy={command.busy ? 'true' : 'false'}>
      <legend class="control-head">
        <span>{labelOf(prop)}</span>
        {command.busy && <Spinner label={t('Setting color…')} />}
      </legend>
      <div class="color-row">
        <button
          type="button"
          class="wheel"
          aria-label={t('Color wheel, now {color}', { color: current.toUpperCase() })}
          data-color={current}
          disabled={!usable(device)}
          onClick={pick}
        >
          <span
            class="wheel-dot"
            style={{
              '--swatch': current,
              left: `${50 + 50 * sat * Math.sin(angle)}%`,
              top: `${50 - 50 * sat * Math.cos(angle)}%`,
            }}
          />
        </button>
        <div class="swatches">
          {PRESETS.map(([packed, name]) => (
            <button
              key={packed}
              type="button"
              class="swatch"
              style={{ '--swatch': toHex(packed) }}
              aria-label={t(name)}
              aria-pressed={value === packed ? 'true' : 'false'}
              disabled={!usable(device)}
              onClick={() => choose(packed)}
            />
          ))}
          <label class="swatch custom" style={{ '--swatch': current }}>
            <span class="sr-only">{t('Custom color')}</span>
            <input
              id={id}
              type="color"
              value={current}
              disabled={!usable(device)}
              data-prop={prop.key}
              onChange={(event) => choose(fromHex(event.currentTarget.value))}
            />
          </label>
        </div>
      </div>
      <CommandError command={command} />
    </fieldset>
  );
}

/** A light with both colour and white tone: which one it shows now (its mode), and the control
 * for either, one at a time (as the vendors' apps do). */
export function LightTone({ device, white, color }) {
  const mode = lightMode(device);
  const [view, setView] = useState(null);
  const shown = view ?? mode;
  const tabs = [
    ['white', 'White'],
    ['color', 'Color'],
  ];
  return (
    <div class="control light-tone" data-mode={mode}>
      <div class="button-row" role="group" aria-label={t('Light mode')}>
        {tabs.map(([key, text]) => (
          <button
            key={key}
            type="button"
            class={`pill-button ${shown === key ? 'is-on' : ''}`}
            aria-pressed={shown === key ? 'true' : 'false'}
            data-tone={key}
            onClick={() => setView(key)}
          >
            {t(text)}
          </button>
        ))}
        <span class="muted" data-light-mode>
          {mode === 'color' ? t('Showing a color') : t('Showing white')}
        </span>
      </div>
      {shown === 'white' ? (
        <Slider device={device} prop={white} />
      ) : (
        <ColorPicker device={device} prop={color} />
      )}
    </div>
  );
}

/** A target (thermostat) beside the current reading; presses are gathered for a moment and
 * sent as one write. */
export function Setpoint({ device, prop, companion }) {
  const command = useCommand();
  const value = device.values.get(prop.id);
  const [draft, setDraft] = useState(null);
  const timer = useRef(0);
  const sequence = useRef(0);
  const { min, max, step } = rangeOf(prop);
  const shown = draft ?? value;
  useEffect(() => () => clearTimeout(timer.current), []);
  const nudge = (direction) => {
    const base = typeof shown === 'number' ? shown : min;
    const next = Math.min(max, Math.max(min, Math.round((base + direction * step) / step) * step));
    setDraft(next);
    clearTimeout(timer.current);
    const mine = ++sequence.current;
    timer.current = setTimeout(async () => {
      await command.run(() => setProp(device, prop, next));
      if (sequence.current === mine) setDraft(null);
    }, 600);
  };
  const current = companion ? device.values.get(companion.id) : null;
  const unit = unitText(prop.unit);
  const targetText = typeof shown === 'number' ? formatNumber(prop, shown) : '—';
  return (
    <div class="control setpoint" aria-busy={command.busy ? 'true' : 'false'}>
      {companion && (
        <div class="reading-big">
          <span class="reading-caption">{t('Now')}</span>
          <span class="reading-value" data-prop={companion.key}>
            {typeof current === 'number' ? formatNumber(companion, current) : '—'}
            <span class="reading-unit">{unitText(companion.unit)}</span>
          </span>
        </div>
      )}
      <div class="stepper" role="group" aria-label={`${labelOf(prop)} ${unit}`}>
        <button
          type="button"
          class="round-button"
          aria-label={t('Lower {what}', { what: inSentence(labelOf(prop)) })}
          disabled={!usable(device) || shown <= min}
          onClick={() => nudge(-1)}
        >
          <Icon name="minus" size={16} />
        </button>
        <div class="stepper-value">
          <span class="reading-caption">
            {labelOf(prop)} {command.busy && <Spinner label={t('Setting…')} />}
          </span>
          <output aria-live="polite" data-prop={prop.key}>
            {targetText}
            <span class="reading-unit">{unit}</span>
          </output>
        </div>
        <button
          type="button"
          class="round-button"
          aria-label={t('Raise {what}', { what: inSentence(labelOf(prop)) })}
          disabled={!usable(device) || shown >= max}
          onClick={() => nudge(1)}
        >
          <Icon name="plus" size={16} />
        </button>
      </div>
      <CommandError command={command} />
    </div>
  );
}

/** A target position slider that also says where the device is now. */
export function Position({ device, prop, companion }) {
  const now = companion ? device.values.get(companion.id) : null;
  const note = typeof now === 'number' && now !== device.values.get(prop.id) ? t('now {value}', { value: formatValue(companion, now) }) : '';
  return <Slider device={device} prop={prop} note={note} variant="position" />;
}

/** One button per value of a write-only value list (a curtain's Open / Pause / Close). */
export function ChoiceButtons({ device, prop }) {
  const command = useCommand();
  return (
    <div class="control">
      <div class="button-row" role="group" aria-label={labelOf(prop)}>
        {prop.choices.map((choice) => (
          <button
            key={choice.value}
            type="button"
            class="pill-button"
            disabled={!usable(device) || command.busy}
            onClick={() => command.run(() => setProp(device, prop, choice.value))}
          >
            {t(choice.description)}
          </button>
        ))}
        {command.busy && <Spinner />}
      </div>
      <CommandError command={command} />
    </div>
  );
}

/** A pressed/not pressed button for a boolean setting (mute, oscillation, child lock). */
export function ToggleButton({ device, prop }) {
  const command = useCommand();
  const on = device.values.get(prop.id) === true;
  const icons = TOGGLE_ICONS[prop.key] ?? ['power', 'power'];
  return (
    <div class="control toggle-button">
      <button
        type="button"
        class={`pill-button ${on ? 'is-on' : ''}`}
        aria-pressed={on ? 'true' : 'false'}
        disabled={!usable(device)}
        onClick={() => command.run(() => setProp(device, prop, !on))}
        data-prop={prop.key}
      >
        <Icon name={icons[+on]} size={18} />
        <span>{labelOf(prop)}</span>
        {command.busy && <Spinner />}
      </button>
      <CommandError command={command} />
    </div>
  );
}

/** A select for a writable value list (modes, fan levels). */
export function ChoiceSelect({ device, prop, variant = '' }) {
  const command = useCommand();
  const value = device.values.get(prop.id);
  const id = domId(device, prop);
  return (
    <div class={`control select ${variant}`} aria-busy={command.busy ? 'true' : 'false'}>
      <div class="control-head">
        <label for={id}>{labelOf(prop)}</label>
        {command.busy && <Spinner />}
      </div>
      <select
        id={id}
        value={value ?? ''}
        disabled={!usable(device) || command.busy}
        data-prop={prop.key}
        onChange={(event) => command.run(() => setProp(device, prop, Number(event.currentTarget.value)))}
      >
        {value === null || value === undefined ? <option value="">—</option> : null}
        {prop.choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {t(choice.description)}
          </option>
        ))}
      </select>
      <CommandError command={command} />
    </div>
  );
}

/** A text or number field with a Set button, for properties no other control fits. */
export function FieldEditor({ device, prop }) {
  const command = useCommand();
  const value = device.values.get(prop.id);
  const [draft, setDraft] = useState(null);
  const id = domId(device, prop, '-field');
  const isNumber = prop.format !== 'string';
  const submit = async (event) => {
    event.preventDefault();
    const raw = draft ?? String(value ?? '');
    const ok = await command.run(() => setProp(device, prop, isNumber ? Number(raw) : raw));
    if (ok) setDraft(null);
  };
  return (
    <form class="control field" onSubmit={submit}>
      <label class="sr-only" for={id}>
        {labelOf(prop)}
      </label>
      <input
        id={id}
        type={isNumber ? 'number' : 'text'}
        value={draft ?? (value ?? '')}
        disabled={!usable(device)}
        onInput={(event) => setDraft(event.currentTarget.value)}
      />
      <button type="submit" class="pill-button" disabled={!usable(device) || command.busy}>
        {t('Set')}
      </button>
      {command.busy && <Spinner />}
      <CommandError command={command} />
    </form>
  );
}
