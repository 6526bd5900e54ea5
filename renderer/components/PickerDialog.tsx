import { useEffect, useState } from 'react';
import { errorText, invoke, type Output } from '../api';
import { useT } from '../i18n';
import { ErrorMessage } from './ErrorMessage';

type FirmPeriod = Output<'erp.listFirmPeriods'>[number];
type DatabaseInfo = Output<'erp.listDatabases'>[number];

export type Pick = { kind: 'firm-period'; row: FirmPeriod } | { kind: 'database'; row: DatabaseInfo };

interface Props {
  kind: 'firm-period' | 'database';
  connector: string;
  server: string;
  database?: string;
  onPick(pick: Pick): void;
  onClose(): void;
}

/**
 * "Firma/Dönem Ara" and "Veri tabanı Ara": the connector's own list; the user ticks the row of the wanted year,
 * confirms it with "Seç", and "Tamam" fills the login fields.
 */
export function PickerDialog({ kind, connector, server, database, onPick, onClose }: Props) {
  const t = useT();
  const [rows, setRows] = useState<(FirmPeriod | DatabaseInfo)[] | undefined>();
  const [error, setError] = useState<{ code: string; message: string }>();
  const [ticked, setTicked] = useState<number>();
  const [chosen, setChosen] = useState<number>();

  useEffect(() => {
    let live = true;
    const load =
      kind === 'firm-period'
        ? invoke('erp.listFirmPeriods', { target: { connector, server, ...(database ? { database } : {}) } })
        : invoke('erp.listDatabases', { connector, server });
    load.then(
      (r) => live && setRows(r),
      (e: unknown) => live && (setError(errorText(e)), setRows([])),
    );
    return () => {
      live = false;
    };
  }, [kind, connector, server, database]);

  const title = kind === 'firm-period' ? t('login.searchFirmPeriod') : t('login.searchDatabase');
  const chosenRow = chosen !== undefined ? rows?.[chosen] : undefined;
  // Mikro's rows are a company database and a fiscal year inside it; Logo's a firm and a period.
  const label = (r: FirmPeriod | DatabaseInfo) =>
    'firm' in r ? (r.fiscalYear !== undefined ? `${r.database ?? ''} / ${r.fiscalYear}` : `${r.firm} / ${r.period}`) : r.name;
  const byYear = (rows ?? []).some((r) => 'fiscalYear' in r && 'firm' in r && r.fiscalYear !== undefined);

  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        <ErrorMessage error={error} />
        {rows === undefined ? <p>{t('picker.loading')}</p> : null}
        {rows && rows.length === 0 && !error ? <p>{t('picker.none')}</p> : null}
        {rows && rows.length > 0 ? (
          <table className="picker">
            <thead>
              {kind === 'firm-period' ? (
                <tr>
                  <th />
                  <th>{t('picker.firm')}</th>
                  <th>{t('picker.name')}</th>
                  {byYear ? (
                    <>
                      <th>{t('picker.database')}</th>
                      <th>{t('picker.year')}</th>
                    </>
                  ) : (
                    <th>{t('picker.period')}</th>
                  )}
                  <th>{t('picker.begin')}</th>
                  <th>{t('picker.end')}</th>
                </tr>
              ) : (
                <tr>
                  <th />
                  <th>{t('picker.database')}</th>
                  <th>{t('picker.company')}</th>
                  <th>{t('picker.year')}</th>
                  <th>{t('picker.recognised')}</th>
                </tr>
              )}
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i} className={ticked === i ? 'ticked' : ''} onClick={() => setTicked(i)} data-row={label(r)}>
                  <td>
                    <input type="radio" name="picker-row" aria-label={label(r)} checked={ticked === i} onChange={() => setTicked(i)} />
                  </td>
                  {'firm' in r ? (
                    <>
                      <td>{r.firm}</td>
                      <td>{r.firmName}</td>
                      {byYear ? (
                        <>
                          <td>{r.database}</td>
                          <td>{r.fiscalYear}</td>
                        </>
                      ) : (
                        <td>{r.period}</td>
                      )}
                      <td>{r.periodBegin}</td>
                      <td>{r.periodEnd}</td>
                    </>
                  ) : (
                    <>
                      <td>{r.name}</td>
                      <td>{r.company ?? ''}</td>
                      <td>{r.fiscalYear ?? ''}</td>
                      <td>{r.recognised ? '✓' : '—'}</td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <p className="picker-chosen" data-testid="picker-chosen">
          {t('picker.selected')}: {chosenRow ? label(chosenRow) : '—'}
        </p>
        <div className="buttons">
          <button type="button" disabled={ticked === undefined} onClick={() => setChosen(ticked)}>
            {t('picker.select')}
          </button>
          <button
            type="button"
            className="primary"
            disabled={!chosenRow}
            onClick={() => {
              if (!chosenRow) return;
              onPick('firm' in chosenRow ? { kind: 'firm-period', row: chosenRow } : { kind: 'database', row: chosenRow });
            }}
          >
            {t('picker.ok')}
          </button>
          <button type="button" onClick={onClose}>
            {t('picker.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
