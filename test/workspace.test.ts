/**
 * Workspace hygiene: every package is a well-formed, standalone ESM package, and imports
 * follow the architecture's layering (nothing imports upward; structured-matrix needs only half).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(root, 'packages');

/** The layering of docs/architecture: which workspace packages each package may import. */
const ALLOWED: Record<string, readonly string[]> = {
  half: [],
  'structured-matrix': ['half'],
  'kron-curvature': ['half', 'structured-matrix'],
  singd: ['half', 'structured-matrix', 'kron-curvature'],
  tfjs: ['half', 'structured-matrix', 'kron-curvature', 'singd'],
  bench: ['half', 'structured-matrix', 'kron-curvature', 'singd', 'tfjs'],
};

interface Manifest {
  name: string;
  type?: string;
  private?: boolean;
  sideEffects?: unknown;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function manifestOf(dir: string): Manifest {
  return JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

const packageDirs = readdirSync(packagesDir).filter((d) => existsSync(join(packagesDir, d, 'package.json')));

describe('workspace packages', () => {
  it('are exactly the packages of the architecture', () => {
    expect(packageDirs.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  for (const dir of packageDirs) {
    describe(dir, () => {
      const manifest = manifestOf(dir);

      it('is a scoped ESM package without side effects, with README, src/index.ts and test/', () => {
        expect(manifest.name).toBe(`@singd/${dir}`);
        expect(manifest.type).toBe('module');
        expect(manifest.sideEffects).toBe(false);
        for (const file of ['README.md', 'src/index.ts', 'tsconfig.json', 'tsconfig.build.json']) {
          expect(existsSync(join(packagesDir, dir, file)), `${dir}/${file}`).toBe(true);
        }
        expect(statSync(join(packagesDir, dir, 'test')).isDirectory()).toBe(true);
      });

      it('maps every export to a source file, a .d.ts and a .js in dist', () => {
        const exportsMap = manifest.exports ?? {};
        expect(Object.keys(exportsMap)).toContain('.');
        for (const [subpath, target] of Object.entries(exportsMap)) {
          if (subpath === './package.json') continue;
          const conditions = target as Record<string, string>;
          expect(
            existsSync(join(packagesDir, dir, conditions['@singd/source'] ?? '')),
            `${subpath} source`,
          ).toBe(true);
          expect(conditions['types']).toMatch(/^\.\/dist\/.*\.d\.ts$/);
          expect(conditions['import']).toMatch(/^\.\/dist\/.*\.js$/);
          expect(Object.keys(conditions)[0], 'source condition must come first').toBe('@singd/source');
        }
      });

      it('declares and imports only the workspace packages below it', () => {
        const declared = Object.keys({
          ...manifest.dependencies,
          ...manifest.peerDependencies,
        }).filter((name) => name.startsWith('@singd/'));
        for (const name of declared) expect(ALLOWED[dir]).toContain(name.slice('@singd/'.length));
        for (const file of sourceFiles(join(packagesDir, dir, 'src'))) {
          // Comments (TSDoc examples) may mention packages without importing them.
          const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
          for (const match of text.matchAll(/from\s+'@singd\/([a-z-]+)[^']*'/g)) {
            const imported = match[1]!;
            expect(ALLOWED[dir], `${relative(root, file)} imports @singd/${imported}`).toContain(imported);
            expect(declared, `${relative(root, file)} imports undeclared @singd/${imported}`).toContain(
              `@singd/${imported}`,
            );
          }
        }
      });
    });
  }
});
