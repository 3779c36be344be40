import { Link } from '../router.jsx';
import { t } from '../i18n.js';

const HEADINGS = { page: 'No such page', room: 'No such room', device: 'No such device' };

export function NotFound({ what = 'page' }) {
  return (
    <div class="empty-state">
      <h1 tabIndex={-1}>{t(HEADINGS[what])}</h1>
      <p>{t('It may have been removed or renamed.')}</p>
      <Link href="/" class="primary-button">
        {t('Back home')}
      </Link>
    </div>
  );
}
