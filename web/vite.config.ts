import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const api = process.env.PARLEY_API ?? 'http://127.0.0.1:8000';
const sharedSrc = fileURLToPath(new URL('../shared/src/', import.meta.url));

/**
 * @parley/shared's modules only declare schemas and constants: marking them free of
 * side effects lets the bundle keep just what the app imports (limits, not every schema).
 */
function sharedIsPure(): Plugin {
  return {
    name: 'parley-shared-is-pure',
    transform(_code, id) {
      if (id.startsWith(sharedSrc)) return { moduleSideEffects: false };
      return null;
    },
  };
}

export default defineConfig({
  plugins: [react(), sharedIsPure()],
  server: {
    port: 5173,
    // ws: the live socket (one per tab) is on /trpc too.
    proxy: { '/trpc': { target: api, changeOrigin: false, ws: true } },
  },
  build: { target: 'es2022', sourcemap: true },
});
