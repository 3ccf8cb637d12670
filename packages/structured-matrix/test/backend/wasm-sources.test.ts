/**
 * The WebAssembly modules the cpu kernels load are built from the sources in the repository:
 * `src/backend/cpu/wasm/fft-f64.wat` is what `scripts/fft-wat.mjs` generates, and every
 * `<name>-wasm.ts` holds the bytes wabt compiles from its `.wat` (`scripts/build-wasm.mjs
 * --check` exits 1 and names the stale file otherwise).
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('WebAssembly sources', () => {
  it('the generated .wat and the embedded module bytes are current (build-wasm --check)', () => {
    let stale = '';
    try {
      execFileSync(process.execPath, [join(packageRoot, 'scripts', 'build-wasm.mjs'), '--check'], {
        cwd: packageRoot,
        stdio: 'pipe',
      });
    } catch (error: unknown) {
      stale = String((error as { stderr?: Buffer }).stderr ?? error);
    }
    expect(stale, 'run node scripts/build-wasm.mjs in packages/structured-matrix').toBe('');
  }, 60_000);
});
