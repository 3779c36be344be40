import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Icon } from '../icons.jsx';
import { play, speak } from '../speak.js';
import { currentLanguage, t } from '../i18n.js';

const LONGEST_MS = 8000; // a sentence, not a dictation: recording stops by itself after this

/** Talk to the home: a sentence typed (POST /api/conversation) or spoken into the microphone
 * (POST /api/conversation/audio, when the hub has speech-to-text); the answer shown and spoken. */
export function Talk() {
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState('');
  const [busy, setBusy] = useState(false);
  const [canHear, setCanHear] = useState(false);
  const [listening, setListening] = useState(false);
  const [languages, setLanguages] = useState([]);
  const stopRef = useRef(null);
  // Sentences in the dashboard's language when the home speaks it, else in the home's first.
  const language = languages.includes(currentLanguage()) ? currentLanguage() : undefined;

  useEffect(() => {
    api
      .voice()
      .then((voice) => {
        setLanguages(voice?.languages ?? []);
        setCanHear(Boolean(voice?.stt && navigator.mediaDevices?.getUserMedia));
      })
      .catch(() => setCanHear(false));
  }, []);

  function reply(result, heard) {
    const words = result.speech || (result.intent ? t('Done') : t('Sorry, I did not understand'));
    setAnswer(heard ? `“${heard}” — ${words}` : words);
    if (!(result.audio && play(result.audio))) speak(words, result.language);
  }

  async function submit(event) {
    event.preventDefault();
    const sentence = text.trim();
    if (!sentence || busy) return;
    setBusy(true);
    try {
      const result = await api.say(sentence, language);
      reply(result);
      if (result.intent) setText('');
    } catch (err) {
      setAnswer(err.message);
    } finally {
      setBusy(false);
    }
  }

  async function finish() {
    const stop = stopRef.current;
    if (!stop) return;
    stopRef.current = null;
    setListening(false);
    setBusy(true);
    try {
      const result = await api.hear(await stop());
      reply(result, result.text);
    } catch (err) {
      setAnswer(err.message);
    } finally {
      setBusy(false);
    }
  }

  async function listen() {
    if (stopRef.current) return finish();
    try {
      const { record } = await import('../record.js');
      stopRef.current = await record();
    } catch (err) {
      setAnswer(t('The microphone cannot be used: {why}', { why: err.message || err.name }));
      return undefined;
    }
    setListening(true);
    setAnswer(t('Listening…'));
    setTimeout(() => finish(), LONGEST_MS);
    return undefined;
  }

  return (
    <form class="talk" onSubmit={submit} role="search" aria-label={t('Talk to the home')}>
      <input
        type="text"
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        placeholder={t('Turn off the lights in the kitchen')}
        aria-label={t('Say something to the home')}
        maxLength={1000}
      />
      {canHear && (
        <button
          type="button"
          class={`icon-button talk-mic ${listening ? 'is-listening' : ''}`}
          aria-label={listening ? t('Stop listening') : t('Speak to the home')}
          aria-pressed={listening}
          disabled={busy && !listening}
          onClick={listen}
        >
          <Icon name="mic" size={18} />
        </button>
      )}
      <button type="submit" class="primary-button" disabled={busy}>
        {t('Say')}
      </button>
      <p class="talk-answer" role="status" aria-live="polite">
        {answer}
      </p>
    </form>
  );
}
