import type { DemoSummary } from '../../sandbox/demo';
import { KonnektorError } from '../errors';
import type { ApiContext } from './context';
import type { ParsedInput } from './input';

export interface DemoHandlers {
  'demo.init'(input: ParsedInput<'demo.init'>): Promise<DemoSummary>;
}

/** `konnektor demo init` and the desktop app's first run: the bundled demo accounting databases. */
export function createDemoHandlers(ctx: ApiContext): DemoHandlers {
  return {
    async 'demo.init'(input) {
      if (!ctx.deps.demo) throw new KonnektorError('DEMO_UNAVAILABLE', 'This API was built without the demo generator');
      return ctx.deps.demo(input);
    },
  };
}
