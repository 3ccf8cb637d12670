/**
 * The packages bundle for the browser: every entry point of half, structured-matrix (with
 * backend-gpujs), kron-curvature, singd and tfjs builds with vite (library mode, ES modules,
 * every dependency bundled with browser resolution) and needs no Node built-in.
 */
import type { Plugin, Rollup } from 'vite';
import { describe, expect, it } from 'vitest';
import { isNodeBuiltin, nodeBuiltinGuard } from './node-builtin-guard.js';
import { browserEntries, bundleLibraries } from './vite-bundles.js';

/**
 * Modules vite replaced by an empty browser stub because they are Node built-ins
 * (`__vite-browser-external:<name>`). A package's own `browser: { x: false }` mapping yields the
 * plain `__vite-browser-external` id instead, and is not listed.
 */
function replacedBuiltins(chunks: Rollup.OutputChunk[]): string[] {
  return [...new Set(chunks.flatMap((c) => c.moduleIds))].filter((id) =>
    id.startsWith('__vite-browser-external:'),
  );
}

describe('browser bundles', () => {
  const entries = browserEntries();

  it('cover every entry point of the browser packages', () => {
    expect(Object.keys(entries)).toEqual(
      expect.arrayContaining([
        'half',
        'structured-matrix',
        'structured-matrix/backend-gpujs',
        'kron-curvature',
        'singd',
        'tfjs',
      ]),
    );
  });

  it('build as ES modules with no Node built-in', async () => {
    const guard = nodeBuiltinGuard();
    const chunks = await bundleLibraries(entries, [guard.plugin]);
    expect(guard.violations).toEqual([]);
    // Only third-party modules whose package.json `browser` field maps the built-in to false.
    for (const stub of guard.declaredStubs) expect(stub.importer).toContain('/node_modules/');
    const entryChunks = chunks.filter((c) => c.isEntry).map((c) => c.name);
    expect(entryChunks.sort()).toEqual(Object.keys(entries).sort());
    for (const chunk of chunks) {
      // ES module output: static imports are other chunks of the bundle, never Node modules.
      for (const imported of [...chunk.imports, ...chunk.dynamicImports]) {
        expect(isNodeBuiltin(imported), `${chunk.fileName} imports ${imported}`).toBe(false);
      }
    }
    expect(replacedBuiltins(chunks)).toEqual([]);
  }, 60_000);

  it('the checks catch a Node built-in in browser code (control)', async () => {
    const guard = nodeBuiltinGuard();
    const id = '\0virtual:node-user';
    const virtualEntry: Plugin = {
      name: 'singd:virtual-node-user',
      resolveId: (source) => (source.endsWith('virtual:node-user') ? id : null),
      load: (source) =>
        source === id
          ? "import { readFileSync } from 'node:fs'; import { join } from 'path';\n" +
            "export const read = () => readFileSync(join('a', 'b'));"
          : null,
    };
    const chunks = await bundleLibraries({ user: 'virtual:node-user' }, [guard.plugin, virtualEntry]);
    expect(guard.violations.map((v) => v.specifier).sort()).toEqual(['node:fs', 'path']);
    expect(replacedBuiltins(chunks).sort()).toEqual([
      '__vite-browser-external:node:fs',
      '__vite-browser-external:path',
    ]);
  }, 30_000);
});
