// Line icons drawn for homeweave on a 24-unit grid (stroke = currentColor).
import { t } from './i18n.js';
const circle = (cx, cy, r) => `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;

const PATHS = {
  bulb: 'M9 18h6M10 21h4M12 3a6 6 0 0 0-3.6 10.8c.7.6 1.1 1.3 1.1 2.2v.5h5V16c0-.9.4-1.6 1.1-2.2A6 6 0 0 0 12 3z',
  plug: 'M9 3v4M15 3v4M6 7h12v3a6 6 0 0 1-12 0zM12 16v5',
  thermometer: `M14 13.5V5a2 2 0 0 0-4 0v8.5a4 4 0 1 0 4 0zM12 9v7`,
  thermostat: `${circle(12, 12, 9)}M12 12l4-3M7.5 15.5h.01M6.5 11h.01M8.5 7.5h.01M12 6h.01`,
  door: 'M4 21h16M6 21V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v17M14.5 12.5h.01',
  motion: `M12 12h.01M8.8 8.8a4.5 4.5 0 0 0 0 6.4M15.2 8.8a4.5 4.5 0 0 1 0 6.4M5.6 5.6a9 9 0 0 0 0 12.8M18.4 5.6a9 9 0 0 1 0 12.8`,
  vacuum: `${circle(12, 12, 9)}${circle(12, 12, 3)}M12 3v3M5 16.5l2-1M19 16.5l-2-1`,
  speaker: `M7 3h10a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z${circle(12, 14, 3.5)}M12 7h.01`,
  blinds: 'M3 3h18M5 3v12M19 3v12M5 7h14M5 11h14M5 15h14M12 15v3',
  charger: 'M6 3h12a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM13 6.5 9 12.5h4l-1 5 4-6h-4z',
  device: 'M7 4h10a3 3 0 0 1 3 3v10a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3V7a3 3 0 0 1 3-3z',
  home: 'M3 11 12 4l9 7M5.5 9.5V20h4.5v-6h4v6h4.5V9.5',
  rooms: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z',
  automations: `M4 6h9M4 12h6M4 18h9M17 3l3 3-3 3M17 15l3 3-3 3`,
  sun: `${circle(12, 12, 4)}M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4`,
  moon: 'M20 14.5A8.5 8.5 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5z',
  logout: 'M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 16l-4-4 4-4M6 12h10',
  play: 'M8 5.5v13l10.5-6.5z',
  pause: 'M8.5 5v14M15.5 5v14',
  stop: 'M7 7h10v10H7z',
  dock: 'M3 12 12 5l9 7M6 10.5V19h12v-8.5M10 19v-4h4v4',
  previous: 'M6 5v14M18 5 9 12l9 7z',
  next: 'M18 5v14M6 5l9 7-9 7z',
  power: 'M12 3v8M6.6 6.6a7.5 7.5 0 1 0 10.8 0',
  volume: 'M4 9h3.5L12 5v14l-4.5-4H4zM15.5 9a4 4 0 0 1 0 6M18.5 6.5a7.5 7.5 0 0 1 0 11',
  muted: 'M4 9h3.5L12 5v14l-4.5-4H4zM16 9.5l5 5M21 9.5l-5 5',
  battery: 'M5 7h12a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2zM21 10.5v3',
  chevron: 'M9 6l6 6-6 6',
  back: 'M15 6l-6 6 6 6',
  plus: 'M12 5v14M5 12h14',
  minus: 'M5 12h14',
  alert: 'M12 9v4M12 17h.01M10.3 4.2 2.6 17.5A2 2 0 0 0 4.3 20.5h15.4a2 2 0 0 0 1.7-3L13.7 4.2a2 2 0 0 0-3.4 0z',
  close: 'M6 6l12 12M18 6 6 18',
  chart: 'M4 4v16h16M7 15l4-5 3 3 5-7',
  offline: 'M3 3l18 18M8.5 16.5a5 5 0 0 1 7 0M5 12.9a10 10 0 0 1 4.3-2.4M12 20h.01M19 12.9a10 10 0 0 0-2.2-1.6M2 8.8a15 15 0 0 1 4.2-2.7M22 8.8A15 15 0 0 0 10.7 5',
  key: `${circle(8, 15, 4)}M11 12l9-9M16 7l3 3M18 5l2 2`,
  clock: `${circle(12, 12, 9)}M12 7v5l3 2`,
  globe: `${circle(12, 12, 9)}M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18`,
  mic: 'M9 5a3 3 0 0 1 6 0v6a3 3 0 0 1-6 0zM5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M9 21h6',
  bell: 'M6 16v-5a6 6 0 0 1 12 0v5l1.5 2h-15zM10 20.5a2 2 0 0 0 4 0',
  flask: 'M9 3h6M10 3v6l-5.5 9.5A1.5 1.5 0 0 0 5.8 21h12.4a1.5 1.5 0 0 0 1.3-2.5L14 9V3M7 15h10',
  pencil: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  copy: 'M9 9h10a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H9a1 1 0 0 1-1-1V10a1 1 0 0 1 1-1zM5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1',
  download: 'M12 4v11M7 10.5l5 5 5-5M5 20h14',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6',
  check: 'M5 12.5l4.5 4.5L19 7',
  scene: 'M12 3l1.8 4.7 4.7 1.8-4.7 1.8L12 16l-1.8-4.7-4.7-1.8 4.7-1.8zM18.5 15l.9 2.1 2.1.9-2.1.9-.9 2.1-.9-2.1-2.1-.9 2.1-.9z',
  bolt: 'M13 3 5 13.5h6L10 21l8-10.5h-6z',
  filter: 'M4 5h16l-6 7.5V19l-4 2v-8.5z',
  code: 'M8 7l-5 5 5 5M16 7l5 5-5 5',
  camera: `M4 8h3l2-3h6l2 3h3v11H4z${circle(12, 13, 3.5)}`,
  purifier: 'M7 3h10a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM8 7h8M8 10h8M9 15c1-1.5 2-1.5 3 0s2 1.5 3 0',
  air: 'M3 8h11a3 3 0 1 0-3-3M3 12h16a3 3 0 1 1-3 3M3 16h7',
  leak: 'M12 3s6 6.5 6 11a6 6 0 0 1-12 0c0-4.5 6-11 6-11zM9.5 15a2.5 2.5 0 0 0 2.5 2.5',
  vibration: 'M8 4h8v16H8zM4 8v8M20 8v8M1.5 10v4M22.5 10v4',
  remote: `M8 2h8a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2z${circle(12, 8, 2.5)}M10 15h4M10 18h4`,
  fan: `${circle(12, 12, 1.5)}M12 10.5C11 6 12 3 15 3.5s2 4.5-1.5 7.5M13.5 12.5c4.3 1.5 6.3 4 4.4 6.3s-5.6.2-6.7-4.3M10.5 12.5C7 15.5 3.8 15.9 3.2 13s2.7-4.7 7.1-2.5`,
  locked: 'M6 11h12v10H6zM8.5 11V7.5a3.5 3.5 0 0 1 7 0V11M12 15v2',
  unlocked: 'M6 11h12v10H6zM8.5 11V7.5a3.5 3.5 0 0 1 6.8-1.2M12 15v2',
  swing: 'M4 14a8 8 0 0 1 16 0M4 14l-1-3M4 14l3-1M20 14l1-3M20 14l-3-1M12 14v6',
  humidifier: 'M7 10h10v10a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1zM12 2.5s3 3.2 3 5a3 3 0 0 1-6 0c0-1.8 3-5 3-5zM10 15h4',
  snow: 'M12 2v20M3.3 7l17.4 10M20.7 7 3.3 17M9 4l3 2 3-2M9 20l3-2 3 2',
  more: `${circle(5, 12, 1)}${circle(12, 12, 1)}${circle(19, 12, 1)}`,
  hub: `${circle(12, 12, 3)}M5.6 5.6a9 9 0 0 0 0 12.8M18.4 5.6a9 9 0 0 1 0 12.8M8.5 8.5a5 5 0 0 0 0 7M15.5 8.5a5 5 0 0 1 0 7`,
};

export function Icon({ name, size = 24, class: extra = '', ...rest }) {
  const filled = name === 'play' || name === 'previous' || name === 'next';
  return (
    <svg
      class={`icon ${extra}`}
      viewBox="0 0 24 24"
      width={size}
      height={size}
      aria-hidden="true"
      focusable="false"
      fill={filled ? 'currentColor' : 'none'}
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
      {...rest}
    >
      <path d={PATHS[name] ?? PATHS.device} />
    </svg>
  );
}

export function Spinner({ label = t('Working…') }) {
  return (
    <span class="spinner" role="status" aria-label={label} />
  );
}
