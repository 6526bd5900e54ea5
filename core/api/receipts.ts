import { cancelDocument, reportStatusOf, undoCancellation, type CancellationOutcome, type ReportStatus } from '../outbox/cancellation';
import type { ApiContext } from './context';
import type { ParsedInput } from './input';
import { withIntegrator } from './integratorAccess';

/** e-MM and e-SMM receipts after delivery: cancel within the legal window, undo a cancellation, GİB report status. */
export interface ReceiptHandlers {
  'documents.cancel'(input: ParsedInput<'documents.cancel'>): Promise<CancellationOutcome>;
  'documents.undoCancel'(input: ParsedInput<'documents.undoCancel'>): Promise<CancellationOutcome>;
  'documents.reportStatus'(input: ParsedInput<'documents.reportStatus'>): Promise<ReportStatus>;
}

export function createReceiptHandlers(ctx: ApiContext): ReceiptHandlers {
  const run = async <T>(input: ParsedInput<'documents.cancel'>, fn: typeof cancelDocument | typeof undoCancellation | typeof reportStatusOf): Promise<T> => {
    const store = await ctx.store();
    return withIntegrator(input, (clients) => fn({ store, kinds: ctx.kinds, services: clients, now: ctx.now }, input.ettn) as Promise<T>);
  };
  return {
    'documents.cancel': (input) => run(input, cancelDocument),
    'documents.undoCancel': (input) => run(input, undoCancellation),
    'documents.reportStatus': (input) => run(input, reportStatusOf),
  };
}
