import { useEffect, useState, type FormEvent } from 'react';
import { errorText, invoke } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { PickerDialog, type Pick } from '../components/PickerDialog';
import { useLanguage, useT } from '../i18n';
import { useLogin } from '../store/login';
import { useSession } from '../store/session';

/** Asks the year-end check after a login; true when the wizard should open first. */
export async function yearEndNeeded(sessionId: string): Promise<boolean> {
  try {
    const check = await invoke('yearend.check', { sessionId });
    return check.items.some((i) => i.needed);
  } catch {
    // The documents screen must stay reachable even when the check itself fails.
    return false;
  }
}

export function LoginScreen() {
  const t = useT();
  const { lang, setLang } = useLanguage();
  const { form, defaults, set, applyDefaults, blurCode, useDemo } = useLogin();
  const loggedIn = useSession((s) => s.loggedIn);
  const setScreen = useSession((s) => s.setScreen);
  const notice = useSession((s) => s.notice);
  const [error, setError] = useState<{ code: string; message: string }>();
  const [busy, setBusy] = useState(false);
  const [picker, setPicker] = useState<'firm-period' | 'database'>();

  useEffect(() => {
    let live = true;
    invoke('session.defaults', { module: form.module }).then(
      (d) => live && applyDefaults(d),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [form.module, applyDefaults]);

  // A message answers the last attempt; once the user changes anything it no longer applies.
  useEffect(() => setError(undefined), [form]);

  const connector = defaults?.connectors.find((c) => c.id === form.connector);
  const shape = connector?.shape;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const result = await invoke('session.login', {
        module: form.module,
        user: form.user,
        password: form.password,
        staff: form.staff,
        ...(form.integrator ? { integrator: form.integrator } : {}),
        target: {
          connector: form.connector,
          server: form.server,
          database: form.database,
          ...(shape === 'database-per-company' ? { fiscalYear: form.fiscalYear } : { firm: form.firm, period: form.period }),
        },
      });
      set({ password: '' });
      loggedIn(result.session, result.kontor);
      if (await yearEndNeeded(result.session.id)) setScreen('yearend');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const onPick = (p: Pick) => {
    if (p.kind === 'firm-period') {
      set({
        firm: p.row.firm,
        period: p.row.period,
        ...(p.row.database ? { database: p.row.database } : {}),
        ...(p.row.fiscalYear !== undefined ? { fiscalYear: String(p.row.fiscalYear) } : {}),
      });
    } else {
      set({ database: p.row.name });
    }
    setPicker(undefined);
  };

  return (
    <main className="login">
      <header className="login-head">
        <h1>{t('app.title')}</h1>
        <button type="button" className="link" onClick={() => setLang(lang === 'tr' ? 'en' : 'tr')}>
          {t('lang.switch')}
        </button>
      </header>
      <form onSubmit={submit} aria-label={t('login.title')} noValidate>
        <fieldset className="modules">
          <legend>{t('login.module')}</legend>
          {(defaults?.modules ?? []).map(({ id, title }) => (
            <label key={id} className={form.module === id ? 'chosen' : ''}>
              <input type="radio" name="module" value={id} checked={form.module === id} onChange={() => set({ module: id })} />
              {title}
            </label>
          ))}
        </fieldset>

        <fieldset>
          <legend>{t('login.integrator')}</legend>
          <label>
            {t('login.user')}
            <input name="user" autoComplete="username" value={form.user} onChange={(e) => set({ user: e.target.value })} />
          </label>
          <label>
            {t('login.password')}
            <input name="password" type="password" autoComplete="current-password" value={form.password} onChange={(e) => set({ password: e.target.value })} />
          </label>
          <label className="inline">
            <input name="staff" type="checkbox" checked={form.staff} onChange={(e) => set({ staff: e.target.checked })} />
            {t('login.staff')}
          </label>
          {form.staff ? <p className="hint staff-hint">{t('login.staffHint')}</p> : null}
          {defaults?.demo && !form.staff ? (
            <p className="hint demo-hint">
              {t('login.demo')}: <b>{defaults.demo.user}</b> / <b>{defaults.demo.password}</b>{' '}
              <button type="button" className="link" onClick={useDemo}>
                {t('login.useDemo')}
              </button>
            </p>
          ) : null}
        </fieldset>

        <fieldset>
          <legend>{t('login.erp')}</legend>
          <label>
            {t('login.connector')}
            <select name="connector" value={form.connector} onChange={(e) => set({ connector: e.target.value })}>
              <option value="">—</option>
              {defaults?.connectors.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('login.server')}
            <input name="server" value={form.server} onChange={(e) => set({ server: e.target.value })} />
          </label>
          <label>
            {t('login.database')}
            <input name="database" value={form.database} onChange={(e) => set({ database: e.target.value })} />
          </label>
          {shape === 'database-per-company' ? (
            <div className="codes">
              <label>
                {t('login.fiscalYear')}
                <input name="fiscalYear" inputMode="numeric" maxLength={4} value={form.fiscalYear} onChange={(e) => set({ fiscalYear: e.target.value })} />
              </label>
            </div>
          ) : shape !== 'database-per-year' ? (
            <div className="codes">
              <label>
                {t('login.firm')}
                <input name="firm" inputMode="numeric" maxLength={8} value={form.firm} onChange={(e) => set({ firm: e.target.value })} onBlur={() => blurCode('firm')} />
              </label>
              <label>
                {t('login.period')}
                <input name="period" inputMode="numeric" maxLength={8} value={form.period} onChange={(e) => set({ period: e.target.value })} onBlur={() => blurCode('period')} />
              </label>
            </div>
          ) : null}
          <p className="hint">{shape === 'firm-period' ? t('login.optionalCodes') : null}</p>
          <div className="buttons">
            {shape === 'firm-period' || shape === 'database-per-company' ? (
              <button type="button" onClick={() => setPicker('firm-period')}>
                {t('login.searchFirmPeriod')}
              </button>
            ) : null}
            {shape === 'database-per-year' ? (
              <button type="button" onClick={() => setPicker('database')}>
                {t('login.searchDatabase')}
              </button>
            ) : null}
          </div>
        </fieldset>

        {notice ? <p className="notice">{notice}</p> : null}
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
      {picker ? (
        <PickerDialog
          kind={picker}
          connector={form.connector}
          server={form.server}
          {...(form.database ? { database: form.database } : {})}
          onPick={onPick}
          onClose={() => setPicker(undefined)}
        />
      ) : null}
    </main>
  );
}
