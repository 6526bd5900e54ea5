import { formatCount } from '../format';
import { useT } from '../i18n';
import { useSession } from '../store/session';

/** Always visible after login: kontör balance (with a warning under the user's level) and where documents come from. */
export function StatusBar() {
  const t = useT();
  const session = useSession((s) => s.session);
  const kontor = useSession((s) => s.kontor);
  const threshold = useSession((s) => s.kontorThreshold);
  if (!session) return null;
  const { target } = session;
  const low = kontor !== undefined && threshold !== undefined && threshold > 0 && kontor < threshold;
  return (
    <footer className="status-bar" role="status" aria-label="durum çubuğu">
      <span data-testid="kontor" className={low ? 'kontor-low' : undefined}>
        {t('bar.kontor')}: <b>{kontor === undefined ? '—' : formatCount(kontor)}</b>
        {low ? (
          <b className="kontor-warning" data-testid="kontor-warning">
            {' '}⚠ {t('bar.kontorLow')} (&lt; {formatCount(threshold)})
          </b>
        ) : null}
      </span>
      {session.companyName ? (
        <span data-testid="bar-company">
          {t('bar.company')}: <b>{session.companyName}</b>
        </span>
      ) : null}
      <span data-testid="bar-program">
        {t('bar.program')}: <b>{session.connectorTitle}</b>
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
      {target.fiscalYear ? (
        <span data-testid="bar-year">
          {t('login.fiscalYear')}: <b>{target.fiscalYear}</b>
        </span>
      ) : null}
      <span>
        {t('bar.user')}: <b>{session.staff ? `${session.staffUser} → ${session.user}` : session.user}</b>
      </span>
    </footer>
  );
}
