import { useState } from 'preact/hooks';
import { api } from '../api.js';

/** Speak the answer back where the browser can (Web Speech API); silently not elsewhere. */
function speak(text, language) {
  if (!text || typeof window === 'undefined' || !('speechSynthesis' in window)) return;
  try {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = language;
    window.speechSynthesis.speak(utterance);
  } catch {
    // No voice for the language: the answer is still shown.
  }
}

/** Talk to the home: a sentence in (POST /api/conversation), the answer shown and spoken. */
export function Talk() {
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    const sentence = text.trim();
    if (!sentence || busy) return;
    setBusy(true);
    try {
      const result = await api.say(sentence);
      const reply = result.speech || (result.intent ? 'Done' : 'Sorry, I did not understand');
      setAnswer(reply);
      speak(reply, result.language);
      if (result.intent) setText('');
    } catch (err) {
      setAnswer(err.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="talk" onSubmit={submit} role="search" aria-label="Talk to the home">
      <input
        type="text"
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        placeholder="Turn off the lights in the kitchen"
        aria-label="Say something to the home"
        maxLength={1000}
      />
      <button type="submit" class="primary-button" disabled={busy}>
        Say
      </button>
      <p class="talk-answer" role="status" aria-live="polite">
        {answer}
      </p>
    </form>
  );
}
