import { create } from 'zustand';
import type { IncomingRow } from '../../core/api';
import { errorText, invoke, type Output } from '../api';

export interface IncomingFilters {
  from: string;
  to: string;
  sender: string;
  /** '' = every state. */
  state: '' | IncomingRow['state'];
  /** '' = any; otherwise only documents whose answer window closes within this many days. */
  due: '' | '1' | '3' | '8';
}

type ApiErrorView = { code: string; message: string };

interface IncomingState {
  rows: IncomingRow[];
  filters: IncomingFilters;
  loading: boolean;
  fetching: boolean;
  error?: ApiErrorView;
  /** The documents are stored, but the accounting database's helper table could not take them (yet). */
  erpWarning?: ApiErrorView;
  /** What the last "Yeni Belgeleri Al" brought. */
  fetched?: Output<'session.incomingFetch'>;
  setFilters(changes: Partial<IncomingFilters>): void;
  load(sessionId: string): Promise<void>;
  fetchNew(sessionId: string): Promise<void>;
  /** KABUL or RED; resolves to the error shown when the answer was refused, undefined when it went. */
  answer(sessionId: string, ettn: string, answer: 'KABUL' | 'RED', reason?: string): Promise<ApiErrorView | undefined>;
  reset(): void;
}

const initial = { rows: [] as IncomingRow[], filters: { from: '', to: '', sender: '', state: '' as const, due: '' as const }, loading: false, fetching: false };

export const useIncoming = create<IncomingState>((set, get) => ({
  ...initial,
  setFilters: (changes) => set((s) => ({ filters: { ...s.filters, ...changes } })),
  async load(sessionId) {
    const f = get().filters;
    set({ loading: true, error: undefined });
    try {
      const rows = await invoke('session.incoming', {
        sessionId,
        ...(f.from ? { from: f.from } : {}),
        ...(f.to ? { to: f.to } : {}),
        ...(f.sender.trim() ? { sender: f.sender.trim() } : {}),
        ...(f.state ? { state: f.state } : {}),
        ...(f.due ? { dueWithinDays: Number(f.due) } : {}),
      });
      set({ rows, loading: false });
    } catch (e) {
      set({ loading: false, error: errorText(e) });
    }
  },
  async fetchNew(sessionId) {
    set({ fetching: true, error: undefined, fetched: undefined, erpWarning: undefined });
    let failed: ApiErrorView | undefined;
    try {
      const fetched = await invoke('session.incomingFetch', { sessionId });
      set({ fetching: false, fetched, ...(fetched.erp?.error ? { erpWarning: fetched.erp.error } : {}) });
    } catch (e) {
      failed = errorText(e);
      set({ fetching: false });
    }
    // What was stored before a failure (a page committed, the next one not) is listed all the same.
    await get().load(sessionId);
    if (failed) set({ error: failed });
  },
  async answer(sessionId, ettn, answer, reason) {
    set({ erpWarning: undefined });
    try {
      const sent = await invoke('session.incomingAnswer', { sessionId, ettn, answer, ...(reason !== undefined ? { reason } : {}) });
      if (sent.erp?.error) set({ erpWarning: sent.erp.error });
    } catch (e) {
      // The list may be stale (answered meanwhile, window closed): show it as it is now.
      await get().load(sessionId);
      return errorText(e);
    }
    await get().load(sessionId);
    return undefined;
  },
  reset: () => set({ ...initial, error: undefined, fetched: undefined, erpWarning: undefined }),
}));
