/**
 * What `npm run test:mutation` mutates, module by module, and the tests that judge each module's mutants. Each
 * module runs on its own (its own Stryker run, report and score), with only its tests, so a run stays short.
 * Ranges (`file:from-to`) keep a run to the checks named, not to the whole file around them.
 */
export const MUTATION_MODULES = {
  totals: {
    mutate: ['core/documents/totals.ts'],
    tests: ['tests/unit/totals.test.ts', 'tests/unit/totals-lines.test.ts'],
  },
  outbox: {
    // The sending core: states and their moves, the queue, sending, documents in doubt, polling. (index.ts — the
    // send run over an ERP connector —, write-back and cancellation are covered by integration tests, not here.)
    mutate: ['core/outbox/states.ts', 'core/outbox/store.ts', 'core/outbox/enqueue.ts', 'core/outbox/sender.ts', 'core/outbox/poller.ts'],
    tests: ['tests/unit/outbox.test.ts', 'tests/unit/outbox-doubt.test.ts', 'tests/unit/outbox-moves.test.ts'],
  },
  codes: {
    mutate: ['core/erp/codes.ts'],
    tests: ['tests/unit/erp-codes.test.ts'],
  },
  yearend: {
    mutate: ['core/yearend/plan.ts'],
    tests: ['tests/unit/yearend.test.ts', 'tests/integration/yearend.test.ts'],
  },
  bridge: {
    // The guards and what the bridge answers; its log lines (83, 88) and last-resort error handler (121-123) aside.
    mutate: ['cli/browser.ts:36-82', 'cli/browser.ts:84-87', 'cli/browser.ts:89-120', 'cli/browser.ts:124-140'],
    tests: ['tests/unit/browser-bridge.test.ts'],
  },
  sandbox: {
    // The sandbox's checks of what it is sent: the caller's taxpayer, the document type, base64 and hash, a
    // resent number; the root element and the sender inside the document.
    mutate: ['sandbox/server/connector.ts:28-86', 'sandbox/server/outgoing.ts:120-121', 'sandbox/server/outgoing.ts:236-258', 'sandbox/server/accounts.ts:137-139'],
    tests: ['tests/integration/sandbox-checks.test.ts'],
  },
};
