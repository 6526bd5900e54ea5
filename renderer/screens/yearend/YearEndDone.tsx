import { useEffect, useState } from 'react';
import type { YearDocuments, YearEndApplyResult, YearEndPlan } from '../../../core/api/yearend';
import { MODULE_TITLES } from '../../../core/modules';
import { errorText, invoke } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT, type MessageKey } from '../../i18n';
import { useYearEndT } from './messages';
import { documentStatusOf } from '../../../core/documents/documentStatus';
import { formatDate } from '../../format';

interface Props {
  sessionId: string;
  result: YearEndApplyResult;
  plan: YearEndPlan;
  /** The next module still to move, if any. */
  next?: string | undefined;
  onContinue(): void;
}

/**
 * After "GÜNCELLE": what was updated, what still points at another year, and last year's documents, which stay
 * listable through last year's profile.
 */
export function YearEndDone({ sessionId, result, plan, next, onContinue }: Props) {
  const t = useYearEndT();
  const appT = useT();
  const [docs, setDocs] = useState<YearDocuments>();
  const [error, setError] = useState<{ code: string; message: string }>();
  const moved = plan.mode === 'yearend' && plan.from.fiscalYear !== plan.to.fiscalYear;

  useEffect(() => {
    if (!moved) return;
    let live = true;
    invoke('yearend.documents', { sessionId, module: plan.module, fiscalYear: plan.from.fiscalYear }).then(
      (d) => live && setDocs(d),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [sessionId, plan.module, plan.from.fiscalYear, moved]);

  return (
    <section className="yearend-done panel" data-testid="yearend-done">
      <ul>
        {result.results.map((r) => (
          <li key={r.module} className={r.outcome === 'applied' ? 'state-accepted' : 'state-failed'} data-module={r.module} data-outcome={r.outcome}>
            {r.outcome === 'applied' ? '✓' : '✗'} {MODULE_TITLES[r.module]}: {r.outcome === 'applied' ? `${t('done')} (${t('fiscalYear')} ${r.profile?.fiscalYear ?? ''})` : `${t('failed')} — ${r.error?.message ?? ''}`}
          </li>
        ))}
      </ul>
      {result.warnings.map((w, i) => (
        <p key={i} className="notice" role="status" data-code={w.code}>
          ⚠ {w.message}
        </p>
      ))}
      {moved ? (
        <div data-testid="yearend-last-year">
          <h3>
            {t('lastYear')} ({plan.from.fiscalYear})
          </h3>
          <ErrorMessage error={error ?? docs?.erpError} />
          {docs && docs.documents.length === 0 ? <p>{t('lastYearNone')}</p> : null}
          {docs && docs.documents.length > 0 ? (
            <table className="documents">
              <thead>
                <tr>
                  <th>{t('docNumber')}</th>
                  <th>{t('gibNumber')}</th>
                  <th>{t('date')}</th>
                  <th>{t('state')}</th>
                </tr>
              </thead>
              <tbody>
                {docs.documents.map((d) => (
                  <tr key={d.key} data-key={d.key} data-state={d.state}>
                    <td>{d.erpNumber}</td>
                    <td>{d.number ?? ''}</td>
                    <td>{formatDate(d.issueDate)}</td>
                    <td className={`state-${documentStatusOf(d.state)}`}>{appT(`status.${documentStatusOf(d.state)}` as MessageKey)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}
      <div className="buttons">
        <button type="button" className="primary" onClick={onContinue}>
          {next ? `${t('next')}: ${next}` : t('finish')}
        </button>
      </div>
    </section>
  );
}
