// History of a device's properties: pick one, pick a period; new values arrive live. Numbers
// are a line (a step line for settings and counts), on/off and modes are coloured bands named
// by their value, and a thermostat gets a climate graph (temperature, target, heating band).
// Up to 24 h the hub answers with every recorded value; longer periods come as 5-minute (7 d)
// or hourly (30 d, 1 y) averages with their min and max, so a year loads as fast as an hour.
import { useEffect, useRef, useState } from 'preact/hooks';

import { api } from '../api.js';
import { chartable, label, numeric, writable } from '../capabilities.js';
import { formatNumber, formatValue, withUnit } from '../format.js';
import { Spinner } from '../icons.jsx';
import { onStateMessage } from '../store.js';
import { useTheme } from '../theme.js';
import { t } from '../i18n.js';

const PERIODS = [
  ['period|1 h', 3600],
  ['period|24 h', 86400],
  ['period|7 d', 7 * 86400],
  ['period|30 d', 30 * 86400],
  ['period|1 y', 365 * 86400],
];
const RESOLUTIONS = { '5m': '5-minute averages', hour: 'Hourly averages' };

function Stats({ prop, values, range, resolution }) {
  if (values.length === 0 || !numeric(prop) || prop.choices) return null;
  const min = Math.min(range.min, ...values);
  const max = Math.max(range.max, ...values);
  return (
    <dl class="stats">
      <div>
        <dt>{t('Min')}</dt>
        <dd>{formatValue(prop, min)}</dd>
      </div>
      <div>
        <dt>{t('Max')}</dt>
        <dd>{formatValue(prop, max)}</dd>
      </div>
      <div>
        <dt>{t(RESOLUTIONS[resolution] ?? 'Values')}</dt>
        <dd>{values.length}</dd>
      </div>
    </dl>
  );
}

/** A thermostat's properties for its climate graph, or null: the measured temperature, the
 * target and (if it has one) the state that says it is heating. */
export function climateOf(device) {
  const props = [...device.props.values()];
  const target = props.find((p) => p.key === 'target-temperature');
  const temperature = props.find((p) => p.key === 'temperature');
  if (!target || !temperature) return null;
  const status = props.find(
    (p) =>
      p.service === target.service &&
      !writable(p) && // what it is doing (Heating/Idle), not the mode it was set to
      p.choices &&
      p.choices.some((c) => /heat/i.test(c.description)),
  );
  return { target, temperature, status };
}

const CLIMATE = { id: 'climate', label: 'Climate' };

/** The stretches [from, to] a status was a heating value, up to now. */
function heatingSpans(points, status) {
  const heatingValues = new Set(status.choices.filter((c) => /heat/i.test(c.description)).map((c) => c.value));
  const spans = [];
  points.forEach((p, i) => {
    if (!heatingValues.has(p.value)) return;
    const end = i + 1 < points.length ? points[i + 1].at : Date.now() / 1000;
    spans.push([p.at, end]);
  });
  return spans;
}

async function drawClimate(box, device, climate, start) {
  const get = (prop) => api.history(device.id, prop.service.key, prop.key, start);
  const [{ createClimate }, temps, targets, statuses] = await Promise.all([
    import('./chart.js'),
    get(climate.temperature),
    get(climate.target),
    climate.status ? get(climate.status) : Promise.resolve({ points: [] }),
  ]);
  const series = (h) => {
    const points = h.points.filter((p) => typeof p.value === 'number');
    return { xs: points.map((p) => p.at), ys: points.map((p) => p.value) };
  };
  const temperature = series(temps);
  box.replaceChildren();
  const heating = climate.status ? heatingSpans(statuses.points, climate.status) : [];
  box.dataset.heating = heating.length;
  const chart = createClimate(box, {
    temperature,
    target: series(targets),
    heating,
    format: (v) => withUnit(formatNumber(climate.temperature, v), climate.temperature.unit),
  });
  return { chart, values: temperature.ys, resolution: temps.resolution ?? 'raw' };
}

/** A recorded value as a chart's number (on/off as 1/0), or null. */
const asNumber = (value) => (typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : null);

