/**
 * The one word a document screen shows for a document, and the same words in its status filter. The outbox has
 * more states than a bookkeeper needs to tell apart (pending → built → validated → queued → sent → processing are
 * all "on its way"); this is the only place that groups them. No imports: the renderer uses it at run time.
 */
export const DOCUMENT_STATUSES = ['unsent', 'inProgress', 'delivered', 'accepted', 'rejected', 'failed', 'invalid'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** What the status filter offers: every status, and all of them. */
export const STATUS_FILTERS = ['all', ...DOCUMENT_STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/**
 * The status of a row from its outbox state (`unsent` when only the ERP knows it). `pending` is a document that
 * was invalid and passed its checks again after a correction in the ERP: it waits for "Gönder" like any unsent one.
 */
export function documentStatusOf(state: string): DocumentStatus {
  switch (state) {
    case 'unsent':
    case 'pending':
      return 'unsent';
    case 'delivered':
    case 'accepted':
    case 'rejected':
    case 'failed':
    case 'invalid':
      return state;
    default:
      return 'inProgress';
  }
}

/** Statuses that a finished send leaves in place (a TICARIFATURA still waits in `delivered` for its answer). */
export function isSettledStatus(status: DocumentStatus): boolean {
  return status !== 'unsent' && status !== 'inProgress';
}
