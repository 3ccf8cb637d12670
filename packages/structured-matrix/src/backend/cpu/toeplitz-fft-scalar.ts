import type { ComputeArray } from './cpu-buffer.js';
import { fft, nextPowerOfTwo } from './fft.js';

/**
 * The scalar fallback of `wasmToeplitzMatmul` (same arguments), for engines without
 * WebAssembly SIMD: `out ← T·x` for a lower or upper triangular Toeplitz `T` with coefficients
 * `t`, one float64 complex FFT of length ≥ 2d per pair of columns (column j in the real part,
 * j+1 in the imaginary part; they stay apart because `t` is real), upper as the causal
 * convolution of the reversed columns. O(n·d·log d).
 */
export function scalarToeplitzMatmul(
  out: ComputeArray,
  outOffset: number,
  ldOut: number,
  coefficients: Float64Array,
  x: ComputeArray,
  xOffset: number,
  ldx: number,
  d: number,
  n: number,
  lower: boolean,
): void {
  const length = nextPowerOfTwo(2 * d);
  const tRe = new Float64Array(length);
  const tIm = new Float64Array(length);
  tRe.set(coefficients);
  fft(tRe, tIm, false);
  const re = new Float64Array(length);
  const im = new Float64Array(length);
  for (let j = 0; j < n; j += 2) {
    re.fill(0);
    im.fill(0);
    const pair = j + 1 < n;
    for (let i = 0; i < d; i++) {
      const source = xOffset + (lower ? i : d - 1 - i) * ldx + j;
      re[i] = x[source]!;
      if (pair) im[i] = x[source + 1]!;
    }
    fft(re, im, false);
    for (let f = 0; f < length; f++) {
      const r = re[f]! * tRe[f]! - im[f]! * tIm[f]!;
      im[f] = re[f]! * tIm[f]! + im[f]! * tRe[f]!;
      re[f] = r;
    }
    fft(re, im, true);
    for (let i = 0; i < d; i++) {
      const target = outOffset + (lower ? i : d - 1 - i) * ldOut + j;
      out[target] = re[i]! / length;
      if (pair) out[target + 1] = im[i]! / length;
    }
  }
}

/**
 * The scalar fallback of `wasmColumnAutocorrelations` (same arguments):
 * `totals_k ← Σ_j Σ_i x_{i,j}·x_{i+k,j}`, two columns per float64 complex FFT of length ≥ 2d
 * (`|A_f|² + |B_f|² = (|Z_f|² + |Z_{N−f}|²)/2` for z = a + i·b), the power spectra summed and
 * transformed back once. O(n·d·log d).
 */
export function scalarColumnAutocorrelations(
  totals: Float64Array,
  x: ComputeArray,
  xOffset: number,
  ldx: number,
  d: number,
  n: number,
): void {
  const length = nextPowerOfTwo(2 * d);
  const re = new Float64Array(length);
  const im = new Float64Array(length);
  const power = new Float64Array(length);
  for (let j = 0; j < n; j += 2) {
    re.fill(0);
    im.fill(0);
    const pair = j + 1 < n;
    for (let i = 0; i < d; i++) {
      re[i] = x[xOffset + i * ldx + j]!;
      if (pair) im[i] = x[xOffset + i * ldx + j + 1]!;
    }
    fft(re, im, false);
    for (let f = 0; f < length; f++) {
      const g = (length - f) % length;
      power[f] = power[f]! + (re[f]! * re[f]! + im[f]! * im[f]! + re[g]! * re[g]! + im[g]! * im[g]!) / 2;
    }
  }
  fft(power, new Float64Array(length), true);
  for (let k = 0; k < totals.length; k++) totals[k] = k < d ? power[k]! / length : 0;
}
