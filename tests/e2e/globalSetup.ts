import { ensureRendererBuilt } from '../../cli/start';

/** The renderer bundle every browser-mode test serves: built once per run (and only when its sources changed). */
export default async function setup(): Promise<void> {
  await ensureRendererBuilt();
}
