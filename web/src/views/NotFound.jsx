import { Link } from '../router.jsx';

export function NotFound({ what = 'page' }) {
  return (
    <div class="empty-state">
      <h1 tabIndex={-1}>No such {what}</h1>
      <p>It may have been removed or renamed.</p>
      <Link href="/" class="primary-button">
        Back home
      </Link>
    </div>
  );
}
