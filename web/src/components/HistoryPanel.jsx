// History of a device's numeric properties: pick one, pick a period; new values arrive live.
import { useEffect, useRef, useState } from 'preact/hooks';

import { api } from '../api.js';
import { chartable, label } from '../capabilities.js';
import { formatNumber, formatValue, withUnit } from '../format.js';
import { Spinner } from '../icons.jsx';
import { onStateMessage } from '../store.js';
import { useTheme } from '../theme.js';

const PERIODS = [
  ['1 h', 3600],
  ['24 h', 86400],
  ['7 d', 7 * 86400],
];

function Stats({ prop, values }) {
  if (values.length === 0) return null;
  const min = Math.min(...values);
  const max = Math.max(...values);
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
        <dt>Values</dt>
        <dd>{values.length}</dd>
      </div>
    </dl>
  );
}

export function HistoryPanel({ device }) {
  const props = chartable(device);
  const [selected, setSelected] = useState(props.length ? props[0].id : null);
  const [period, setPeriod] = useState(86400);
  const [status, setStatus] = useState('loading');
  const [values, setValues] = useState([]);
  const box = useRef(null);
  const theme = useTheme();
  const prop = device.props.get(selected) ?? props[0];

  useEffect(() => {
    if (!prop) return undefined;
    let cancelled = false;
    let chart = null;
    let stop = () => {};
    setStatus('loading');
    const start = Math.floor(Date.now() / 1000 - period);
    Promise.all([import('./chart.js'), api.history(device.id, prop.service.key, prop.key, start)])
      .then(([{ createChart }, history]) => {
        if (cancelled) return;
        const points = history.points.filter((p) => typeof p.value === 'number');
        const xs = points.map((p) => p.at);
        const ys = points.map((p) => p.value);
        box.current.replaceChildren();
        chart = createChart(box.current, {
          xs,
          ys,
          format: (v) => withUnit(formatNumber(prop, v), prop.unit),
          unitFormat: (text) => withUnit(text, prop.unit),
          integer: prop.format !== 'float',
          bounds: prop.range ? [prop.range[0], prop.range[1]] : null,
        });
        setValues([...ys]);
        setStatus(ys.length ? 'ready' : 'empty');
        stop = onStateMessage((message) => {
          if (message.device !== device.id || typeof message.value !== 'number') return;
          if (`${message.siid}.${message.piid}` !== prop.id) return;
          chart.append(message.at, message.value);
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
        data-status={status}
      />
      {status === 'loading' && <Spinner label="Loading history…" />}
      {status === 'empty' && <p class="empty">No values recorded in this period yet.</p>}
      {status.startsWith('error') && (
        <p class="command-error" role="alert">
          {status.slice(7)}
        </p>
      )}
      <Stats prop={prop} values={values} />
    </section>
  );
}
