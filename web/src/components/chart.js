// The history chart and the energy page's bars (loaded on demand: uPlot is most of the
// dashboard's JavaScript).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { clock, date, day, fixed, homeZone } from '../format.js';
import './timeline.css';

const HEIGHT = 220;
const MIN_SPAN = 600;

/** Time ticks in the home's zone, 24-hour; dates once ticks are a day or more apart. */
const timeTicks = (_u, ticks, _axis, _space, incr) => ticks.map((t) => (incr >= 86_400 ? date(t) : clock(t)));

/** Tick labels with as many decimals as the tick spacing needs. */
function tickFormat(unitFormat) {
  return (_u, ticks) => {
    const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
    const digits = Math.min(3, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
    return ticks.map((v) =>
      unitFormat(fixed(v, digits)),
    );
  };
}

/** The theme's colours, the axis style and a readout for the value under the cursor. */
function frame(el) {
  const css = getComputedStyle(el);
  const color = css.getPropertyValue('--accent').trim() || '#2f6df6';
  const grid = css.getPropertyValue('--grid').trim() || 'rgba(128,128,128,.2)';
  const text = css.getPropertyValue('--muted').trim() || '#888';
  const readout = document.createElement('div');
  readout.className = 'chart-readout';
  readout.setAttribute('aria-hidden', 'true');
  el.append(readout);
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return { color, axis, readout };
}

const INTEGER_INCRS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000];

/** A line chart of (epoch seconds, value) points in `el`, drawn to "now" with the last value;
 * the value under the cursor shows in a readout. A `stepped` chart holds each value until the
 * next (settings, counts, on/off, modes: nothing happens between two values); `levels` are the
 * only values such a chart can have (on/off, a mode's choices), labelled with `format`. */
export function createChart(el, { xs, ys, format, unitFormat, integer = false, bounds = null, stepped = false, levels = null }) {
  const zone = homeZone(); // ticks fall on the home's hours and midnights
  const { color, axis, readout } = frame(el);
  const toNow = () => {
    const now = Date.now() / 1000;
    if (xs.length === 0 || xs[xs.length - 1] >= now) return [xs, ys];
    return [
      [...xs, now],
      [...ys, ys[ys.length - 1]],
    ];
  };
  const plot = new uPlot(
    {
      ...(zone ? { tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), zone) } : {}),
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { size: 8 } },
      scales: {
        x: { time: true, range: (_u, min, max) => [Math.min(min, max - MIN_SPAN), max] },
        y: {
          range: (_u, min, max) => {
            if (levels) [min, max] = [Math.min(min, levels[0]), Math.max(max, levels[levels.length - 1])];
            const pad = max > min ? (max - min) * 0.15 : Math.max(1, Math.abs(max) * 0.05);
            let [low, high] = [min - pad, max + pad];
            if (bounds) [low, high] = [Math.max(low, bounds[0]), Math.min(high, bounds[1])];
            return high > low ? [low, high] : [min - 1, max + 1];
          },
        },
      },
      axes: [
        { ...axis, values: timeTicks },
        {
          ...axis,
          size: levels ? 90 : 64,
          ...(levels
            ? { splits: () => levels, values: (_u, ticks) => ticks.map(format) }
            : { values: tickFormat(unitFormat), ...(integer ? { incrs: INTEGER_INCRS } : {}) }),
        },
      ],
      series: [
        {},
        {
          stroke: color,
          width: 2,
          fill: `${color}26`,
          points: { show: xs.length < 50, size: 5 },
          ...(stepped ? { paths: uPlot.paths.stepped({ align: 1 }) } : {}),
        },
      ],
      hooks: {
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            const [times, values] = u.data;
            readout.textContent =
              i == null || values[i] == null ? '' : `${format(values[i])} · ${day(times[i])}`;
          },
        ],
      },
    },
    toNow(),
    el,
  );
  const resize = new ResizeObserver(() =>
    plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }),
  );
  resize.observe(el);
  return {
    append(at, value) {
      xs.push(at);
      ys.push(value);
      plot.setData(toNow());
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
      readout.remove();
    },
  };
}

/** Bars of `kwh` at bucket starts `xs` (epoch seconds) in `el`, ticks labelled by `label`; the
 * bar under the cursor is read out with `format`. Returns the chart's destroy. */
