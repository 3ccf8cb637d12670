import type { MatrixView, VectorView } from '../buffer.js';
import { type ComputeArray, KernelScope } from './cpu-buffer.js';
import { fft, nextPowerOfTwo } from './fft.js';
import { wasmColumnAutocorrelations, wasmToeplitzMatmul } from './fft-wasm.js';
import { scalarColumnAutocorrelations, scalarToeplitzMatmul } from './toeplitz-fft-scalar.js';

/** Below this order the direct O(d²) loops beat the FFT's constant factor. */
const FFT_THRESHOLD = 48;
/**
 * Up to this many columns the scalar FFT (two columns per transform) does less work than the
 * WebAssembly one, whose batches always transform 16 columns (e.g. `fromInner()` and products
 * of two Toeplitz matrices, n = 1).
 */
const SCALAR_MAX_COLUMNS = 4;

function gatherVector(source: ComputeArray, view: VectorView, length: number): Float64Array {
  const values = new Float64Array(length);
  for (let i = 0; i < view.length; i++) values[i] = source[view.offset + i * view.stride]!;
  return values;
}

/**
 * `cpu` kernel: `out ← T·x` for a lower (`T_ij = t_{i−j}`) or upper (`T_ij = t_{j−i}`)
 * triangular Toeplitz `T`. Each column of `x` is a causal (lower) or anti-causal (upper)
 * convolution with `t`, done by FFT of length ≥ 2d for large d, so O(n·d·log d): the
 * WebAssembly SIMD float64 FFT of `fft-wasm.ts` (16 columns per batch), or the scalar one
 * (two columns per transform) for n ≤ 4 or without WebAssembly SIMD. Direct O(n·d²) sums below
 * d = 48. Every path computes in float64 and rounds once to the output's precision.
 */
export function toeplitzMatmul(
  out: MatrixView,
  t: VectorView,
  x: MatrixView,
  options: { readonly lower: boolean },
): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const ts = scope.array(t.buffer);
  let xs = scope.array(x.buffer);
  if (xs === o) xs = xs.slice();
  const d = x.rows;
  const n = x.cols;
  const coefficients = gatherVector(ts, t, d);
  const at = (i: number, j: number) => xs[x.offset + i * x.rowStride + j]!;
  if (d < FFT_THRESHOLD) {
    for (let i = 0; i < d; i++) {
      const oRow = out.offset + i * out.rowStride;
      for (let j = 0; j < n; j++) {
        let total = 0;
        if (options.lower) for (let p = 0; p <= i; p++) total += coefficients[i - p]! * at(p, j);
        else for (let p = i; p < d; p++) total += coefficients[p - i]! * at(p, j);
        o[oRow + j] = total;
      }
    }
    scope.commit(out.buffer);
    return;
  }
  const view = [
    o,
    out.offset,
    out.rowStride,
    coefficients,
    xs,
    x.offset,
    x.rowStride,
    d,
    n,
    options.lower,
  ] as const;
  if (n <= SCALAR_MAX_COLUMNS || !wasmToeplitzMatmul(...view)) scalarToeplitzMatmul(...view);
  scope.commit(out.buffer);
}

/** `cpu` kernel: truncated convolution `out_i ← Σ_{j≤i} a_j·b_{i−j}`, i < d. */
export function toeplitzProduct(out: VectorView, a: VectorView, b: VectorView): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const d = out.length;
  const as = gatherVector(scope.array(a.buffer), a, d);
  const bs = gatherVector(scope.array(b.buffer), b, d);
  if (d < FFT_THRESHOLD) {
    for (let i = 0; i < d; i++) {
      let total = 0;
      for (let j = 0; j <= i; j++) total += as[j]! * bs[i - j]!;
      o[out.offset + i * out.stride] = total;
    }
  } else {
    const length = nextPowerOfTwo(2 * d);
    const re = new Float64Array(length);
    const im = new Float64Array(length);
    re.set(as);
    im.set(bs); // pack both real signals: FFT(a + i·b), then separate by symmetry
    fft(re, im, false);
    const pr = new Float64Array(length);
    const pi = new Float64Array(length);
    for (let f = 0; f < length; f++) {
      const g = (length - f) % length;
      // A_f = (Z_f + conj Z_g)/2, B_f = (Z_f − conj Z_g)/(2i)
      const ar = (re[f]! + re[g]!) / 2;
      const ai = (im[f]! - im[g]!) / 2;
      const br = (im[f]! + im[g]!) / 2;
      const bi = -(re[f]! - re[g]!) / 2;
      pr[f] = ar * br - ai * bi;
      pi[f] = ar * bi + ai * br;
    }
    fft(pr, pi, true);
    for (let i = 0; i < d; i++) o[out.offset + i * out.stride] = pr[i]! / length;
  }
  scope.commit(out.buffer);
}

/**
 * `cpu` kernel: `out_k ← alpha·Σ_j Σ_i x_{i,j}·x_{i+k,j}`: the power spectra of all columns
 * are summed in the frequency domain and transformed back once. O(n·d·log d) in float64, by
 * the WebAssembly SIMD FFT of `fft-wasm.ts` (the scalar one for n ≤ 4 or without WebAssembly
 * SIMD); direct O(n·d²) sums below d = 48.
 */
export function columnAutocorrelations(
  out: VectorView,
  x: MatrixView,
  options: { readonly alpha: number },
): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const xs = scope.array(x.buffer);
  const d = x.rows;
  const n = x.cols;
  const lags = out.length;
  const totals = new Float64Array(lags);
  if (d < FFT_THRESHOLD) {
    for (let k = 0; k < lags; k++) {
      let total = 0;
      for (let i = 0; i + k < d; i++) {
        const r0 = x.offset + i * x.rowStride;
        const r1 = x.offset + (i + k) * x.rowStride;
        for (let j = 0; j < n; j++) total += xs[r0 + j]! * xs[r1 + j]!;
      }
      totals[k] = total;
    }
  } else {
    const view = [totals, xs, x.offset, x.rowStride, d, n] as const;
    if (n <= SCALAR_MAX_COLUMNS || !wasmColumnAutocorrelations(...view))
      scalarColumnAutocorrelations(...view);
  }
  for (let k = 0; k < lags; k++) o[out.offset + k * out.stride] = options.alpha * totals[k]!;
  scope.commit(out.buffer);
}
