import { useEffect, useState } from 'react';
import type { YearEndSearch } from '../../../core/api/yearend';
import type { Module } from '../../../core/modules';
import { errorText, invoke } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useYearEndT } from './messages';

type Row = YearEndSearch['periods'][number];

interface Props {
  sessionId: string;
  module: Module;
  onPick(row: Row): void;
  onClose(): void;
}

/**
 * "Firma/Dönem Ara" / "Veri tabanı Ara" inside the wizard: the program's list on the module's saved server (the
 * server's password stays in Konnektör), one row per firm/period or company database with its fiscal year.
 */
export function YearPicker({ sessionId, module, onPick, onClose }: Props) {
  const t = useYearEndT();
  const [search, setSearch] = useState<YearEndSearch>();
  const [error, setError] = useState<{ code: string; message: string }>();

  useEffect(() => {
    let live = true;
    invoke('yearend.search', { sessionId, module }).then(
      (r) => live && setSearch(r),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [sessionId, module]);

  // Netsis/ETA: one row per company-year database; Mikro: company database × fiscal year; Logo: firm / period.
  const byDatabase = search?.shape === 'database-per-year' || search?.shape === 'database-per-company';
  const byYear = search?.shape === 'database-per-company';
  const title = search?.shape === 'database-per-year' ? t('searchDatabase') : t('searchFirmPeriod');
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="yearend-picker">
        <h2>{title}</h2>
        <ErrorMessage error={error} />
        {!search && !error ? <p>{t('loading')}</p> : null}
        {search && search.periods.length === 0 ? <p>{t('none')}</p> : null}
        {search && search.periods.length > 0 ? (
          <table className="picker">
            <thead>
              <tr>
                {byDatabase ? <th>{t('database')}</th> : <th>{t('firm')}</th>}
                <th>{t('name')}</th>
                {byDatabase ? null : <th>{t('period')}</th>}
                <th>{t('begin')}</th>
                <th>{t('end')}</th>
                <th>{t('year')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {search.periods.map((r, i) => {
                const label = byYear ? `${r.database ?? ''} / ${r.fiscalYear ?? ''}` : byDatabase ? (r.database ?? '') : `${r.firm} / ${r.period}`;
                return (
                  <tr key={i} data-row={label}>
                    {byDatabase ? <td>{r.database}</td> : <td>{r.firm}</td>}
                    <td>{r.firmName}</td>
                    {byDatabase ? null : <td>{r.period}</td>}
                    <td>{r.periodBegin}</td>
                    <td>{r.periodEnd}</td>
                    <td>{r.fiscalYear ?? ''}</td>
                    <td>
                      <button type="button" aria-label={`${t('select')} ${label}`} onClick={() => onPick(r)}>
                        {t('select')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
        <div className="buttons">
          <button type="button" onClick={onClose}>
            {t('close')}
          </button>
        </div>
      </div>
    </div>
  );
}
