/**
 * The one vitest configuration every package extends.
 *
 * Workspace packages resolve to their TypeScript sources, so tests never need a build:
 * each `exports` entry of a `packages/<name>/package.json` that carries the
 * `"@singd/source"` condition becomes an alias `@singd/<name>[/<subpath>]` → that source file.
 * TypeScript's `customConditions: ["@singd/source"]` (in each package's tsconfig.json) reads
 * the same condition, so the type checker and the test runner see the same files.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));
const packagesDir = join(root, 'packages');

interface PackageJson {
  name: string;
  exports?: Record<string, unknown>;
}

function sourceAliases(): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const dir of readdirSync(packagesDir)) {
    let manifest: PackageJson;
    try {
      manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as PackageJson;
    } catch {
      continue;
    }
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target !== 'object' || target === null) continue;
      const source = (target as Record<string, unknown>)['@singd/source'];
      if (typeof source !== 'string') continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      aliases.push({ find: new RegExp(`^${escaped}$`), replacement: resolve(packagesDir, dir, source) });
    }
  }
  return aliases;
}

/**
 * README and docs examples run from `.vitest/` at the repository root, where the optional peer
 * `@tensorflow/tfjs` (a devDependency of packages/tfjs only) does not resolve: point it there.
 */
function peerAliases(): { find: RegExp; replacement: string }[] {
  return ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']
    .map((name) => ({ name, dir: join(packagesDir, 'tfjs', 'node_modules', name) }))
    .filter(({ dir }) => existsSync(dir))
    .map(({ name, dir }) => ({
      find: new RegExp(`^${name.replace(/[/-]/g, '\\$&')}$`),
      replacement: realpathSync(dir),
    }));
}

export default defineConfig({
  resolve: { alias: [...sourceAliases(), ...peerAliases()] },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
