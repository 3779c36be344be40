// On/off and modes over time as coloured bands, each named by its value (loaded with the
// history panel's chart, on demand). Plain elements, not a canvas: the state names are text.
import { clock, date, day } from '../format.js';
import './timeline.css';

/** Band colours: on/off by the theme's accent and a muted grey; a mode's choices in turn. */
const PALETTE = ['var(--accent)', '#f59e0b', '#10b981', '#8b5cf6', '#ef4444', '#06b6d4', '#ec4899', '#84cc16'];

function colourOf(value, levels) {
  if (value === false) return 'var(--band-off, rgba(128,128,128,.35))';
  if (value === true) return 'var(--accent)';
  const i = levels ? levels.indexOf(value) : -1;
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
}

/** Bands of `values` at times `xs` (epoch seconds) from `start` to now in `el`, named with
 * `format`; `levels`: the values a mode can have (for its colours). */
export function createTimeline(el, { xs, values, start, format, levels = null }) {
  const box = document.createElement('div');
  box.className = 'timeline';
  const track = document.createElement('div');
  track.className = 'timeline-track';
  const axis = document.createElement('div');
  axis.className = 'timeline-axis';
  axis.setAttribute('aria-hidden', 'true');
  box.append(track, axis);
  el.append(box);

  const draw = () => {
    const now = Date.now() / 1000;
    const from = Math.min(start, xs[0] ?? start);
    const span = Math.max(1, now - from);
    const bands = [];
    for (let i = 0; i < xs.length; i++) {
      const end = i + 1 < xs.length ? xs[i + 1] : now;
      const last = bands[bands.length - 1];
      if (last && last.value === values[i]) last.end = end;
      else bands.push({ value: values[i], start: Math.max(from, xs[i]), end });
    }
    track.replaceChildren(
      ...bands.map((b) => {
        const band = document.createElement('span');
        band.className = 'band';
        band.dataset.value = String(b.value);
        band.style.left = `${(100 * (b.start - from)) / span}%`;
        band.style.width = `${(100 * Math.max(0, b.end - b.start)) / span}%`;
        band.style.background = colourOf(b.value, levels);
        const name = format(b.value);
        band.textContent = name;
        band.title = `${name} · ${day(b.start)} – ${day(b.end)}`;
        return band;
      }),
    );
    const long = span > 86_400 * 1.5;
    axis.replaceChildren(
      ...[0, 0.25, 0.5, 0.75, 1].map((f) => {
        const tick = document.createElement('span');
        tick.style.left = `${100 * f}%`;
        tick.textContent = (long ? date : clock)(from + f * span);
        return tick;
      }),
    );
  };
  draw();
  const timer = setInterval(draw, 60_000);
  return {
    append(at, value) {
      xs.push(at);
      values.push(value);
      draw();
    },
    destroy() {
      clearInterval(timer);
      box.remove();
    },
  };
}
