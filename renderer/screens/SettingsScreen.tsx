import { useEffect, useState } from 'react';
import { targetFieldsOf } from '../../core/erp/targetFields';
import { errorText, invoke, type Output } from '../api';
import { ConnectionChecks } from '../components/ConnectionChecks';
import { ErpPicker, itemsOfDatabases, itemsOfFirmPeriods, type PickerItem, type PickerKind } from '../components/ErpPicker';
import { ErrorMessage } from '../components/ErrorMessage';
import { useT } from '../i18n';
import { padCodeForDisplay } from '../store/login';
import { useSession } from '../store/session';
import { DatabaseChangeEntry } from './yearend/DatabaseChange';

type Settings = Output<'settings.get'>;
type TestResult = Output<'settings.test'>;

interface Form {
  server: string;
  database: string;
  firm: string;
  period: string;
  fiscalYear: string;
  branch: string;
  integrator: string;
  kontorThreshold: string;
  earsivBranch: string;
  earsivTill: string;
  senderAlias: string;
}

/**
 * "Bağlantı Ayarları": server and database of this module with the same "Firma/Dönem Ara" / "Veri tabanı Ara" as
 * the login; "Bağlantınızı Test Edin", then "GÜNCELLE". Another company's firm or database is refused by core/api.
 * The integrator address is shown to eFinans staff only.
 */
