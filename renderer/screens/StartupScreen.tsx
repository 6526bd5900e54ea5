import type { StartupStatus } from '../../core/api';
import { ErrorMessage } from '../components/ErrorMessage';
import { useT } from '../i18n';

/** While Konnektör starts (GİB's rules compile once per release): each step, done or running, with its seconds. */
export function StartupScreen({ status }: { status: StartupStatus | undefined }) {
  const t = useT();
  return (
    <main className="login startup" aria-label={t('startup.title')} data-testid="startup">
      <h1>{t('app.title')}</h1>
      <p className="loading" role="status">
        <span className="spinner" aria-hidden="true" /> {t('startup.title')}… {status ? `${Math.round(status.elapsedMs / 1000)} sn` : ''}
      </p>
      <ul className="startup-steps">
        {(status?.steps ?? []).map((s) => (
          <li key={s.id} data-step={s.id} data-state={s.state}>
            {s.state === 'done' ? '✓' : '…'} {s.text}
            {s.ms !== undefined && s.ms >= 1000 ? ` (${Math.round(s.ms / 1000)} sn)` : ''}
          </li>
        ))}
      </ul>
      <p className="hint">{t('startup.wait')}</p>
      <ErrorMessage error={status?.error} />
    </main>
  );
}
