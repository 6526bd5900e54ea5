import { useEffect, useState } from 'react';
import { errorText, type Output } from '../api';

type FirmPeriod = Output<'erp.listFirmPeriods'>[number];
type DatabaseInfo = Output<'erp.listDatabases'>[number];
import { formatDate } from '../format';
import { useT } from '../i18n';
import { ErrorMessage } from './ErrorMessage';

/** "Firma/Dönem Ara" lists firms × periods (Logo) or companies × years (Mikro); "Veri tabanı Ara" databases. */
export type PickerKind = 'firm-period' | 'database';

/** One row of either list, as the picker shows it and hands it back. */
export interface PickerItem {
  firm?: string;
  name?: string;
  period?: string;
  begin?: string;
  end?: string;
  fiscalYear?: number;
  database?: string;
  /** "Veri tabanı Ara": the database holds this program's tables. */
  recognised?: boolean;
}

export function itemsOfFirmPeriods(rows: readonly (FirmPeriod & { fiscalYear?: number })[]): PickerItem[] {
  return rows.map((r) => ({
    firm: r.firm,
    name: r.firmName,
    ...(r.period ? { period: r.period } : {}),
    begin: r.periodBegin,
    end: r.periodEnd,
    ...(r.fiscalYear ?? Number(r.periodBegin.slice(0, 4)) ? { fiscalYear: r.fiscalYear ?? Number(r.periodBegin.slice(0, 4)) } : {}),
    ...(r.database ? { database: r.database } : {}),
  }));
}

export function itemsOfDatabases(rows: readonly DatabaseInfo[]): PickerItem[] {
  return rows.map((r) => ({ database: r.name, ...(r.company ? { name: r.company } : {}), ...(r.fiscalYear ? { fiscalYear: r.fiscalYear } : {}), recognised: r.recognised }));
}

export function pickerLabel(kind: PickerKind, r: PickerItem): string {
  if (kind === 'database') return r.database ?? '';
  if (r.period) return `${r.firm ?? ''} / ${r.period}`;
  return [r.database ?? r.firm, r.fiscalYear].filter(Boolean).join(' / ');
}

interface Props {
  kind: PickerKind;
  /** Reads the list (the login's own call, Bağlantı Ayarları', or the year-end wizard's). */
  load(): Promise<PickerItem[]>;
  onPick(item: PickerItem): void;
  onClose(): void;
}

/**
 * The one "Firma/Dönem Ara" / "Veri tabanı Ara" of the login screen, Bağlantı Ayarları and the year-end wizard, as
 * the product guide describes it: tick the row of the wanted year, "Seç", then "Tamam" fills the form.
 */
export function ErpPicker({ kind, load, onPick, onClose }: Props) {
  const t = useT();
  const [rows, setRows] = useState<PickerItem[]>();
  const [error, setError] = useState<{ code: string; message: string }>();
  const [ticked, setTicked] = useState<number>();
  const [chosen, setChosen] = useState<number>();

  useEffect(() => {
    let live = true;
    load().then(
      (r) => live && setRows(r),
      (e: unknown) => live && (setError(errorText(e)), setRows([])),
    );
    return () => {
      live = false;
    };
    // The list is read once per opening.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const title = kind === 'firm-period' ? t('login.searchFirmPeriod') : t('login.searchDatabase');
  const chosenRow = chosen !== undefined ? rows?.[chosen] : undefined;
  const has = (f: keyof PickerItem) => (rows ?? []).some((r) => r[f] !== undefined && r[f] !== '');
  const columns: { key: keyof PickerItem; head: string; cell(r: PickerItem): string }[] =
    kind === 'firm-period'
      ? [
          ...(has('firm') ? [{ key: 'firm' as const, head: t('picker.firm'), cell: (r: PickerItem) => r.firm ?? '' }] : []),
          { key: 'name', head: t('picker.name'), cell: (r) => r.name ?? '' },
          ...(has('period') ? [{ key: 'period' as const, head: t('picker.period'), cell: (r: PickerItem) => r.period ?? '' }] : []),
          ...(has('database') ? [{ key: 'database' as const, head: t('picker.database'), cell: (r: PickerItem) => r.database ?? '' }] : []),
          { key: 'begin', head: t('picker.begin'), cell: (r) => formatDate(r.begin) },
          { key: 'end', head: t('picker.end'), cell: (r) => formatDate(r.end) },
          { key: 'fiscalYear', head: t('picker.year'), cell: (r) => (r.fiscalYear ? String(r.fiscalYear) : '') },
        ]
      : [
          { key: 'database', head: t('picker.database'), cell: (r) => r.database ?? '' },
          { key: 'name', head: t('picker.company'), cell: (r) => r.name ?? '' },
          { key: 'fiscalYear', head: t('picker.year'), cell: (r) => (r.fiscalYear ? String(r.fiscalYear) : '') },
          ...(has('recognised') ? [{ key: 'recognised' as const, head: t('picker.recognised'), cell: (r: PickerItem) => (r.recognised ? '✓' : '—') }] : []),
        ];

  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="erp-picker">
        <h2>{title}</h2>
        <p className="hint">{t('picker.tickHint')}</p>
        <ErrorMessage error={error} />
        {rows === undefined ? <p>{t('picker.loading')}</p> : null}
        {rows && rows.length === 0 && !error ? <p>{t('picker.none')}</p> : null}
        {rows && rows.length > 0 ? (
          <table className="picker">
            <thead>
              <tr>
                <th />
                {columns.map((c) => (
                  <th key={c.key}>{c.head}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i} className={ticked === i ? 'ticked' : ''} onClick={() => setTicked(i)} data-row={pickerLabel(kind, r)}>
                  <td>
                    <input type="checkbox" aria-label={pickerLabel(kind, r)} checked={ticked === i} onChange={(e) => setTicked(e.target.checked ? i : undefined)} onClick={(e) => e.stopPropagation()} />
                  </td>
                  {columns.map((c) => (
                    <td key={c.key}>{c.cell(r)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <p className="picker-chosen" data-testid="picker-chosen">
          {t('picker.selected')}: {chosenRow ? pickerLabel(kind, chosenRow) : '—'}
        </p>
        <div className="buttons">
          <button type="button" disabled={ticked === undefined} onClick={() => setChosen(ticked)}>
            {t('picker.select')}
          </button>
          <button type="button" className="primary" disabled={!chosenRow} onClick={() => chosenRow && onPick(chosenRow)}>
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
