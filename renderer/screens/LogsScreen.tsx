import { useEffect, useState } from 'react';
import { errorText, invoke, type Output } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDateTime } from '../format';
import { useT } from '../i18n';
import { useSession } from '../store/session';

/** Diagnostics for a staff session: the audit log and the tail of today's log file (secrets already redacted). */
export function LogsScreen() {
  const t = useT();
  const session = useSession((s) => s.session)!;
  const [audit, setAudit] = useState<Output<'diagnostics.audit'>>([]);
  const [logs, setLogs] = useState<Output<'diagnostics.logs'>>({ lines: [] });
  const [error, setError] = useState<{ code: string; message: string }>();

  useEffect(() => {
    Promise.all([invoke('diagnostics.audit', { sessionId: session.id, limit: 200 }), invoke('diagnostics.logs', { sessionId: session.id, lines: 300 })]).then(
      ([a, l]) => (setAudit(a), setLogs(l)),
      (e: unknown) => setError(errorText(e)),
    );
  }, [session.id]);

  return (
    <section className="logs" aria-label={t('logs.title')}>
      <h2>{t('logs.title')}</h2>
      <ErrorMessage error={error} />
      <h3>{t('logs.audit')}</h3>
      <table className="audit" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('logs.at')}</th>
            <th>{t('logs.actor')}</th>
            <th>{t('logs.action')}</th>
            <th>{t('logs.outcome')}</th>
          </tr>
        </thead>
        <tbody>
          {audit.map((a) => (
            <tr key={a.id} data-actor={a.actor} data-staff={a.staff}>
              <td>
                <time dateTime={a.at}>{formatDateTime(a.at, { seconds: true })}</time>
              </td>
              <td>
                {a.actor}
                {a.staff ? ' ★' : ''}
              </td>
              <td>{a.action}</td>
              <td>{a.outcome}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>
        {t('logs.file')}: {logs.file ?? '—'}
      </h3>
      <pre className="log-lines">{logs.lines.join('\n')}</pre>
    </section>
  );
}
