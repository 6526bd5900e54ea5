// @vitest-environment jsdom
/**
 * `npm run bench:renderer`: the Belgeler list with 10,000 documents — the first render (goal: well under 2 s on a
 * loaded 2-core machine; only the rows in view are rendered) and a jump to row 9,000. Figures only: the test
 * (documents.test.tsx) checks what is rendered, never how fast.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, bench, describe } from 'vitest';
import type { DocumentRow } from '../../core/api';
import { documentStatusOf } from '../../core/documents/documentStatus';
import { DocumentTable } from '../../renderer/components/DocumentTable';

const rows: DocumentRow[] = Array.from({ length: 10_000 }, (_, n) => {
  const i = n + 1;
  return {
    key: String(i),
    erpNumber: `SAT2026${String(i).padStart(7, '0')}`,
    issueDate: '2026-03-01',
    customer: `Müşteri ${i}`,
    customerTaxId: '1234567890',
    total: '100.00',
    currency: 'TRY',
    state: 'unsent',
    status: documentStatusOf('unsent'),
    resendable: false,
  };
});
const selected = new Set(['1']);

// jsdom lays nothing out: give the scrolling area the size a window would.
beforeAll(() => {
  const sized = (el: HTMLElement, prop: 'clientHeight' | 'clientWidth') => (el.classList?.contains('doc-scroll') ? (prop === 'clientHeight' ? 400 : 1000) : 0);
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get(this: HTMLElement) { return sized(this, 'clientHeight'); } });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get(this: HTMLElement) { return sized(this, 'clientWidth'); } });
});
afterEach(cleanup);

describe('Belgeler list, 10,000 documents', () => {
  bench(
    'first render',
    () => {
      render(<DocumentTable rows={rows} selected={selected} onToggle={() => undefined} onFocus={() => undefined} height={400} />);
      cleanup();
    },
    { iterations: 10, warmupIterations: 2 },
  );

  bench(
    'render, then scroll to row 9,000',
    () => {
      render(<DocumentTable rows={rows} selected={selected} onToggle={() => undefined} onFocus={() => undefined} height={400} />);
      const scroller = screen.getByTestId('doc-scroll');
      act(() => {
        scroller.scrollTop = 34 * 9000;
        fireEvent.scroll(scroller);
      });
      cleanup();
    },
    { iterations: 10, warmupIterations: 2 },
  );
});
