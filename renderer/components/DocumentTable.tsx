import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { DocumentRow } from '../../core/api';
import { useT, type MessageKey } from '../i18n';

const ROW_HEIGHT = 34;

interface Props {
  rows: readonly DocumentRow[];
  selected: ReadonlySet<string>;
  focused?: string | undefined;
  onToggle(key: string): void;
  onFocus(key: string): void;
  /** Height of the scrolling area; the list only renders the rows in view, so 10,000 rows stay responsive. */
  height?: number;
}

export function DocumentTable({ rows, selected, focused, onToggle, onFocus, height = 420 }: Props) {
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
      <div ref={scrollRef} className="doc-scroll" style={{ height, overflowY: 'auto' }} data-testid="doc-scroll">
        {rows.length === 0 ? <div className="empty">{t('docs.empty')}</div> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
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
                className={`doc-row${isSelected ? ' selected' : ''}${focused === r.key ? ' focused' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={() => onFocus(r.key)}
              >
                <span role="cell" className="c-check">
                  <input
                    type="checkbox"
                    aria-label={`${r.erpNumber} seç`}
                    checked={isSelected}
                    onChange={() => onToggle(r.key)}
                    onClick={(e) => e.stopPropagation()}
                  />
                </span>
                <span role="cell">{r.erpNumber}</span>
                <span role="cell">{r.number ?? ''}</span>
                <span role="cell">{r.issueDate ?? ''}</span>
                <span role="cell" className="c-wide" title={r.customer}>{r.customer ?? ''}</span>
                <span role="cell">{r.customerTaxId ?? ''}</span>
                <span role="cell" className="c-num">{r.total ? `${r.total} ${r.currency ?? ''}` : ''}</span>
                <span role="cell" className={`state state-${r.state}`}>{t(`state.${r.state}` as MessageKey)}</span>
                <span role="cell" className="c-wide" title={r.message}>{[r.gibCode, r.message].filter(Boolean).join(' — ')}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
