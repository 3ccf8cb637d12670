/**
 * The two FFT paths of the cpu Toeplitz kernels (WebAssembly SIMD float64 in `fft-wasm.ts`,
 * scalar float64 in `toeplitz-fft-scalar.ts`) against direct float64 sums, on sizes that reach
 * every branch of the WebAssembly driver: transforms shorter and longer than its 256-row
 * cache block (the latter read the source in the first stage and write the target in the last),
 * odd and even log2 N (a radix-2 stage or not), partial batches of 16 columns, offsets, row
 * strides, upper and lower, float32 and float64 arrays. The tolerance is `toleranceFor('float64')`
 * relative to the magnitude Σ|t|·|x| (the rounding error of any summation order) plus the
 * FFT's normwise error, c·u·log2 N times ‖t‖₁·‖x_j‖₂ (or the energy Σx² for autocorrelations):
 * an FFT spreads the rounding errors of large entries over all outputs, so an output much
 * smaller than the norms is accurate to u·log N of the norms, not of itself. Inputs include
 * entries scaled down by up to 10⁶ to exercise exactly that.
 */
import { toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  wasmColumnAutocorrelations,
  wasmFftAvailable,
  wasmToeplitzMatmul,
} from '../../src/backend/cpu/fft-wasm.js';
import {
  scalarColumnAutocorrelations,
  scalarToeplitzMatmul,
} from '../../src/backend/cpu/toeplitz-fft-scalar.js';

type Matmul = typeof scalarToeplitzMatmul;
type Autocorrelations = typeof scalarColumnAutocorrelations;

/** The WebAssembly kernels with the matrix read in place (row stride) or as panels of 16 columns. */
const wasmMatmulIn =
  (panelled: boolean): Matmul =>
  (...args) => {
    expect(wasmToeplitzMatmul(...args, panelled)).toBe(true);
  };
const wasmAutocorrelationsIn =
  (panelled: boolean): Autocorrelations =>
  (...args) => {
    expect(wasmColumnAutocorrelations(...args, panelled)).toBe(true);
  };
const wasmMatmul = wasmMatmulIn(false);
const wasmAutocorrelations = wasmAutocorrelationsIn(false);

const PATHS = [
  { name: 'WebAssembly SIMD', matmul: wasmMatmul, autocorrelations: wasmAutocorrelations },
  {
    name: 'WebAssembly SIMD, panels',
    matmul: wasmMatmulIn(true),
    autocorrelations: wasmAutocorrelationsIn(true),
  },
  { name: 'scalar', matmul: scalarToeplitzMatmul, autocorrelations: scalarColumnAutocorrelations },
] as const;

/** A seeded uniform source on [−1, 1) with some entries scaled down by up to 10⁶ (cancellation). */
function randomSource(seed: number) {
  let state = seed % 2147483647 || 1;
  const next = () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
  return () => (2 * next() - 1) * (next() < 0.2 ? 10 ** (-6 * next()) : 1);
}

interface Case {
  readonly d: number;
  readonly n: number;
  readonly lower: boolean;
  readonly f32: boolean;
  readonly seed: number;
}

function setUp({ d, n, f32, seed }: Case) {
  const random = randomSource(seed);
  const ldx = n + 3;
  const xOffset = 5;
  const length = xOffset + d * ldx + 2;
  const x = f32 ? Float32Array.from({ length }, random) : Float64Array.from({ length }, random);
  const t = Float64Array.from({ length: d }, random);
  const at = (i: number, j: number) => x[xOffset + i * ldx + j]!;
  return { x, t, ldx, xOffset, at };
}

