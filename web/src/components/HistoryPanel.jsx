// History of a device's numeric properties: pick one, pick a period; new values arrive live.
// Up to 24 h the hub answers with every recorded value; longer periods come as 5-minute (7 d)
// or hourly (30 d, 1 y) averages with their min and max, so a year loads as fast as an hour.
import { useEffect, useRef, useState } from 'preact/hooks';

import { api } from '../api.js';
import { chartable, label, numeric, writable } from '../capabilities.js';
import { formatNumber, formatValue, withUnit } from '../format.js';
import { Spinner } from '../icons.jsx';
import { onStateMessage } from '../store.js';
import { useTheme } from '../theme.js';

const PERIODS = [
  ['1 h', 3600],
  ['24 h', 86400],
  ['7 d', 7 * 86400],
  ['30 d', 30 * 86400],
  ['1 y', 365 * 86400],
];
const RESOLUTIONS = { '5m': '5-minute averages', hour: 'Hourly averages' };

function Stats({ prop, values, range, resolution }) {
  if (values.length === 0 || !numeric(prop)) return null;
  const min = Math.min(range.min, ...values);
  const max = Math.max(range.max, ...values);
  return (
    <dl class="stats">
      <div>
        <dt>Min</dt>
        <dd>{formatValue(prop, min)}</dd>
      </div>
      <div>
        <dt>Max</dt>
        <dd>{formatValue(prop, max)}</dd>
      </div>
      <div>
        <dt>{RESOLUTIONS[resolution] ?? 'Values'}</dt>
        <dd>{values.length}</dd>
      </div>
    </dl>
  );
}

/** A recorded value as a chart's number (on/off as 1/0), or null. */
const asNumber = (value) => (typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : null);

export function HistoryPanel({ device }) {
  const props = chartable(device);
  const [selected, setSelected] = useState(props.length ? props[0].id : null);
  const [period, setPeriod] = useState(86400);
  const [status, setStatus] = useState('loading');
  const [values, setValues] = useState([]);
  // Bucketed answers carry each bucket's own min and max (the means alone hide the extremes).
  const [range, setRange] = useState({ min: Infinity, max: -Infinity, resolution: 'raw' });
  const box = useRef(null);
  const theme = useTheme();
  const prop = device.props.get(selected) ?? props[0];

  useEffect(() => {
    if (!prop) return undefined;
    let cancelled = false;
    let chart = null;
    let stop = () => {};
    setStatus('loading');
    const isBool = prop.format === 'bool';
    const levels = isBool ? [0, 1] : prop.choices ? prop.choices.map((c) => c.value) : null;
    const start = Math.floor(Date.now() / 1000 - period);
    Promise.all([import('./chart.js'), api.history(device.id, prop.service.key, prop.key, start)])
      .then(([{ createChart }, history]) => {
        if (cancelled) return;
        const points = history.points.filter((p) => asNumber(p.value) !== null);
        const xs = points.map((p) => p.at);
        const ys = points.map((p) => asNumber(p.value));
        box.current.replaceChildren();
        chart = createChart(box.current, {
          xs,
          ys,
          format: isBool ? (v) => formatValue(prop, v === 1) : levels ? (v) => formatValue(prop, v) : (v) => withUnit(formatNumber(prop, v), prop.unit),
          unitFormat: (text) => withUnit(text, prop.unit),
          integer: prop.format !== 'float',
          bounds: prop.range ? [prop.range[0], prop.range[1]] : null,
          // Only a measured quantity changes between two readings; settings, counts, on/off
          // and modes keep their value until the next one.
          stepped: isBool || levels !== null || prop.format !== 'float' || writable(prop),
          levels,
        });
        setRange({
          min: Math.min(...points.map((p) => p.min ?? Infinity)),
          max: Math.max(...points.map((p) => p.max ?? -Infinity)),
          resolution: history.resolution ?? 'raw',
        });
        setValues([...ys]);
        setStatus(ys.length ? 'ready' : 'empty');
        stop = onStateMessage((message) => {
          const value = asNumber(message.value);
          if (message.device !== device.id || value === null) return;
          if (`${message.siid}.${message.piid}` !== prop.id) return;
          chart.append(message.at, value);
          setValues([...ys]);
          setStatus('ready');
        });
      })
      .catch((err) => {
        if (!cancelled) setStatus(`error: ${err.message}`);
      });
    return () => {
      cancelled = true;
      stop();
      if (chart) chart.destroy();
    };
  }, [device.id, prop && prop.id, period, theme]);

  if (!prop) return null;
  return (
    <section class="card history" aria-labelledby="history-title">
      <div class="section-head">
        <h2 id="history-title">History</h2>
        <div class="segmented" role="group" aria-label="Period">
          {PERIODS.map(([text, seconds]) => (
            <button
              key={seconds}
              type="button"
              aria-pressed={period === seconds ? 'true' : 'false'}
              onClick={() => setPeriod(seconds)}
            >
              {text}
            </button>
          ))}
        </div>
      </div>
      {props.length > 1 && (
        <div class="chip-row" role="group" aria-label="Property">
          {props.map((p) => (
            <button
              key={p.id}
              type="button"
              class="chip"
              aria-pressed={p.id === prop.id ? 'true' : 'false'}
              onClick={() => setSelected(p.id)}
            >
              {label(p)}
            </button>
          ))}
        </div>
      )}
      <div
        class="chart"
        ref={box}
        role="img"
        aria-label={`${label(prop)} over the last ${PERIODS.find((p) => p[1] === period)[0]}`}
        data-points={values.length}
        data-resolution={range.resolution}
        data-status={status}
      />
      {status === 'loading' && <Spinner label="Loading history…" />}
      {status === 'empty' && <p class="empty">No values recorded in this period yet.</p>}
      {status.startsWith('error') && (
        <p class="command-error" role="alert">
          {status.slice(7)}
        </p>
      )}
      <Stats prop={prop} values={values} range={range} resolution={range.resolution} />
    </section>
  );
}
