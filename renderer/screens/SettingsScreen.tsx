import { useEffect, useState } from 'react';
import { errorText, invoke, type Output } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { useT } from '../i18n';
import { useSession } from '../store/session';
import { DatabaseChangeEntry } from './yearend/DatabaseChange';

type Settings = Output<'settings.get'>;
type TestResult = Output<'settings.test'>;

/** "Bağlantı Ayarları": server, authentication and database of this module; test first, then GÜNCELLE. */
export function SettingsScreen() {
  const t = useT();
  const session = useSession((s) => s.session)!;
  const setSession = useSession((s) => s.setSession);
  const [settings, setSettings] = useState<Settings>();
  const [form, setForm] = useState({ connector: '', server: '', database: '', firm: '', period: '', fiscalYear: '', integrator: '' });
  const [error, setError] = useState<{ code: string; message: string }>();
  const [test, setTest] = useState<TestResult>();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    invoke('settings.get', { sessionId: session.id }).then(
      (s) => {
        setSettings(s);
        setForm({
          connector: s.target.connector,
          server: s.target.server,
          database: s.target.database ?? '',
          firm: s.target.firm ?? '',
          period: s.target.period ?? '',
          fiscalYear: s.target.fiscalYear !== undefined ? String(s.target.fiscalYear) : '',
          integrator: s.integrator,
        });
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [session.id]);

  const byYear = settings?.connector.shape === 'database-per-company';
  const target = {
    connector: form.connector,
    server: form.server,
    database: form.database,
    ...(byYear ? { fiscalYear: form.fiscalYear } : { firm: form.firm, period: form.period }),
  };
  const field = (name: keyof typeof form, label: string) => (
    <label>
      {label}
      <input name={name} value={form[name]} onChange={(e) => (setForm({ ...form, [name]: e.target.value }), setSaved(false), setTest(undefined))} />
    </label>
  );

  return (
    <section className="settings" aria-label={t('settings.title')}>
      <h2>
        {t('settings.title')} — {settings?.connector.title ?? ''}
      </h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(undefined);
          try {
            await invoke('settings.save', { sessionId: session.id, target, integrator: form.integrator });
            setSession(await invoke('session.get', { sessionId: session.id }));
            setSaved(true);
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        {field('server', t('login.server'))}
        {field('database', t('login.database'))}
        {byYear ? field('fiscalYear', t('login.fiscalYear')) : null}
        {settings?.connector.shape === 'firm-period' ? (
          <>
            {field('firm', t('login.firm'))}
            {field('period', t('login.period'))}
          </>
        ) : null}
        {field('integrator', t('settings.integratorUrl'))}
        <div className="buttons">
          <button
            type="button"
            onClick={async () => {
              setError(undefined);
              setTest(undefined);
              try {
                setTest(await invoke('settings.test', { sessionId: session.id, target, integrator: form.integrator }));
              } catch (err) {
                setError(errorText(err));
              }
            }}
          >
            {t('settings.test')}
          </button>
          <button type="submit" className="primary">
            {t('settings.save')}
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      {test ? (
        <div className="ok" role="status">
          {t('settings.testOk')}
          <ul>
            {test.checks.map((c) => (
              <li key={c.name}>
                {c.ok ? '✓' : '✗'} {c.name} {c.detail ?? ''}
              </li>
            ))}
            {(test.warnings ?? []).map((w) => (
              <li key={`${w.table}.${w.column}`} className="warning">
                ! {w.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {saved ? (
        <p className="ok" role="status">
          {t('settings.saved')}
        </p>
      ) : null}
      <DatabaseChangeEntry sessionId={session.id} />
    </section>
  );
}
