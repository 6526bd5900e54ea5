import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The preload script: sandboxed preloads must be a single CommonJS file that requires nothing but `electron`. */
export default defineConfig({
  build: {
    outDir: path.join(root, 'dist', 'electron'),
    emptyOutDir: true,
    minify: false,
    lib: { entry: path.join(root, 'electron', 'preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});
