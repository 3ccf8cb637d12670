/**
 * Browser bundles built with vite's build API: the packages' browser entry points in library
 * mode, and the end-to-end test page in app mode. Both bundle every dependency (tfjs, gpu.js)
 * as a browser app would, with vite's browser resolution (`browser` fields and conditions).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig, type Plugin, type Rollup } from 'vite';
import shared from '../../vitest.shared.js';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Packages that run in a browser (bench is a Node CLI). */
export const BROWSER_PACKAGES = ['half', 'structured-matrix', 'kron-curvature', 'singd', 'tfjs'] as const;

/**
 * Every entry point of the browser packages: `@singd/<pkg>[/<subpath>]` → its source file
 * (the `"@singd/source"` target of its `exports` entry).
 */
export function browserEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const dir of BROWSER_PACKAGES) {
    const manifestPath = join(repoRoot, 'packages', dir, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, unknown> };
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const source = (target as Record<string, unknown> | string)?.['@singd/source' as never] as unknown;
      if (typeof source !== 'string') continue;
      const name = subpath === '.' ? dir : `${dir}/${subpath.slice(2)}`;
      entries[name] = join(repoRoot, 'packages', dir, source);
    }
  }
  return entries;
}

/** The workspace aliases of vitest.shared.ts (`@singd/*` → sources, the tfjs peer). */
function aliases(): NonNullable<NonNullable<InlineConfig['resolve']>['alias']> {
  return shared.resolve?.alias ?? [];
}

function common(plugins: Plugin[]): InlineConfig {
  return {
    configFile: false,
    envFile: false,
    logLevel: 'silent',
    mode: 'production',
    resolve: { alias: aliases() },
    plugins,
  };
}

/**
 * Bundles `entries` (name → source file) as browser ES modules in library mode, every
 * dependency included, without writing files. Returns the output chunks.
 */
export async function bundleLibraries(
  entries: Record<string, string>,
  plugins: Plugin[],
): Promise<Rollup.OutputChunk[]> {
  const output = await build({
    ...common(plugins),
    root: repoRoot,
    build: {
      lib: { entry: entries, formats: ['es'] },
      write: false,
      minify: false,
      sourcemap: false,
      reportCompressedSize: false,
      target: 'es2022',
    },
  });
  const outputs = (Array.isArray(output) ? output : [output]) as Rollup.RollupOutput[];
  return outputs.flatMap((o) => o.output.filter((c): c is Rollup.OutputChunk => c.type === 'chunk'));
}

/** Builds the end-to-end test page (test/browser/page) as a static app into `outDir`. */
export async function buildPage(outDir: string, plugins: Plugin[]): Promise<string[]> {
  await build({
    ...common(plugins),
    root: join(repoRoot, 'test', 'browser', 'page'),
    base: './',
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      sourcemap: false,
      reportCompressedSize: false,
      target: 'es2022',
    },
  });
  return readdirSync(outDir, { recursive: true, encoding: 'utf8' });
}
