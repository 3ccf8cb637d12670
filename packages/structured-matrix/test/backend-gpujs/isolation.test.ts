import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * gpu.js is an optional peer dependency used by the `./backend-gpujs` entry point alone: no other
 * source file of the package may import gpu.js or the gpujs backend's modules.
 */
const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('gpu.js isolation', () => {
  const files = sources(src).map((path) => ({ path: relative(src, path), text: readFileSync(path, 'utf8') }));
  const inGpujs = (path: string) => path.startsWith(join('backend', 'gpujs'));

  it('only src/backend/gpujs imports gpu.js, and it does', () => {
    const importers = files.filter((f) => /from 'gpu\.js'/.test(f.text)).map((f) => f.path);
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((p) => !inGpujs(p))).toEqual([]);
  });

  it('no module outside src/backend/gpujs imports it', () => {
    const leaks = files
      .filter((f) => !inGpujs(f.path) && /from '[^']*\/gpujs\//.test(f.text))
      .map((f) => f.path);
    expect(leaks).toEqual([]);
  });

  it('the entry point is exported as ./backend-gpujs', () => {
    const pkg = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(pkg.exports['./backend-gpujs']?.['@singd/source']).toBe('./src/backend/gpujs/index.ts');
  });
});
