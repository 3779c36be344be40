// Speaking to people: the browser's own voice (Web Speech API) where it has one; silently
// nothing elsewhere — what is said is always shown too.

/** Speak `text` in `language` (a BCP 47 tag such as "de" or "zh-CN"). */
export function speak(text, language) {
  if (!text || typeof window === 'undefined' || !('speechSynthesis' in window)) return;
  try {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = language;
    window.speechSynthesis.speak(utterance);
  } catch {
    // No voice for the language: the words are still shown.
  }
}

/** Play a base64 WAV answer (from the hub's text-to-speech); false if the browser cannot. */
export function play(base64Wav) {
  try {
    const audio = new Audio(`data:audio/wav;base64,${base64Wav}`);
    audio.play().catch(() => {});
    return true;
  } catch {
    return false;
  }
}
