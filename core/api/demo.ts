import { createDemoDatabases, type DemoSummary } from '../../sandbox/demo';
import type { ParsedInput } from './input';

export interface DemoHandlers {
  'demo.init'(input: ParsedInput<'demo.init'>): Promise<DemoSummary>;
}

/** `konnektor demo init` and the desktop app's first run: the bundled demo accounting databases. */
export function createDemoHandlers(): DemoHandlers {
  return {
    async 'demo.init'(input) {
      return createDemoDatabases(input);
    },
  };
}
