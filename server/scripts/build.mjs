// Bundles the server into dist/main.js: our code and @parley/shared inlined,
// npm dependencies left to node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  alias: {},
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      // Inline the workspace package; everything else stays external.
      name: 'inline-shared',
      setup(b) {
        b.onResolve({ filter: /^@parley\/shared$/ }, () => ({
          path: new URL('../../shared/src/index.ts', import.meta.url).pathname,
        }));
      },
    },
  ],
});
