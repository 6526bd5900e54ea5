import { useState } from 'react';
import type { YearEndApplyResult, YearEndItem, YearEndPlan } from '../../../core/api/yearend';
import { MODULE_TITLES, type Module } from '../../../core/modules';
import { errorText, invoke } from '../../api';
import { ConnectionChecks } from '../../components/ConnectionChecks';
import { ErpPicker, itemsOfFirmPeriods, type PickerItem } from '../../components/ErpPicker';
import { ErrorMessage } from '../../components/ErrorMessage';
import { padCodeForDisplay } from '../../store/login';
import { useYearEndT, type YearEndMessageKey } from './messages';

type Mode = 'yearend' | 'change';

interface Props {
  sessionId: string;
  item: YearEndItem;
  mode: Mode;
  /** Other modules of the company that need the same move. */
  others: YearEndItem[];
  staff: boolean;
  onApplied(result: YearEndApplyResult, plan: YearEndPlan): void;
  onCancel(): void;
}

interface Fields {
  firm: string;
  period: string;
  database: string;
  fiscalYear: string;
}

const targetText = (t: { database?: string | undefined; firm?: string | undefined; period?: string | undefined; fiscalYear?: number | undefined }) =>
  [t.database, t.firm && t.period ? `${t.firm} / ${t.period}` : t.firm, t.fiscalYear].filter(Boolean).join(' · ');

/** Shows digits as the program writes codes ("2" → "002"); whether a code is valid is core/api's answer. */
const pad = (value: string, width: 2 | 3) => padCodeForDisplay(value, width);

/**
 * One module's step of the wizard: current mapping, proposal, the choice ("Firma/Dönem Ara" / "Veri tabanı Ara"),
 * "Bağlantınızı Test Edin" with the plan of helper objects, then "GÜNCELLE" — only for the choice just tested.
 */
