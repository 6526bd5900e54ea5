import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

/** The renderer: one static bundle served by Electron (app:// protocol) and by browser mode alike. */
export default defineConfig({
  root: path.join(root, 'renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist', 'renderer'),
    emptyOutDir: true,
    // The CSP allows no inline scripts and no eval; keep the module preload polyfill out of the HTML.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
  },
});
