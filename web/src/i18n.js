// The dashboard's words in the reader's language. A small hand-written t(), not a library:
// package.json has none, and i18next or similar would take a third of the first page's 30 kB
// budget. The English text is the key (as gettext's msgid), so English needs no table at
// run time; `locales/en.json` lists every key (the tests check the other tables against it),
// and the German and Chinese tables load, each in its own chunk, only when chosen.
//   t('Brightness')                     → "Helligkeit"
//   t('Hub offline since {time}', {time}) → placeholders in braces
//   t('state|Open')                     → a context before "|" tells two meanings of one word
//   tn(n, '{n} light on', '{n} lights on') → plural by Intl.PluralRules; {n} as a number
// Add a language: copy locales/de.json, translate every value, add it to LANGUAGES and TABLES.

export const LANGUAGES = { en: 'English', de: 'Deutsch', 'zh-cn': '简体中文' };
const TABLES = {
  de: () => import('./locales/de.json'),
  'zh-cn': () => import('./locales/zh-cn.json'),
};
const KEY = 'homeweave.language';

let language = 'en';
let table = {};
const listeners = new Set();

/** The language to start in: the one chosen here before, else the browser's first we have. */
export function preferred() {
  const chosen = localStorage.getItem(KEY);
  if (chosen && LANGUAGES[chosen]) return chosen;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const lower = String(tag).toLowerCase();
    if (LANGUAGES[lower]) return lower;
    if (lower.startsWith('zh')) return /hant|tw|hk|mo/.test(lower) ? 'en' : 'zh-cn';
    const base = lower.split('-')[0];
    if (LANGUAGES[base]) return base;
  }
  return 'en';
}

export const currentLanguage = () => language;

/** The BCP 47 locale for Intl: the browser's own tag when it is this language (en-GB stays
 * en-GB), else the language's. */
export function locale() {
  const wanted = language === 'zh-cn' ? 'zh' : language;
  const own = (navigator.languages ?? []).find((tag) => tag.toLowerCase().split('-')[0] === wanted);
  if (own && !(wanted === 'zh' && /hant|tw|hk|mo/i.test(own))) return own;
  return language === 'zh-cn' ? 'zh-CN' : language;
}

/** Switch to `lang` (loading its table), remember it and re-render. */
export async function setLanguage(lang, remember = true) {
  table = TABLES[lang] ? (await TABLES[lang]()).default : {};
  language = lang;
  if (remember) localStorage.setItem(KEY, lang);
  document.documentElement.lang = locale();
  for (const listener of listeners) listener(lang);
}

export function onLanguage(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const fill = (text, vars) => (vars ? text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? vars[name] : m)) : text);

/** `key` in the chosen language, with `vars` put in; the English (after any "context|") when
 * the table lacks it. */
export function t(key, vars) {
  const text = table[key] ?? key.slice(key.indexOf('|') + 1);
  return fill(text, vars);
}

let plurals = null;
let numbers = null;

/** A number as the chosen locale writes it. */
export function number(value, options) {
  if (options) return new Intl.NumberFormat(locale(), options).format(value);
  if (!numbers || numbers.language !== language) numbers = { language, format: new Intl.NumberFormat(locale()) };
  return numbers.format.format(value);
}

/** `one` or `other` (English; the key is `other`) as the chosen language's plural rules pick
 * for `n`, with {n} the number. */
export function tn(n, one, other, vars) {
  if (!plurals || plurals.language !== language) plurals = { language, rules: new Intl.PluralRules(locale()) };
  const category = plurals.rules.select(n);
  const forms = table[other];
  const text = forms ? forms[category] ?? forms.other : category === 'one' ? one : other;
  return fill(text, { n: number(n), ...vars });
}

/** A label inside a sentence: lower case in English ("Raise brightness"); German nouns and
 * Chinese keep theirs. */
export const inSentence = (text) => (language === 'en' ? text.toLowerCase() : text);

/** `t(key)` as pieces with elements put in: t('{file} in the data folder') with
 * `{ file: <code>admin-token</code> }`, for JSX. */
export const pieces = (key, vars) =>
  t(key).split(/(\{\w+\})/).map((part) => (/^\{\w+\}$/.test(part) ? vars[part.slice(1, -1)] : part));