export function SettingsScreen() {
  const t = useT();
  const session = useSession((s) => s.session)!;
  const setSession = useSession((s) => s.setSession);
  const setKontor = useSession((s) => s.setKontor);
  const [settings, setSettings] = useState<Settings>();
  const [form, setForm] = useState<Form>({ server: '', database: '', firm: '', period: '', fiscalYear: '', branch: '', integrator: '', kontorThreshold: '', earsivBranch: '', earsivTill: '', senderAlias: '' });
  const [error, setError] = useState<{ code: string; message: string }>();
  const [test, setTest] = useState<TestResult>();
  const [saved, setSaved] = useState(false);
  const [picker, setPicker] = useState<PickerKind>();
  const [refreshed, setRefreshed] = useState<string>();

  useEffect(() => {
    invoke('settings.get', { sessionId: session.id }).then(
      (s) => {
        setSettings(s);
        setForm({
          server: s.target.server,
          database: s.target.database ?? '',
          firm: s.target.firm ?? '',
          period: s.target.period ?? '',
          fiscalYear: s.target.fiscalYear !== undefined ? String(s.target.fiscalYear) : '',
          branch: s.target.branch ?? '',
          integrator: s.integrator,
          kontorThreshold: s.kontorThreshold ? String(s.kontorThreshold) : '',
          earsivBranch: s.earsivPlace?.branch ?? '',
          earsivTill: s.earsivPlace?.till ?? '',
          senderAlias: s.ownMailboxes?.senderAlias ?? '',
        });
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [session.id]);

  const shape = settings?.connector.shape;
  const fields = targetFieldsOf(shape);
  const branches = settings?.connector.branches === true;
  const target = {
    connector: settings?.connector.id ?? session.target.connector,
    server: form.server,
    ...Object.fromEntries(fields.map((f) => [f, form[f]])),
    ...(branches && form.branch.trim() !== '' ? { branch: form.branch } : {}),
  };
  const change = (changes: Partial<Form>) => {
    setForm((f) => ({ ...f, ...changes }));
    setSaved(false);
    setTest(undefined);
  };
  const field = (name: keyof Form, label: string, extra: { onBlur?: () => void; inputMode?: 'numeric' } = {}) => (
    <label>
      {label}
      <input name={name} value={form[name]} inputMode={extra.inputMode} onChange={(e) => change({ [name]: e.target.value })} onBlur={extra.onBlur} />
    </label>
  );
  const integrator = settings?.integratorEditable ? { integrator: form.integrator } : {};
  const threshold = form.kontorThreshold.trim() === '' ? 0 : Number(form.kontorThreshold);

  const load = async (): Promise<PickerItem[]> => {
    const r = await invoke('settings.search', { sessionId: session.id, kind: picker!, target });
    return picker === 'database' ? itemsOfDatabases(r.databases) : itemsOfFirmPeriods(r.periods);
  };
  const onPick = (p: PickerItem) => {
    if (picker === 'database') change({ database: p.database ?? '' });
    else if (shape === 'database-per-company') change({ database: p.database ?? form.database, fiscalYear: p.fiscalYear ? String(p.fiscalYear) : '' });
    else change({ firm: p.firm ?? '', period: p.period ?? '', ...(p.database ? { database: p.database } : {}) });
    setPicker(undefined);
  };

  return (
    <section className="settings" aria-label={t('settings.title')}>
      <h2>
        {t('settings.title')} — {settings?.connector.title ?? ''}
      </h2>
      {settings?.erpPending ? (
        <p className="notice" role="status" data-testid="erp-pending">
          {t('settings.erpPending')}
        </p>
      ) : null}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(undefined);
          if (!Number.isInteger(threshold) || threshold < 0) {
            setError({ code: 'INPUT_INVALID', message: t('settings.kontorThreshold') });
            return;
          }
          try {
            const place = settings?.earsivPlace ? { earsivPlace: { branch: form.earsivBranch, till: form.earsivTill } } : {};
            const alias = settings?.ownMailboxes && form.senderAlias ? { senderAlias: form.senderAlias } : {};
            const next = await invoke('settings.save', { sessionId: session.id, target, ...integrator, kontorThreshold: threshold, ...place, ...alias });
            setSettings(next);
            setSession(await invoke('session.get', { sessionId: session.id }));
            const status = await invoke('session.status', { sessionId: session.id }).catch(() => undefined);
            if (status) setKontor(status.kontor, status.kontorThreshold);
            setSaved(true);
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        {field('server', t('login.server'))}
        {field('database', t('login.database'))}
        {fields.includes('firm') ? (
          <div className="codes">
            {field('firm', t('login.firm'), { inputMode: 'numeric', onBlur: () => setForm((f) => ({ ...f, firm: padCodeForDisplay(f.firm, 3) })) })}
            {field('period', t('login.period'), { inputMode: 'numeric', onBlur: () => setForm((f) => ({ ...f, period: padCodeForDisplay(f.period, 2) })) })}
          </div>
        ) : null}
        {fields.includes('fiscalYear') ? field('fiscalYear', t('login.fiscalYear'), { inputMode: 'numeric' }) : null}
        {branches ? field('branch', t('login.branch'), { inputMode: 'numeric' }) : null}
        {branches ? <p className="hint">{t('login.branchHint')}</p> : null}
        <div className="buttons">
          {shape === 'database-per-year' ? (
            <button type="button" onClick={() => setPicker('database')}>
              {t('login.searchDatabase')}
            </button>
          ) : (
            <button type="button" onClick={() => setPicker('firm-period')}>
              {t('login.searchFirmPeriod')}
            </button>
          )}
        </div>
        {settings?.integratorEditable ? field('integrator', t('settings.integratorUrl')) : null}
        {field('kontorThreshold', t('settings.kontorThreshold'), { inputMode: 'numeric' })}
        {settings?.ownMailboxes ? (
          <div className="mailboxes" data-testid="own-mailboxes">
            {settings.ownMailboxes.gb.length > 0 ? (
              <label>
                {t('settings.senderAlias')}
                <select name="senderAlias" value={form.senderAlias} onChange={(e) => change({ senderAlias: e.target.value })}>
                  <option value="">{t('settings.senderAliasDefault')}</option>
                  {settings.ownMailboxes.gb.map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </select>
              </label>
            ) : (
              <p className="hint">{t('settings.noOwnAliases')}</p>
            )}
            <button
              type="button"
              onClick={async () => {
                setError(undefined);
                setRefreshed(undefined);
                try {
                  const r = await invoke('session.registryRefresh', { sessionId: session.id });
                  setRefreshed(r.lastOutcome?.ok ? String(r.lastOutcome.users) : '');
                  setSettings(await invoke('settings.get', { sessionId: session.id }));
                } catch (err) {
                  setError(errorText(err));
                }
              }}
            >
              {t('settings.registryRefresh')}
            </button>
            {refreshed !== undefined ? (
              <p className="ok" role="status">
                {t('settings.registryRefreshed')}: {refreshed}
              </p>
            ) : null}
            {settings.ownMailboxes.pk.length > 0 ? (
              <p data-testid="own-pk">
                {t('settings.mailbox')}: {settings.ownMailboxes.pk.join(', ')}
              </p>
            ) : null}
          </div>
        ) : null}
        {settings?.earsivPlace ? (
          <div className="codes" data-testid="earsiv-place">
            {field('earsivBranch', t('settings.earsivBranch'))}
            {field('earsivTill', t('settings.earsivTill'))}
            <p className="hint">{t('settings.earsivPlaceHint')}</p>
          </div>
        ) : null}
        <div className="buttons">
          <button
            type="button"
            onClick={async () => {
              setError(undefined);
              setTest(undefined);
              try {
                setTest(await invoke('settings.test', { sessionId: session.id, target, ...integrator }));
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
          <ConnectionChecks checks={test.checks} />
          {(test.warnings ?? []).length > 0 ? (
            <ul className="warnings" data-testid="connection-warnings">
              {(test.warnings ?? []).map((w) => (
                <li key={`${w.table}.${w.column}`} className="warning">
                  ! {w.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {saved ? (
        <p className="ok" role="status">
          {t('settings.saved')}
        </p>
      ) : null}
      {picker ? <ErpPicker kind={picker} load={load} onPick={onPick} onClose={() => setPicker(undefined)} /> : null}
      {settings && !settings.erpPending ? <DatabaseChangeEntry sessionId={session.id} /> : null}
    </section>
  );
}
