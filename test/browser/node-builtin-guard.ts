/**
 * A vite plugin that records every import of a Node built-in (`node:fs`, `fs`, `worker_threads`,
 * …) seen while bundling for the browser, with the module that imports it.
 *
 * A browser bundle must not need Node: vite would silently replace such an import by an empty
 * stub (`__vite-browser-external`) and the code would fail at run time in the browser. The one
 * accepted case is a third-party package whose own `package.json` `browser` field maps the
 * built-in to `false` — the package's declaration that its browser code never uses it (tfjs maps
 * `util`, `crypto` and `node-fetch` so). Those are recorded as `declaredStubs`, not violations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** One import of a Node built-in found in a browser bundle. */
export interface BuiltinImport {
  /** The specifier as written, e.g. `node:fs`. */
  readonly specifier: string;
  /** The importing module (absolute path, or vite's id for virtual modules). */
  readonly importer: string;
}

/** The plugin and what it found once the build finished. */
export interface NodeBuiltinGuard {
  readonly plugin: Plugin;
  /** Imports of Node built-ins the bundle would need: each one is a defect. */
  readonly violations: BuiltinImport[];
  /** Imports a package's `browser` field maps to `false` (stubbed by the package's own declaration). */
  readonly declaredStubs: BuiltinImport[];
}

/** Whether `specifier` names a Node built-in (`node:` scheme or a bare built-in name). */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || isBuiltin(specifier);
}

function nearestManifest(file: string): Record<string, unknown> | undefined {
  let dir = dirname(file);
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8')) as Record<string, unknown>;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Whether the package that contains `importer` maps `specifier` to `false` in its `browser` field. */
function browserFieldStubs(importer: string, specifier: string): boolean {
  if (!importer.includes('/node_modules/') || !existsSync(importer)) return false;
  const browser = nearestManifest(importer)?.['browser'];
  if (typeof browser !== 'object' || browser === null) return false;
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const map = browser as Record<string, unknown>;
  return map[specifier] === false || map[bare] === false;
}

/**
 * Creates the guard. Put its `plugin` into the build's `plugins`; after `build()` resolves, read
 * `violations`. Cost: one check per resolved import specifier.
 */
export function nodeBuiltinGuard(): NodeBuiltinGuard {
  const violations: BuiltinImport[] = [];
  const declaredStubs: BuiltinImport[] = [];
  const plugin: Plugin = {
    name: 'singd:node-builtin-guard',
    enforce: 'pre',
    resolveId(specifier, importer) {
      if (!isNodeBuiltin(specifier)) return null;
      const found = { specifier, importer: importer ?? '(entry)' };
      if (importer !== undefined && browserFieldStubs(importer, specifier)) declaredStubs.push(found);
      else violations.push(found);
      return null; // let vite resolve it as usual; the test fails on `violations`
    },
  };
  return { plugin, violations, declaredStubs };
}
