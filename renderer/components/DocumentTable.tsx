import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { DocumentRow } from '../../core/api';
import { formatAmount, formatDate } from '../format';
import { useT } from '../i18n';

const ROW_HEIGHT = 34;

interface Props {
  rows: readonly DocumentRow[];
  selected: ReadonlySet<string>;
  focused?: string | undefined;
  onToggle(key: string): void;
  onFocus(key: string): void;
  /**
   * The scrolling area fills the window's remaining height (styles.css); the list only renders the rows in view, so
   * 10,000 rows stay responsive. `height` is the first guess before the area is measured.
   */
  height?: number;
}

export function DocumentTable({ rows, selected, focused, onToggle, onFocus, height = 600 }: Props) {
  const t = useT();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    initialRect: { width: 1000, height },
  });
  return (
    <div className="doc-table" role="table" aria-rowcount={rows.length + 1}>
      <div className="doc-row doc-head" role="row">
        <span role="columnheader" className="c-check" />
        <span role="columnheader">{t('docs.erpNumber')}</span>
        <span role="columnheader">{t('docs.number')}</span>
        <span role="columnheader">{t('docs.date')}</span>
        <span role="columnheader" className="c-wide">{t('docs.customer')}</span>
        <span role="columnheader">{t('docs.taxId')}</span>
        <span role="columnheader" className="c-num">{t('docs.total')}</span>
        <span role="columnheader">{t('docs.status')}</span>
        <span role="columnheader" className="c-wide">{t('docs.gib')}</span>
      </div>
      <div ref={scrollRef} className="doc-scroll" data-testid="doc-scroll">
        {rows.length === 0 ? <div className="empty">{t('docs.empty')}</div> : null}
        <div className="doc-canvas" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const r = rows[item.index]!;
            const isSelected = selected.has(r.key);
            return (
              <div
                key={r.key}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                data-key={r.key}
                data-state={r.state}
                data-status={r.status}
                className={`doc-row doc-vrow${isSelected ? ' selected' : ''}${focused === r.key ? ' focused' : ''}`}
                style={{ transform: `translateY(${item.start}px)` }}
                onClick={() => onFocus(r.key)}
              >
                <span role="cell" className="c-check">
                  <input
                    type="checkbox"
                    aria-label={`${r.erpNumber} seç`}
                    checked={isSelected}
                    onChange={() => {
                      onToggle(r.key);
                      onFocus(r.key);
                    }}
                    onClick={(e) => e.stopPropagation()}
                  />
                </span>
                <span role="cell">{r.erpNumber}</span>
                <span role="cell">{r.number ?? ''}</span>
                <span role="cell">{formatDate(r.issueDate)}</span>
                <span role="cell" className="c-wide" title={r.customer}>{r.customer ?? ''}</span>
                <span role="cell">{r.customerTaxId ?? ''}</span>
                <span
                  role="cell"
                  className="c-num"
                  data-testid="row-amount"
                  title={r.deductions?.map((d) => `${d.name} %${d.percent}: ${formatAmount(d.amount, r.currency)}`).join('\n')}
                >
                  {/* A receipt's amount payable is its net after the deductions; an invoice's, its total. */}
                  {formatAmount(r.net ?? r.total, r.currency)}
                </span>
                <span role="cell" className={`state state-${r.status}`}>{t(`status.${r.status}`)}</span>
                <span role="cell" className="c-wide" title={r.message}>{[r.gibCode, r.message].filter(Boolean).join(' — ')}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
