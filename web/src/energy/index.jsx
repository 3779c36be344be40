// The Energy page, its own chunk: kWh per day as bars and what each device (or room) used and
// cost, from GET /api/energy.
import './energy.css';

import { useEffect, useRef, useState } from 'preact/hooks';

import { api } from '../api.js';
import { zoned } from '../format.js';
import { number, t } from '../i18n.js';
import { Spinner } from '../icons.jsx';
import { state } from '../store.js';
import { useTheme } from '../theme.js';

const PERIODS = [
  ['period|7 d', '7d', 'day', 'the last 7 days'],
  ['period|30 d', '30d', 'day', 'the last 30 days'],
  ['period|12 mo', '365d', 'month', 'the last 12 months'],
];
const GROUPS = [
  ['device', 'Device'],
  ['room', 'Room'],
];

const kwhText = (kwh) => `${number(kwh, { maximumFractionDigits: kwh < 10 ? 2 : 1 })} kWh`;
const costText = (cost, currency) => (cost == null ? '' : number(cost, { style: 'currency', currency }));

function Segmented({ label, options, value, onChange }) {
  return (
    <div class="segmented" role="group" aria-label={label}>
      {options.map(([key, text]) => (
        <button key={key} type="button" aria-pressed={value === key ? 'true' : 'false'} onClick={() => onChange(key)}>
          {t(text)}
        </button>
      ))}
    </div>
  );
}

function Bars({ report, period }) {
  const box = useRef(null);
  const theme = useTheme();
  useEffect(() => {
    let destroy = null;
    let cancelled = false;
    const zone = report.time_zone;
    const at = (options) => (t) => zoned(options, undefined, zone).format(new Date(t * 1000));
    // uPlot comes with the history chart's module, loaded on demand (shared with device pages).
    import('../components/chart.js').then(({ createBars }) => {
      if (cancelled) return;
      box.current.replaceChildren();
      destroy = createBars(box.current, {
        xs: report.starts,
        kwh: report.buckets.map((b) => b.kwh),
        format: kwhText,
        label: at(report.bucket === 'month' ? { month: 'short', year: '2-digit' } : { month: 'short', day: 'numeric' }),
        zone,
      });
    });
    return () => {
      cancelled = true;
      if (destroy) destroy();
    };
  }, [report, theme]);
  return (
    <div
      class="chart"
      ref={box}
      role="img"
      aria-label={t(report.bucket === 'month' ? 'Energy per month over {period}' : 'Energy per day over {period}', { period: t(period[3]) })}
      data-bars={report.buckets.filter((b) => b.kwh > 0).length}
    />
  );
}

function Breakdown({ report }) {
  if (report.groups.length === 0) return <p class="empty">{t('Nothing metered in this period yet.')}</p>;
  const top = report.groups[0].total.kwh || 1;
  const rooms = new Map(state.homes.flatMap((h) => h.rooms.map((r) => [r.id, r.name])));
  const roomOf = (id) => rooms.get(state.devices.get(id)?.room);
  return (
    <ul class="list-card energy-list" aria-label={t(report.by === 'room' ? 'Energy by room' : 'Energy by device')}>
      {report.groups.map((g) => (
        <li key={g.id} class="list-row energy-row" data-group={g.id}>
          <span class="list-title">
            {g.name}
            {report.by === 'device' && roomOf(g.id) && <span class="eyebrow"> · {roomOf(g.id)}</span>}
          </span>
          <span>
            <b>{kwhText(g.total.kwh)}</b>
            {report.priced && <span class="eyebrow"> · {costText(g.total.cost, report.currency)}</span>}
          </span>
          <span class="energy-share" style={{ width: `${(100 * g.total.kwh) / top}%` }} aria-hidden="true" />
        </li>
      ))}
    </ul>
  );
}

export function EnergyPage() {
  const [periodKey, setPeriodKey] = useState('30d');
  const [by, setBy] = useState('device');
  const [report, setReport] = useState(null);
  const [error, setError] = useState('');
  const period = PERIODS.find((p) => p[1] === periodKey);

  useEffect(() => {
    let cancelled = false;
    setError('');
    api.energy(period[1], by, period[2]).then(
      (found) => !cancelled && setReport(found),
      (err) => !cancelled && setError(err.message),
    );
    return () => {
      cancelled = true;
    };
  }, [periodKey, by]);

  return (
    <>
      <header class="page-head">
        <h1 tabIndex={-1}>{t('Energy')}</h1>
      </header>
      {error && (
        <p class="banner warn" role="alert">
          {error}
        </p>
      )}
      {!report && !error && <Spinner label={t('Loading energy…')} />}
      {report && (
        <div class="detail-grid">
          <section class="card energy-days" aria-labelledby="energy-title">
            <div class="section-head">
              <h2 id="energy-title">{report.bucket === 'month' ? t('Per month') : t('Per day')}</h2>
              <Segmented
                label={t('Period')}
                options={PERIODS.map(([text, key]) => [key, text])}
                value={periodKey}
                onChange={setPeriodKey}
              />
            </div>
            <Bars report={report} period={period} />
            <dl class="stats">
              <div>
                <dt>{t('Total')}</dt>
                <dd>{kwhText(report.total.kwh)}</dd>
              </div>
              {report.priced && (
                <div>
                  <dt>{t('Cost')}</dt>
                  <dd>{costText(report.total.cost, report.currency)}</dd>
                </div>
              )}
            </dl>
          </section>
          <section class="card" aria-labelledby="breakdown-title">
            <div class="section-head">
              <h2 id="breakdown-title">{t(by === 'room' ? 'By room' : 'By device')}</h2>
              <Segmented label={t('Group by')} options={GROUPS} value={by} onChange={setBy} />
            </div>
            <Breakdown report={report} />
            {report.sample_days > 0 && (
              <p class="empty">
                {t('The demo filled the {n} days before it first started with made-up consumption; everything since is metered.', {
                  n: report.sample_days,
                })}
              </p>
            )}
          </section>
        </div>
      )}
    </>
  );
}
