// Electron's entry: runs the TypeScript main process through tsx, as bin/konnektor.js does for the CLI, so every
// file keeps its place (stylesheets, schemas and migrations are found relative to their modules).
import { register } from 'tsx/esm/api';

register();
const { runDesktopApp } = await import('./main.ts');
await runDesktopApp();