export function HistoryPanel({ device }) {
  const props = chartable(device);
  const climate = climateOf(device);
  const [selected, setSelected] = useState(climate ? CLIMATE.id : props.length ? props[0].id : null);
  const [period, setPeriod] = useState(86400);
  const [status, setStatus] = useState('loading');
  const [values, setValues] = useState([]);
  // Bucketed answers carry each bucket's own min and max (the means alone hide the extremes).
  const [range, setRange] = useState({ min: Infinity, max: -Infinity, resolution: 'raw' });
  const box = useRef(null);
  const theme = useTheme();
  const showClimate = climate !== null && selected === CLIMATE.id;
  const prop = showClimate ? climate.temperature : (device.props.get(selected) ?? props[0]);

  useEffect(() => {
    if (!prop) return undefined;
    let cancelled = false;
    let chart = null;
    let stop = () => {};
    setStatus('loading');
    const isBool = prop.format === 'bool';
    const levels = isBool ? [0, 1] : prop.choices ? prop.choices.map((c) => c.value) : null;
    const start = Math.floor(Date.now() / 1000 - period);
    const fail = (err) => {
      if (!cancelled) setStatus(`error: ${err.message}`);
    };
    if (showClimate) {
      drawClimate(box.current, device, climate, start).then((drawn) => {
        if (cancelled) return drawn.chart.destroy();
        chart = drawn.chart;
        setRange({ min: Infinity, max: -Infinity, resolution: drawn.resolution });
        setValues(drawn.values);
        setStatus(drawn.values.length ? 'ready' : 'empty');
      }, fail);
    } else if (isBool || (prop.choices && prop.format !== 'string')) {
      // On/off and modes: coloured bands named by their value.
      Promise.all([import('./timeline.js'), api.history(device.id, prop.service.key, prop.key, start)]).then(
        ([{ createTimeline }, history]) => {
          if (cancelled) return;
          const points = history.points.filter((p) => p.value !== null && p.value !== undefined);
          const xs = points.map((p) => p.at);
          const shown = points.map((p) => p.value);
          box.current.replaceChildren();
          chart = createTimeline(box.current, { xs, values: shown, start, levels, format: (v) => formatValue(prop, v) });
          setRange({ min: Infinity, max: -Infinity, resolution: history.resolution ?? 'raw' });
          setValues([...shown]);
          setStatus(shown.length ? 'ready' : 'empty');
          stop = onStateMessage((message) => {
            if (message.device !== device.id || `${message.siid}.${message.piid}` !== prop.id) return;
            chart.append(message.at, message.value);
            setValues([...shown]);
            setStatus('ready');
          });
        },
        fail,
      );
    } else {
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
      .catch(fail);
    }
    return () => {
      cancelled = true;
      stop();
      if (chart) chart.destroy();
    };
  }, [device.id, prop && prop.id, showClimate, period, theme]);

  if (!prop) return null;
  return (
    <section class="card history" aria-labelledby="history-title">
      <div class="section-head">
        <h2 id="history-title">{t('History')}</h2>
        <div class="segmented" role="group" aria-label={t('Period')}>
          {PERIODS.map(([text, seconds]) => (
            <button
              key={seconds}
              type="button"
              aria-pressed={period === seconds ? 'true' : 'false'}
              onClick={() => setPeriod(seconds)}
            >
              {t(text)}
            </button>
          ))}
        </div>
      </div>
      {props.length + (climate ? 1 : 0) > 1 && (
        <div class="chip-row" role="group" aria-label={t('Property')}>
          {climate && (
            <button
              type="button"
              class="chip"
              aria-pressed={showClimate ? 'true' : 'false'}
              onClick={() => setSelected(CLIMATE.id)}
            >
              {t(CLIMATE.label)}
            </button>
          )}
          {props.map((p) => (
            <button
              key={p.id}
              type="button"
              class="chip"
              aria-pressed={!showClimate && p.id === prop.id ? 'true' : 'false'}
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
        aria-label={t('{what} over the last {period}', {
          what: showClimate ? t(CLIMATE.label) : label(prop),
          period: t(PERIODS.find((p) => p[1] === period)[0]),
        })}
        data-kind={showClimate ? 'climate' : prop.format === 'bool' || prop.choices ? 'timeline' : 'line'}
        data-points={values.length}
        data-resolution={range.resolution}
        data-status={status}
      />
      {status === 'loading' && <Spinner label={t('Loading history…')} />}
      {status === 'empty' && <p class="empty">{t('No values recorded in this period yet.')}</p>}
      {status.startsWith('error') && (
        <p class="command-error" role="alert">
          {status.slice(7)}
        </p>
      )}
      {showClimate && (
        <p class="climate-key muted">
          <span class="key-temperature">{t('Temperature')}</span> <span class="key-target">{t('Target')}</span>{' '}
          {climate.status && <span class="key-heating">{t('Heating')}</span>}
        </p>
      )}
      <Stats prop={prop} values={values} range={range} resolution={range.resolution} />
    </section>
  );
}
