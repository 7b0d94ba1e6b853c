import { join } from 'node:path';
import { type BuildOptions, buildSync } from 'esbuild';

/**
 * How a handler from functions/ becomes its Lambda code: one esbuild run, ESM for Node.js 22, minified,
 * the AWS SDK and Smithy included (the versions the tests ran, not whatever the Lambda runtime ships),
 * and split into chunks. Splitting is the point: a module the handler reaches only through `import()`
 * (a service only some paths call, the SDK's own credential providers for other environments) becomes a
 * file of its own that Node reads and compiles only when a path first needs it. Inside one file esbuild
 * would defer running it but Node would still parse all of it at start, which is most of a start's cost.
 * The construct (infra/controller-function.ts) and the cold-start benchmark both bundle with this.
 */
export const FUNCTION_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  splitting: true,
  mainFields: ['module', 'main'],
  outExtension: { '.js': '.mjs' },
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS packages inside the bundle still require() Node built-ins (`process`, `buffer`) at run time,
  // which an ESM file has only through createRequire; every chunk gets it, each is its own module scope.
  banner: {
    js: "import { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
  },
  logLevel: 'error',
} as const satisfies BuildOptions;

/** The file Lambda loads (`index.handler`); the chunks sit next to it under chunks/. */
export const FUNCTION_BUNDLE_ENTRY_FILE = 'index.mjs';

/** Bundles `entry` into `outdir` (index.mjs plus chunks/); throws with esbuild's messages when it fails. */
export function bundleFunction(entry: string, outdir: string): void {
  buildSync({ ...FUNCTION_BUNDLE_OPTIONS, entryPoints: [entry], outdir });
}

/** Where `bundleFunction` put the entry file. */
export const bundleEntryPath = (outdir: string): string => join(outdir, FUNCTION_BUNDLE_ENTRY_FILE);
