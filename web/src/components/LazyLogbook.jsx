// Where a page shows a logbook: loads the logbook's chunk (web/src/logbook/) on first use.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.js';

let loaded = null;

export function LazyLogbook(props) {
  const [chunk, setChunk] = useState(loaded);
  const [error, setError] = useState('');
  useEffect(() => {
    if (chunk) return;
    import('../logbook/index.jsx').then(
      (found) => {
        loaded = found;
        setChunk(found);
      },
      () => setError(t('The logbook could not be loaded. Reload the page.')),
    );
  }, []);
  if (error) return <p class="banner warn" role="alert">{error}</p>;
  return chunk ? <chunk.Logbook {...props} /> : null;
}
