// Builds dist/square-inpainter.js (the element with Lit bundled in) and its lazy chunk dist/attention.js, and copies onnxruntime-web's own files
// to dist/ort/, untouched but for their source-map comments. ORT stays out of the bundle: its threaded wasm starts workers from its own module
// URL, which breaks once it is inlined, and a WASM-only page must never fetch the WebGPU build. Also builds the runtime worker
// (dist/ort/square-inpainter-worker.js) and, outside the package, the bench's page code and worker (dist-bench/).
// onnxruntime-web is a devDependency: the package ships these copies, and its type declarations (dist/types/) are only those
// the public entry reaches, none naming onnxruntime-web.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const require = createRequire(import.meta.url);
// The package's "require" entry is dist/ort.min.js: its folder holds every build.
const ortDist = path.dirname(require.resolve('onnxruntime-web'));

/**
 * ORT entry points, imported by src/runtime/on-page.ts, rewritten to their copies in dist/ort/: the `*.bundle.min.mjs`
 * builds, which hold their glue code and find their wasm with a literal `new URL('….wasm', import.meta.url)`,
 * the form a host app's bundler follows.
 */
const ORT_ENTRIES = {
  'onnxruntime-web/wasm': './ort/ort.wasm.bundle.min.mjs',
  'onnxruntime-web/webgpu': './ort/ort.webgpu.bundle.min.mjs',
  'onnxruntime-web/jspi': './ort/ort.jspi.bundle.min.mjs',
};

/** Each build and its wasm: WASM, WebGPU on asyncify, WebGPU on JSPI. */
const ORT_FILES = [
  'ort.wasm.bundle.min.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort.webgpu.bundle.min.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort.jspi.bundle.min.mjs',
  'ort-wasm-simd-threaded.jspi.wasm',
];

/**
 * The demo's CNN baselines (demo/models/, written by training/demo_models.py) ship as dist/baselines/, for pages that
 * compare them with the bundled BERT through `model-src`. Nothing loads them unless a page names them.
 */
const BASELINES = 'demo/models';

function copyOrt() {
  return {
    name: 'copy-onnxruntime-web',
    async generateBundle() {
      for (const file of ORT_FILES) {
        let source = await readFile(path.join(ortDist, file));
        if (file.endsWith('.mjs')) {
          // The source maps are not shipped; drop the comment so devtools does not ask for them.
          source = source.toString('utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
        }
        this.emitFile({ type: 'asset', fileName: `ort/${file}`, source });
      }
      for (const file of readdirSync(BASELINES).filter((name) => name.endsWith('.onnx') || name === 'manifest.json')) {
        this.emitFile({ type: 'asset', fileName: `baselines/${file}`, source: await readFile(path.join(BASELINES, file)) });
      }
    },
  };
}

/** The package's entry points: `square-inpainter` (the element) and `square-inpainter/priors`. */
const PUBLIC_ENTRIES = ['index', 'priors'];

/**
 * Keeps only the declarations that the entries' (`types/index.d.ts`, `types/priors.d.ts`) reach, and fails the build if one of them imports a package
 * that is not a dependency: a TypeScript consumer with `skipLibCheck: false` has only the dependencies installed
 * (onnxruntime-web is a devDependency). The runtime's internals (engine.ts names onnxruntime-web's types) are not
 * part of the public types. dist/types/ is emptied first, so no declaration of an earlier build stays behind.
 */
function publicTypes() {
  const dependencies = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).dependencies ?? {});
  const isDependency = (specifier) => dependencies.some((name) => specifier === name || specifier.startsWith(`${name}/`));
  return {
    name: 'public-types',
    buildStart() {
      rmSync('dist/types', { recursive: true, force: true });
    },
    generateBundle(_, bundle) {
      const declarations = Object.keys(bundle).filter((name) => name.startsWith('types/') && name.endsWith('.d.ts'));
      const reached = new Set();
      const pending = PUBLIC_ENTRIES.map((entry) => `types/${entry}.d.ts`);
      while (pending.length) {
        const name = pending.pop();
        if (reached.has(name)) continue;
        if (!bundle[name]) this.error(`public types: ${name} was not emitted`);
        reached.add(name);
        // Comments go first: a JSDoc example may show an import.
        const text = String(bundle[name].source).replace(/\/\*[^]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
        for (const [, specifier] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|reference\s+types=)['"]([^'"]+)['"]/g)) {
          if (specifier.startsWith('.')) pending.push(path.posix.join(path.posix.dirname(name), specifier.replace(/\.js$/, '.d.ts')));
          else if (!isDependency(specifier)) {
            this.error(`public types: dist/${name} imports '${specifier}', which is not a dependency; keep it out of the types src/index.ts exports`);
          }
        }
      }
      for (const name of declarations) if (!reached.has(name)) delete bundle[name];
    },
  };
}

/**
 * Minifies the element's stylesheet, the one css`` literal in src/square-inpainter.styles.ts (built as unsafeCSS of
 * the same text): terser keeps
 * template literals as written, and the sheet's comments and indentation cost ~100 bytes gzipped.
 */
