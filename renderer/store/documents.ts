import { create } from 'zustand';
import type { DocumentRow, SendJobView } from '../../core/api';
import { DOCUMENT_STATUSES, type DocumentStatus, type StatusFilter } from '../../core/documents/documentStatus';
import { errorText, invoke } from '../api';

export interface DocumentFilters {
  from: string;
  to: string;
  status: StatusFilter;
  customer: string;
}

const noCounts = () => Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, 0])) as Record<DocumentStatus, number>;

/**
 * The rows as the screen shows them while a send runs: a document of the running job shows where the job says it
 * is ("İşlemde" until the outbox has settled it), so no row claims "Gönderilmedi" while it is being sent.
 */
export function rowsDuringJob(rows: readonly DocumentRow[], job: SendJobView | undefined): DocumentRow[] {
  if (!job || job.state !== 'running') return [...rows];
  const byKey = new Map(job.documents.map((d) => [d.key, d]));
  return rows.map((r) => {
    const d = byKey.get(r.key);
    if (!d) return r;
    return { ...r, state: d.state, status: d.status, ...(d.message ? { message: d.message } : {}), ...(d.gibCode ? { gibCode: d.gibCode } : {}) };
  });
}

interface DocumentsState {
  rows: DocumentRow[];
  filters: DocumentFilters;
  selected: ReadonlySet<string>;
  loading: boolean;
  error?: { code: string; message: string };
  job?: SendJobView;
  setFilters(changes: Partial<DocumentFilters>): void;
  toggle(key: string): void;
  selectAll(on: boolean): void;
  load(sessionId: string): Promise<void>;
  send(sessionId: string): Promise<void>;
  resend(sessionId: string): Promise<void>;
  /** A count of the send summary clicked: the list filtered to those documents (e.g. the failed ones). */
  showStatus(sessionId: string, status: StatusFilter): Promise<void>;
  reset(): void;
}

/** How often the screen asks how far a send has got. */
export const JOB_POLL_MS = 700;

const initial = { rows: [], filters: { from: '', to: '', status: 'all' as const, customer: '' }, selected: new Set<string>(), loading: false };

export const useDocuments = create<DocumentsState>((set, get) => {
  const follow = async (sessionId: string, jobId: string) => {
    for (;;) {
      let job: SendJobView;
      try {
        job = await invoke('session.job', { sessionId, jobId });
      } catch (e) {
        set({ error: errorText(e) });
        return;
      }
      set({ job });
      if (job.state !== 'running') break;
      await new Promise((r) => setTimeout(r, JOB_POLL_MS));
    }
    const job = get().job;
    if (job?.error) set({ error: job.error });
    await get().load(sessionId);
  };

  return {
    ...initial,
    setFilters: (changes) => set((s) => ({ filters: { ...s.filters, ...changes } })),
    toggle: (key) =>
      set((s) => {
        const next = new Set(s.selected);
        if (next.has(key)) next.delete(key);
        else next.add(key);
        return { selected: next };
      }),
    selectAll: (on) => set((s) => ({ selected: on ? new Set(s.rows.map((r) => r.key)) : new Set() })),
    async load(sessionId) {
      const f = get().filters;
      set({ loading: true, error: undefined });
      try {
        const rows = await invoke('session.documents', {
          sessionId,
          ...(f.from ? { from: f.from } : {}),
          ...(f.to ? { to: f.to } : {}),
          status: f.status,
          ...(f.customer.trim() ? { customer: f.customer.trim() } : {}),
        });
        const keys = new Set(rows.map((r) => r.key));
        set((s) => ({ rows, loading: false, selected: new Set([...s.selected].filter((k) => keys.has(k))) }));
      } catch (e) {
        set({ loading: false, error: errorText(e) });
      }
    },
    async send(sessionId) {
      const rows = get().rows;
      const keys = rows.filter((r) => get().selected.has(r.key) && r.status === 'unsent').map((r) => r.key);
      set({ error: undefined });
      try {
        const { jobId, total } = await invoke('session.send', { sessionId, keys });
        set({
          job: { jobId, state: 'running', total, done: 0, counts: { ...noCounts(), inProgress: total }, documents: keys.map((key) => ({ key, erpNumber: '', state: 'unsent', status: 'inProgress' })) },
          selected: new Set(),
        });
        await follow(sessionId, jobId);
      } catch (e) {
        set({ error: errorText(e) });
      }
    },
    async resend(sessionId) {
      const ettns = get()
        .rows.filter((r) => get().selected.has(r.key) && r.resendable && r.ettn)
        .map((r) => r.ettn!);
      set({ error: undefined });
      try {
        const { jobId, total } = await invoke('session.resend', { sessionId, ettns });
        set({ job: { jobId, state: 'running', total, done: 0, counts: { ...noCounts(), inProgress: total }, documents: [] }, selected: new Set() });
        await follow(sessionId, jobId);
      } catch (e) {
        set({ error: errorText(e) });
      }
    },
    async showStatus(sessionId, status) {
      set((s) => ({ filters: { ...s.filters, status } }));
      await get().load(sessionId);
    },
    reset: () => set({ ...initial, selected: new Set(), job: undefined, error: undefined }),
  };
});
