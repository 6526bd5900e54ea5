import { useEffect, useState, type FormEvent } from 'react';
import { errorText, invoke } from '../api';
import { ErrorMessage } from '../components/ErrorMessage';
import { ErpPicker, itemsOfDatabases, itemsOfFirmPeriods, type PickerItem, type PickerKind } from '../components/ErpPicker';
import { useLanguage, useT } from '../i18n';
import { loginTarget, useLogin } from '../store/login';
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
  const { form, defaults, set, applyDefaults, blurCode, useDemo, changeConnector } = useLogin();
  const loggedIn = useSession((s) => s.loggedIn);
  const setScreen = useSession((s) => s.setScreen);
  const notice = useSession((s) => s.notice);
  const [error, setError] = useState<{ code: string; message: string }>();
  const [busy, setBusy] = useState(false);
  const [picker, setPicker] = useState<PickerKind>();

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
        target: loginTarget(form, shape, connector?.branches === true),
      });
      set({ password: '' });
      loggedIn(result.session, result.kontor, result.kontorThreshold);
      // An integrator-only first login finishes the ERP side in Bağlantı Ayarları, as the guide says.
      if (result.session.erpPending) setScreen('settings');
      else if (await yearEndNeeded(result.session.id)) setScreen('yearend');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const onPick = (p: PickerItem) => {
    if (picker === 'database') set({ database: p.database ?? '' });
    else if (shape === 'database-per-company') set({ database: p.database ?? form.database, fiscalYear: p.fiscalYear ? String(p.fiscalYear) : '' });
    else set({ firm: p.firm ?? '', period: p.period ?? '', ...(p.database ? { database: p.database } : {}) });
    setPicker(undefined);
  };

  const load = async (): Promise<PickerItem[]> =>
    picker === 'database'
      ? itemsOfDatabases(await invoke('erp.listDatabases', { connector: form.connector, server: form.server }))
      : itemsOfFirmPeriods(await invoke('erp.listFirmPeriods', { target: { connector: form.connector, server: form.server, ...(form.database && shape !== 'database-per-company' ? { database: form.database } : {}) } }));

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
            <select name="connector" value={form.connector} onChange={(e) => changeConnector(e.target.value)}>
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
          {shape === 'firm-period' || shape === undefined ? (
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
          {shape === 'database-per-company' ? (
            <div className="codes">
              <label>
                {t('login.fiscalYear')}
                <input name="fiscalYear" inputMode="numeric" maxLength={4} value={form.fiscalYear} onChange={(e) => set({ fiscalYear: e.target.value })} />
              </label>
            </div>
          ) : null}
          {connector?.branches ? (
            <div className="codes">
              <label>
                {t('login.branch')}
                <input name="branch" inputMode="numeric" maxLength={8} value={form.branch} onChange={(e) => set({ branch: e.target.value })} />
              </label>
              <p className="hint">{t('login.branchHint')}</p>
            </div>
          ) : null}
          <p className="hint">{t('login.optionalCodes')}</p>
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
      {picker ? <ErpPicker kind={picker} load={load} onPick={onPick} onClose={() => setPicker(undefined)} /> : null}
    </main>
  );
}