export function createBars(el, { xs, kwh, format, label, zone }) {
  const { color, axis, readout } = frame(el);
  const half = xs.length > 1 ? (xs[1] - xs[0]) / 2 : 43_200;
  const plot = new uPlot(
    {
      ...(zone ? { tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), zone) } : {}),
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      scales: {
        // Half a bucket either side, so the first and last bars are whole.
        x: { time: true, range: (_u, min, max) => [min - half, max + half] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
      },
      axes: [
        { ...axis, space: 64, values: (_u, ticks) => ticks.map(label) },
        { ...axis, size: 56, values: (_u, ticks) => ticks.map((v) => `${+v.toFixed(2)}`) },
      ],
      series: [
        {},
        {
          stroke: color,
          fill: `${color}b3`,
          width: 1,
          points: { show: false },
          paths: uPlot.paths.bars({ size: [0.7, 48], align: 0 }),
        },
      ],
      hooks: {
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            readout.textContent = i == null ? '' : `${format(u.data[1][i])} · ${label(u.data[0][i])}`;
          },
        ],
      },
    },
    [xs, kwh],
    el,
  );
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
  resize.observe(el);
  return () => {
    resize.disconnect();
    plot.destroy();
    readout.remove();
  };
}

/** Merge series of (xs, ys) onto one time axis (uPlot's shape); a series is null where it has
 * no point (the line spans the gap). */
function aligned(series) {
  const times = [...new Set(series.flatMap((s) => s.xs))].sort((a, b) => a - b);
  const now = Date.now() / 1000;
  if (times.length && times[times.length - 1] < now) times.push(now);
  return [
    times,
    ...series.map((s) => {
      const at = new Map(s.xs.map((x, i) => [x, s.ys[i]]));
      const ys = times.map((t) => (at.has(t) ? at.get(t) : null));
      if (s.ys.length) ys[ys.length - 1] = ys[ys.length - 1] ?? s.ys[s.ys.length - 1]; // to now
      return ys;
    }),
  ];
}

/** A thermostat's history, as Home Assistant draws it: the measured temperature, the target
 * as a step line and the stretches it was heating as a band behind them. `heating` holds
 * [from, to] pairs of epoch seconds. Returns {destroy}. */
export function createClimate(el, { temperature, target, heating, format }) {
  const zone = homeZone();
  const { color, axis, readout } = frame(el);
  const heat = getComputedStyle(el).getPropertyValue('--heat').trim() || '#f97316';
  const data = aligned([temperature, target]);
  const plot = new uPlot(
    {
      ...(zone ? { tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), zone) } : {}),
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { size: 7 } },
      scales: {
        x: { time: true, range: (_u, min, max) => [Math.min(min, max - MIN_SPAN), max] },
        y: { range: (_u, min, max) => [Math.floor(min - 1), Math.ceil(max + 1)] },
      },
      axes: [
        { ...axis, values: timeTicks },
        { ...axis, size: 64, values: (_u, ticks) => ticks.map(format) },
      ],
      series: [
        {},
        { label: 'Temperature', stroke: color, width: 2, spanGaps: true, points: { show: false } },
        {
          label: 'Target',
          stroke: heat,
          width: 2,
          dash: [6, 4],
          spanGaps: true,
          points: { show: false },
          paths: uPlot.paths.stepped({ align: 1 }),
        },
      ],
      hooks: {
        drawClear: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            ctx.fillStyle = `${heat}33`;
            for (const [from, to] of heating) {
              const left = u.valToPos(from, 'x', true);
              const right = u.valToPos(to, 'x', true);
              ctx.fillRect(left, bbox.top, Math.max(1, right - left), bbox.height);
            }
            ctx.restore();
          },
        ],
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            if (i == null) return void (readout.textContent = '');
            const [times, temps, targets] = u.data;
            const parts = [];
            if (temps[i] != null) parts.push(format(temps[i]));
            if (targets[i] != null) parts.push(`target ${format(targets[i])}`);
            readout.textContent = `${parts.join(' · ')} · ${day(times[i])}`;
          },
        ],
      },
    },
    data,
    el,
  );
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
  resize.observe(el);
  return {
    destroy() {
      resize.disconnect();
      plot.destroy();
      readout.remove();
    },
  };
}