function checkMatmul(matmul: Matmul, c: Case): void {
  const { d, n, lower, f32 } = c;
  const { x, t, ldx, xOffset, at } = setUp(c);
  const ldOut = n + 1;
  const outOffset = 2;
  const out = new (f32 ? Float32Array : Float64Array)(outOffset + d * ldOut + 1).fill(7);
  matmul(out, outOffset, ldOut, t, x, xOffset, ldx, d, n, lower);
  const { rtol, atol } = toleranceFor('float64');
  // The FFT's error is normwise: |error_ij| ≲ c·u·log2 N·‖t‖₁·‖x_j‖₂ with u = 2⁻⁵³ (c = 64 here).
  const tNorm = t.reduce((sum, value) => sum + Math.abs(value), 0);
  const fftError = (j: number) => {
    let squares = 0;
    for (let p = 0; p < d; p++) squares += at(p, j) ** 2;
    return 64 * 2 ** -53 * Math.log2(2 * d + 2) * tNorm * Math.sqrt(squares);
  };
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < n; j++) {
      let total = 0;
      let magnitude = 0;
      for (let p = lower ? 0 : i; p <= (lower ? i : d - 1); p++) {
        const term = t[lower ? i - p : p - i]! * at(p, j);
        total += term;
        magnitude += Math.abs(term);
      }
      // float32 output: the float64 result rounded once (half an ulp of float32 on top).
      const got = out[outOffset + i * ldOut + j]!;
      const error = Math.abs(got - total);
      const bound = (f32 ? 2 ** -24 * Math.abs(total) : atol) + rtol * magnitude + fftError(j);
      if (!(error <= bound))
        expect.fail(`T·x[${i}, ${j}] = ${got}, expected ${total} (${JSON.stringify(c)})`);
    }
    // Padding columns between rows are untouched.
    expect(out[outOffset + i * ldOut + n]).toBe(7);
  }
  expect(out[0]).toBe(7);
  expect(out[1]).toBe(7);
}

function checkAutocorrelations(autocorrelations: Autocorrelations, c: Case): void {
  const { d, n } = c;
  const { x, ldx, xOffset, at } = setUp(c);
  const lags = d + 2;
  const totals = new Float64Array(lags).fill(7);
  autocorrelations(totals, x, xOffset, ldx, d, n);
  const { rtol, atol } = toleranceFor('float64');
  let energy = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < n; j++) energy += at(i, j) ** 2;
  for (let k = 0; k < lags; k++) {
    let total = 0;
    let magnitude = 0;
    for (let i = 0; i + k < d; i++) {
      for (let j = 0; j < n; j++) {
        total += at(i, j) * at(i + k, j);
        magnitude += Math.abs(at(i, j) * at(i + k, j));
      }
    }
    // Plus the FFT's normwise error, relative to the energy Σx² (the lag-0 sum): 64·u·log2 N.
    const bound = atol + rtol * magnitude + 64 * 2 ** -53 * Math.log2(2 * d + 2) * energy;
    if (!(Math.abs(totals[k]! - total) <= bound)) {
      expect.fail(`lag ${k}: ${totals[k]}, expected ${total} (${JSON.stringify(c)})`);
    }
  }
}