function minifyStyles() {
  return {
    name: 'minify-styles',
    transform(code, id) {
      if (!id.endsWith('square-inpainter.styles.ts')) return null;
      // Only the literal's inside changes, and it maps to itself: the module's source map stays valid.
      let transformed = code.replace(/css\s*`([^`]*)`/, (_, sheet) => {
        const minified = sheet
          .replace(/\/\*[^]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};,])\s*/g, '$1')
          .replace(/\(\s+/g, '(')
          .replace(/\s+\)/g, ')')
          .replace(/([\w-]): /g, '$1:')
          .replace(/;}/g, '}')
          // [part~='cell'] -> [part~=cell]: an identifier needs no quotes.
          .replace(/(\[[\w-]+~?=)'([\w-]+)'\]/g, '$1$2]')
          .replace(/(^|[^\w.])0\.(\d)/g, '$1.$2')
          // Only + and - need spaces around them in calc().
          .replace(/ ?([*/]) ?/g, '$1')
          .trim();
        return `unsafeCSS(\`${minified}\`)`;
      });
      // The sheet is one literal with no interpolations: unsafeCSS of that text is the same CSSResult, and
      // leaves out the css tag and its error message (about 100 bytes gzipped, most of what show-attention costs).
      if (transformed === code || code.includes('${')) this.error('square-inpainter.styles.ts: expected one css`` literal without ${}');
      transformed = transformed.replace(/import \{ css \} from 'lit';/, "import { unsafeCSS } from 'lit';");
      return { code: transformed, map: null };
    },
  };
}

const element = {
  input: 'src/index.ts',
  external: Object.keys(ORT_ENTRIES),
  // The attention chunk imports the runtime from the entry: let the entry export what it needs (short names)
  // rather than move everything into a third chunk behind a facade.
  preserveEntrySignatures: 'allow-extension',
  output: {
    // The entry keeps its name; show-attention's code is a chunk beside it (dist/attention.js), loaded by a
    // literal relative import() only when an element shows attention, which host bundlers follow.
    dir: 'dist',
    entryFileNames: 'square-inpainter.js',
    chunkFileNames: '[name].js',
    format: 'es',
    sourcemap: true,
    paths: ORT_ENTRIES,
  },
  plugins: [
    resolve({ browser: true }),
    minifyStyles(),
    typescript({ tsconfig: './tsconfig.json', outDir: 'dist', declarationDir: 'dist/types', sourceMap: true }),
    publicTypes(),
    // The element must stay under 16,000 bytes gzipped. Three passes, unused arguments dropped and the inlined
    // one-use function expressions written as arrows (none uses this, arguments or new) save about 50 bytes.
    terser({ ecma: 2022, module: true, compress: { passes: 3, keep_fargs: false, unsafe_arrows: true }, format: { comments: false } }),
    copyOrt(),
  ],
};

/**
 * The runtime worker, dist/ort/square-inpainter-worker.js: one file with no imports, so a host bundler that
 * copies it as an asset (rollup's import-meta-assets) or compiles it to a classic script (Parcel) keeps it whole.
 * It imports onnxruntime-web at run time from the URL the page sends (src/runtime/worker.ts).
 */
const worker = {
  input: 'src/runtime/worker.ts',
  output: { file: 'dist/ort/square-inpainter-worker.js', format: 'es', sourcemap: true },
  plugins: [
    resolve({ browser: true }),
    typescript({ tsconfig: './tsconfig.json', outDir: 'dist/ort', declaration: false, declarationDir: null, sourceMap: true }),
    // The import's hints stay: bundlers that build the worker leave that import() to the browser.
    terser({ ecma: 2022, module: true, compress: { passes: 3 }, format: { comments: /@vite-ignore|webpackIgnore/ } }),
  ],
};

/**
 * The bench's timing page code and its runtime worker (bench/harness.ts, bench/worker.ts), typed against the
 * runtime's messages (src/runtime/protocol.ts), so a change there fails this build. dist-bench/ is not in the
 * package: users never ship the bench's messages. Minified like the runtime worker, whose engine it runs.
 */
const bench = {
  input: { harness: 'bench/harness.ts', worker: 'bench/worker.ts' },
  output: { dir: 'dist-bench', format: 'es', sourcemap: true, chunkFileNames: '[name].js' },
  plugins: [
    resolve({ browser: true }),
    typescript({ tsconfig: './bench/tsconfig.json' }),
    terser({ ecma: 2022, module: true, compress: { passes: 3 }, format: { comments: false } }),
  ],
};

/**
 * `square-inpainter/priors` (dist/priors.js): the exact posteriors alone, one file with no imports, so that Node, a
 * worker or a page can use them without defining the element. The element keeps its own copy (its lazy image-set chunk).
 */
const priors = {
  input: 'src/priors.ts',
  output: { file: 'dist/priors.js', format: 'es', sourcemap: true },
  plugins: [
    typescript({ tsconfig: './tsconfig.json', outDir: 'dist', declaration: false, declarationDir: null, sourceMap: true }),
    terser({ ecma: 2022, module: true, compress: { passes: 3 }, format: { comments: false } }),
  ],
};

export default [element, worker, priors, bench];
