// Builds the dashboard into the Python package (src/homeweave/web/static/), which is committed,
// so installing and running homeweave never needs npm. Rebuild with `npm install && npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig } from 'vite';

const OUT = '../src/homeweave/web/static';
// Gzipped bytes; the build fails past these (the README states the same budget).
// CSS: the first page's (the index chunk's) 10 kB; all pages' together 16 kB.
const BUDGET = { initialJs: 30_000, totalJs: 107_000, initialCss: 10_000, totalCss: 16_000 };

/** Write a .gz beside each text asset (the hub serves it to clients that accept gzip) and
 * check the bundle against its budget. */
function precompressAndBudget() {
  let outDir = OUT;
  return {
    name: 'homeweave-precompress-budget',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    writeBundle(_options, bundle) {
      const sizes = { initialJs: 0, totalJs: 0, initialCss: 0, totalCss: 0 };
      for (const [name, item] of Object.entries(bundle)) {
        if (!/\.(js|css|svg)$/.test(name)) continue;
        const raw = readFileSync(join(outDir, name));
        const gz = gzipSync(raw, { level: 9 });
        if (name.startsWith('assets/')) writeFileSync(join(outDir, `${name}.gz`), gz);
        if (name.endsWith('.js')) {
          sizes.totalJs += gz.length;
          if (item.type === 'chunk' && !item.isDynamicEntry) sizes.initialJs += gz.length;
        } else if (name.endsWith('.css')) {
          sizes.totalCss += gz.length;
          if (name.startsWith('assets/index-')) sizes.initialCss += gz.length;
        }
      }
      const over = Object.keys(BUDGET).filter((k) => sizes[k] > BUDGET[k]);
      const line = Object.keys(BUDGET)
        .map((k) => `${k} ${(sizes[k] / 1000).toFixed(1)} kB gz (budget ${BUDGET[k] / 1000})`)
        .join(', ');
      console.log(`\nbundle: ${line}`);
      if (over.length) throw new Error(`bundle over budget: ${over.join(', ')}`);
    },
  };
}

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // The language tables (src/locales/*.json) as one JSON.parse each, not a module of exports.
  json: { stringify: true, namedExports: false },
  build: {
    outDir: OUT,
    emptyOutDir: true,
    target: 'es2020',
    // terser packs about 2 kB (gzipped) tighter than esbuild: room under the 60 kB budget.
    minify: 'terser',
    terserOptions: { compress: { passes: 2 } },
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 200,
  },
  plugins: [precompressAndBudget()],
  server: {
    // `npm run dev` against a hub started with `homeweave demo` (port 8321).
    proxy: { '/api': { target: 'http://127.0.0.1:8321', ws: true } },
  },
});