describe('cpu Toeplitz FFT paths', () => {
  it('WebAssembly SIMD is available on this engine', () => {
    expect(wasmFftAvailable()).toBe(true);
  });

  for (const path of PATHS) {
    it(`${path.name}: T·x and Tᵀ·x match direct sums (d = 1 … 300, n = 1 … 40)`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 300 }),
          fc.integer({ min: 1, max: 40 }),
          fc.boolean(),
          fc.boolean(),
          fc.integer({ min: 1, max: 2 ** 30 }),
          (d, n, lower, f32, seed) => checkMatmul(path.matmul, { d, n, lower, f32, seed }),
        ),
        { numRuns: 25 },
      );
    });

    it(`${path.name}: column autocorrelations match direct sums`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 300 }),
          fc.integer({ min: 1, max: 40 }),
          fc.boolean(),
          fc.integer({ min: 1, max: 2 ** 30 }),
          (d, n, f32, seed) => checkAutocorrelations(path.autocorrelations, { d, n, lower: true, f32, seed }),
        ),
        { numRuns: 25 },
      );
    });
  }

  for (const panelled of [false, true]) {
    it(`fixed sizes at every branch of the WebAssembly driver (${panelled ? 'panels' : 'in place'})`, () => {
      const matmul = wasmMatmulIn(panelled);
      const autocorrelations = wasmAutocorrelationsIn(panelled);
      // N = 2 … 1024 (odd and even log2 N), below/above the 256-row block, full and partial batches.
      for (const d of [1, 2, 3, 64, 65, 128, 129, 257, 512]) {
        for (const n of [1, 16, 17, 33]) {
          for (const lower of [true, false]) {
            checkMatmul(matmul, { d, n, lower, f32: d % 2 === 0, seed: d * 100 + n });
          }
          checkAutocorrelations(autocorrelations, { d, n, lower: true, f32: d % 2 === 1, seed: d + n });
        }
      }
      // N = 2048, 4096, 8192: the odd first/last passes, and stages over the whole batch between
      // them and the blocked ones.
      for (const [d, n] of [
        [600, 17],
        [1100, 3],
        [2100, 1],
      ] as const) {
        for (const lower of [true, false]) checkMatmul(matmul, { d, n, lower, f32: lower, seed: d });
        checkAutocorrelations(autocorrelations, { d, n, lower: true, f32: false, seed: n });
      }
    });
  }

  it('panels and in-place reads give bit-identical results, also into a float64 result from float32', () => {
    for (const [d, n] of [
      [70, 33],
      [300, 40],
    ] as const) {
      const random = randomSource(d + n);
      const x = Float32Array.from({ length: d * n }, random);
      const t = Float64Array.from({ length: d }, random);
      for (const lower of [true, false]) {
        for (const Out of [Float32Array, Float64Array]) {
          const [inPlace, panels] = [new Out(d * n), new Out(d * n)];
          wasmMatmulIn(false)(inPlace, 0, n, t, x, 0, n, d, n, lower);
          wasmMatmulIn(true)(panels, 0, n, t, x, 0, n, d, n, lower);
          expect(Array.from(panels)).toEqual(Array.from(inPlace));
        }
      }
      const [inPlace, panels] = [new Float64Array(d), new Float64Array(d)];
      wasmAutocorrelationsIn(false)(inPlace, x, 0, n, d, n);
      wasmAutocorrelationsIn(true)(panels, x, 0, n, d, n);
      expect(Array.from(panels)).toEqual(Array.from(inPlace));
    }
  });

  it('a 2 MiB matrix (the default layout reads it as panels) matches in place and direct sums', () => {
    const [d, n] = [2048, 128];
    const random = randomSource(7);
    const x = Float64Array.from({ length: d * n }, random);
    const t = Float64Array.from({ length: d }, random);
    const [byDefault, inPlace] = [new Float64Array(d * n), new Float64Array(d * n)];
    expect(wasmToeplitzMatmul(byDefault, 0, n, t, x, 0, n, d, n, true)).toBe(true);
    wasmMatmulIn(false)(inPlace, 0, n, t, x, 0, n, d, n, true);
    expect(byDefault).toEqual(inPlace);
    // Spot check against direct sums (rows 0, 1, d − 1 of a few columns).
    for (const i of [0, 1, d - 1]) {
      for (const j of [0, 77, n - 1]) {
        let total = 0;
        let magnitude = 0;
        for (let p = 0; p <= i; p++) {
          total += t[i - p]! * x[p * n + j]!;
          magnitude += Math.abs(t[i - p]! * x[p * n + j]!);
        }
        expect(Math.abs(byDefault[i * n + j]! - total)).toBeLessThanOrEqual(1e-12 * magnitude + 1e-12);
      }
    }
  });

  it('float32 arrays get the float64 result rounded once (bit for bit)', () => {
    for (const [d, n] of [
      [100, 20],
      [300, 16],
    ] as const) {
      const random = randomSource(d);
      const x32 = Float32Array.from({ length: d * n }, random);
      const x64 = Float64Array.from(x32);
      const t = Float64Array.from({ length: d }, random);
      for (const lower of [true, false]) {
        const out32 = new Float32Array(d * n);
        const out64 = new Float64Array(d * n);
        wasmMatmul(out32, 0, n, t, x32, 0, n, d, n, lower);
        wasmMatmul(out64, 0, n, t, x64, 0, n, d, n, lower);
        expect(Array.from(out32)).toEqual(Array.from(Float32Array.from(out64)));
      }
    }
  });
});
