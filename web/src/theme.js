// Light and dark: the system's choice until the user picks one with the toggle (kept in
// localStorage; index.html applies it before the first paint).
import { useEffect, useState } from 'preact/hooks';

const KEY = 'homeweave.theme';
const EVENT = 'homeweave-theme';
const dark = window.matchMedia('(prefers-color-scheme: dark)');

export const currentTheme = () =>
  document.documentElement.dataset.theme || (dark.matches ? 'dark' : 'light');

export function toggleTheme() {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.dataset.theme = next;
  window.dispatchEvent(new Event(EVENT));
}

export function useTheme() {
  const [theme, setTheme] = useState(currentTheme());
  useEffect(() => {
    const update = () => setTheme(currentTheme());
    dark.addEventListener('change', update);
    window.addEventListener(EVENT, update);
    return () => {
      dark.removeEventListener('change', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return theme;
}
