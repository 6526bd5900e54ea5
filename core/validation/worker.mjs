// Entry of a validation pool worker. A worker thread starts as plain Node: when the TypeScript main cannot be
// loaded as it is (no tsx loader in this thread: .ts unknown, or Node's type stripping without extensionless
// imports), tsx is registered here and the main imported again.
// libxml2-wasm is imported first, outside tsx: through tsx's loader its 1 MB module costs ~80 MB more per worker.
await import('libxml2-wasm');
try {
  await import('./workerMain.ts');
} catch (e) {
  if (e?.code !== 'ERR_UNKNOWN_FILE_EXTENSION' && e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  const { register } = await import('tsx/esm/api');
  register();
  await import('./workerMain.ts?tsx');
}
