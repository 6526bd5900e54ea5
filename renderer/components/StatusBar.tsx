import { useT } from '../i18n';
import { useSession } from '../store/session';

/** Always visible after login: kontör balance and where the documents come from. */
export function StatusBar() {
  const t = useT();
  const session = useSession((s) => s.session);
  const kontor = useSession((s) => s.kontor);
  if (!session) return null;
  const { target } = session;
  return (
    <footer className="status-bar" role="status" aria-label="durum çubuğu">
      <span data-testid="kontor">
        {t('bar.kontor')}: <b>{kontor ?? '—'}</b>
      </span>
      <span data-testid="bar-database">
        {t('bar.database')}: <b>{target.database ?? '—'}</b>
      </span>
      {target.firm ? (
        <span data-testid="bar-firm">
          {t('bar.firm')}: <b>{target.firm}</b>
        </span>
      ) : null}
      {target.period ? (
        <span data-testid="bar-period">
          {t('bar.period')}: <b>{target.period}</b>
        </span>
      ) : null}
      <span>
        {t('bar.user')}: <b>{session.staff ? `${session.staffUser} → ${session.user}` : session.user}</b>
      </span>
      <span className="bar-program">{target.connector}</span>
    </footer>
  );
}