export function ModuleStep({ sessionId, item, mode, others, staff, onApplied, onCancel }: Props) {
  const t = useYearEndT();
  // The program's shape shows in the mapping: firm/period (Logo), a company-year database (Netsis, ETA), or a
  // company database with the fiscal year inside it (Mikro).
  const byYear = item.current.fiscalYear !== undefined;
  const byDatabase = item.current.firm === undefined && item.current.period === undefined;
  const start = mode === 'yearend' && item.proposal ? item.proposal.target : item.current;
  const [fields, setFields] = useState<Fields>({
    firm: start.firm ?? '',
    period: start.period ?? '',
    database: start.database ?? '',
    fiscalYear: start.fiscalYear !== undefined ? String(start.fiscalYear) : '',
  });
  const [tested, setTested] = useState<{ plan: YearEndPlan; fields: Fields }>();
  const [error, setError] = useState<{ code: string; message: string }>();
  const [busy, setBusy] = useState<'test' | 'apply' | 'cancel'>();
  const [picking, setPicking] = useState(false);
  const [also, setAlso] = useState<Module[]>([]);
  const [endpoint, setEndpoint] = useState('');

  const choice = () =>
    byYear
      ? { database: fields.database, fiscalYear: fields.fiscalYear }
      : byDatabase
        ? { database: fields.database }
        : { firm: fields.firm, period: fields.period, ...(fields.database ? { database: fields.database } : {}) };
  const stale = tested !== undefined && JSON.stringify(tested.fields) !== JSON.stringify(fields);

  const run = async (kind: 'test' | 'apply' | 'cancel', work: () => Promise<void>) => {
    setBusy(kind);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(errorText(e));
      if (kind === 'test') setTested(undefined);
    } finally {
      setBusy(undefined);
    }
  };

  const test = () =>
    run('test', async () => {
      const plan = await invoke('yearend.plan', { sessionId, module: item.module, target: choice(), mode });
      setTested({ plan, fields });
    });

  const apply = () =>
    run('apply', async () => {
      if (!tested) return;
      const result = await invoke('yearend.apply', {
        sessionId,
        module: item.module,
        target: choice(),
        mode,
        ...(also.length > 0 ? { alsoModules: also } : {}),
        ...(staff && endpoint.trim() ? { integratorEndpoint: endpoint.trim() } : {}),
      });
      onApplied(result, tested.plan);
    });

  const cancel = () =>
    run('cancel', async () => {
      await invoke('yearend.cancel', { sessionId, module: item.module, mode });
      onCancel();
    });

  const plan = tested?.plan;
  return (
    <section className="yearend-step panel" data-testid="yearend-step" data-module={item.module}>
      <h2>
        {mode === 'yearend' ? t('title') : t('titleChange')} — {MODULE_TITLES[item.module]}
      </h2>
      <p>{mode === 'yearend' ? t('intro') : t('introChange')}</p>

      <dl className="yearend-mapping">
        <dt>{t('current')}</dt>
        <dd data-testid="yearend-current">
          {targetText(item.current)} ({t('fiscalYear')} {item.fiscalYear})
          {item.reasons.length > 0 ? ` — ${item.reasons.map((r) => t(`reason.${r}` as YearEndMessageKey)).join(', ')}` : ''}
        </dd>
        {mode === 'yearend' ? (
          <>
            <dt>{t('proposal')}</dt>
            <dd data-testid="yearend-proposal">{item.proposal ? `${item.proposal.label} (${t('fiscalYear')} ${item.proposal.fiscalYear})` : t('noProposal')}</dd>
          </>
        ) : null}
      </dl>
      {item.error ? <ErrorMessage error={item.error} /> : null}

      <div className="codes codes-bottom">
        {byDatabase ? (
          <>
            <label>
              {t('database')}
              <input name="database" value={fields.database} onChange={(e) => setFields({ ...fields, database: e.target.value })} />
            </label>
            {byYear ? (
              <label>
                {t('fiscalYear')}
                <input name="fiscalYear" inputMode="numeric" maxLength={4} value={fields.fiscalYear} onChange={(e) => setFields({ ...fields, fiscalYear: e.target.value })} />
              </label>
            ) : null}
          </>
        ) : (
          <>
            <label>
              {t('firm')}
              <input name="firm" inputMode="numeric" maxLength={3} value={fields.firm} onChange={(e) => setFields({ ...fields, firm: e.target.value })} onBlur={() => setFields((f) => ({ ...f, firm: pad(f.firm, 3) }))} />
            </label>
            <label>
              {t('period')}
              <input name="period" inputMode="numeric" maxLength={2} value={fields.period} onChange={(e) => setFields({ ...fields, period: e.target.value })} onBlur={() => setFields((f) => ({ ...f, period: pad(f.period, 2) }))} />
            </label>
          </>
        )}
        <button type="button" onClick={() => setPicking(true)}>
          {byDatabase && !byYear ? t('searchDatabase') : t('searchFirmPeriod')}
        </button>
      </div>
      {byDatabase ? null : <p className="hint">{t('optionalCodes')}</p>}

      {staff ? (
        <label>
          {t('integrator')}
          <input name="integratorEndpoint" value={endpoint} onChange={(e) => setEndpoint(e.target.value)} />
        </label>
      ) : null}

      <div className="buttons">
        <button type="button" onClick={test} disabled={busy !== undefined}>
          {busy === 'test' ? t('testing') : t('test')}
        </button>
      </div>

      <ErrorMessage error={error} />

      {plan && !stale ? (
        <div className="yearend-plan" data-testid="yearend-plan">
          <p className="ok">
            ✓ {t('testOk')}
            {plan.company.name ? ` — ${t('company')}: ${plan.company.name}` : ''}
          </p>
          <ConnectionChecks checks={plan.test.checks} />
          <p>
            {t('from')}: {targetText(plan.from.target)} ({plan.from.fiscalYear}) → {t('to')}:{' '}
            <strong data-testid="yearend-to">
              {targetText(plan.to.target)} ({plan.to.targetYear ?? plan.to.fiscalYear})
            </strong>
          </p>
          {plan.steps.length > 0 ? (
            <>
              <p>{t('steps')}:</p>
              <ol data-testid="yearend-steps">
                {plan.steps.map((s) => (
                  <li key={s.name}>
                    <code>{s.name}</code> {s.description}
                  </li>
                ))}
              </ol>
            </>
          ) : (
            <p data-testid="yearend-steps-none">{t('stepsNone')}</p>
          )}
          {plan.warnings.map((w, i) => (
            <p key={i} className="notice" role="status" data-code={w.code}>
              ⚠ {w.message}
            </p>
          ))}
          {others.length > 0 ? (
            <fieldset>
              <legend>{t('alsoModules')}</legend>
              {others.map((o) => (
                <label key={o.module} className="inline">
                  <input
                    type="checkbox"
                    name={`also-${o.module}`}
                    checked={also.includes(o.module)}
                    onChange={(e) => setAlso(e.target.checked ? [...also, o.module] : also.filter((m) => m !== o.module))}
                  />
                  {MODULE_TITLES[o.module]}
                </label>
              ))}
            </fieldset>
          ) : null}
        </div>
      ) : null}
      {stale ? <p className="hint">{t('retestHint')}</p> : null}

      <div className="buttons">
        <button type="button" className="primary" onClick={apply} disabled={!plan || stale || busy !== undefined}>
          {busy === 'apply' ? t('updating') : t('update')}
        </button>
        <button type="button" onClick={cancel} disabled={busy !== undefined}>
          {t('cancel')}
        </button>
      </div>

      {picking ? (
        <ErpPicker
          kind={byDatabase ? 'database' : 'firm-period'}
          load={async () => {
            const found = await invoke('yearend.search', { sessionId, module: item.module });
            return itemsOfFirmPeriods(found.periods);
          }}
          onClose={() => setPicking(false)}
          onPick={(row: PickerItem) => {
            setPicking(false);
            setFields(
              byYear
                ? { ...fields, database: row.database ?? '', fiscalYear: row.fiscalYear !== undefined ? String(row.fiscalYear) : '' }
                : byDatabase
                  ? { ...fields, database: row.database ?? '' }
                  : { ...fields, firm: row.firm ?? '', period: row.period ?? '' },
            );
          }}
        />
      ) : null}
    </section>
  );
}
