/** A validation pool worker: builds one engine, then validates documents one message at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { ValidationEngine, type EngineConfig } from './engine';
import type { WorkerRequest, WorkerResponse } from './pool';

const port = parentPort!;
const post = (m: WorkerResponse): void => port.postMessage(m);

let engine: ValidationEngine;
try {
  engine = new ValidationEngine(workerData as EngineConfig);
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'fatal', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  process.exit(1);
}

port.on('message', (m: WorkerRequest) => {
  if (m.type !== 'validate') return;
  try {
    post({ type: 'result', id: m.id, result: engine.validate(m.xml, m.kind) });
  } catch (e) {
    post({ type: 'error', id: m.id, message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  }
});
