import type { MatrixView, VectorView } from '../buffer.js';
import type { AccumulateOptions } from '../kernels.js';
import { type ComputeArray, KernelScope } from './cpu-buffer.js';

/** `cpu` kernel: `out_ij ← alpha·s_i·x_ij (+ out_ij)`. */
export function scaleRows(
  out: MatrixView,
  scale: VectorView,
  x: MatrixView,
  options: AccumulateOptions,
): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const s = scope.array(scale.buffer);
  const xs = scope.array(x.buffer);
  for (let i = 0; i < out.rows; i++) {
    const factor = options.alpha * s[scale.offset + i * scale.stride]!;
    const oRow = out.offset + i * out.rowStride;
    const xRow = x.offset + i * x.rowStride;
    if (options.accumulate)
      for (let j = 0; j < out.cols; j++) o[oRow + j] = o[oRow + j]! + factor * xs[xRow + j]!;
    else for (let j = 0; j < out.cols; j++) o[oRow + j] = factor * xs[xRow + j]!;
  }
  scope.commit(out.buffer);
}

/** `cpu` kernel: `out_ij ← alpha·x_ij·s_j (+ out_ij)`. */
export function scaleColumns(
  out: MatrixView,
  x: MatrixView,
  scale: VectorView,
  options: AccumulateOptions,
): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const s = scope.array(scale.buffer);
  const xs = scope.array(x.buffer);
  const factors = new Float64Array(out.cols);
  for (let j = 0; j < out.cols; j++) factors[j] = options.alpha * s[scale.offset + j * scale.stride]!;
  for (let i = 0; i < out.rows; i++) {
    const oRow = out.offset + i * out.rowStride;
    const xRow = x.offset + i * x.rowStride;
    if (options.accumulate)
      for (let j = 0; j < out.cols; j++) o[oRow + j] = o[oRow + j]! + xs[xRow + j]! * factors[j]!;
    else for (let j = 0; j < out.cols; j++) o[oRow + j] = xs[xRow + j]! * factors[j]!;
  }
  scope.commit(out.buffer);
}

/** `cpu` kernel: `out_i ← alpha·x_i + beta·out_i`. */
export function axpby(out: VectorView, x: VectorView, alpha: number, beta: number): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const xs = scope.array(x.buffer);
  if (out.stride === 1 && x.stride === 1) {
    // Contiguous views (whole storages): the same arithmetic without the index multiplies.
    const oOffset = out.offset;
    const xOffset = x.offset - out.offset;
    const end = oOffset + out.length;
    if (beta === 0) for (let i = oOffset; i < end; i++) o[i] = alpha * xs[xOffset + i]!;
    else for (let i = oOffset; i < end; i++) o[i] = alpha * xs[xOffset + i]! + beta * o[i]!;
  } else {
    for (let i = 0; i < out.length; i++) {
      const oi = out.offset + i * out.stride;
      const value = alpha * xs[x.offset + i * x.stride]!;
      o[oi] = beta === 0 ? value : value + beta * o[oi]!;
    }
  }
  scope.commit(out.buffer);
}

/** `cpu` kernel: `out_i ← alpha·a_i·b_i (+ out_i)`. */
export function multiply(out: VectorView, a: VectorView, b: VectorView, options: AccumulateOptions): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const as = scope.array(a.buffer);
  const bs = scope.array(b.buffer);
  for (let i = 0; i < out.length; i++) {
    const oi = out.offset + i * out.stride;
    const value = options.alpha * as[a.offset + i * a.stride]! * bs[b.offset + i * b.stride]!;
    o[oi] = options.accumulate ? o[oi]! + value : value;
  }
  scope.commit(out.buffer);
}

/** `cpu` kernel: `out_i ← value`. */
export function fill(out: VectorView, value: number): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  for (let i = 0; i < out.length; i++) o[out.offset + i * out.stride] = value;
  scope.commit(out.buffer);
}

/** `cpu` kernel: `out_i ← out_i + value`. */
export function addScalar(out: VectorView, value: number): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  for (let i = 0; i < out.length; i++)
    o[out.offset + i * out.stride] = o[out.offset + i * out.stride]! + value;
  scope.commit(out.buffer);
}

/** `cpu` kernel: `out ← alpha·op(x) (+ out)`. */
export function copy(
  out: MatrixView,
  x: MatrixView,
  options: AccumulateOptions & { readonly transpose: boolean },
): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  let xs = scope.array(x.buffer);
  if (xs === o) xs = xs.slice(); // aliasing (e.g. an in-place transpose): read from a snapshot
  if (options.transpose) {
    transposeTiles(o, out, xs, x, options);
  } else {
    for (let i = 0; i < out.rows; i++) {
      const oRow = out.offset + i * out.rowStride;
      const xRow = x.offset + i * x.rowStride;
      for (let j = 0; j < out.cols; j++) {
        const value = options.alpha * xs[xRow + j]!;
        o[oRow + j] = options.accumulate ? o[oRow + j]! + value : value;
      }
    }
  }
  scope.commit(out.buffer);
}

/** Tile edge of {@link transposeTiles}: a 32 × 32 tile of either side stays in cache. */
const TRANSPOSE_TILE = 32;

/**
 * `o ← alpha·xᵀ (+ o)` tile by tile, so that both the strided reads of `x` and the writes of
 * `o` stay in cache; every entry is computed exactly as in the untiled loop. O(rows·cols).
 */
function transposeTiles(
  o: ComputeArray,
  out: MatrixView,
  xs: ComputeArray,
  x: MatrixView,
  options: AccumulateOptions,
): void {
  const { alpha, accumulate } = options;
  for (let i0 = 0; i0 < out.rows; i0 += TRANSPOSE_TILE) {
    const i1 = Math.min(out.rows, i0 + TRANSPOSE_TILE);
    for (let j0 = 0; j0 < out.cols; j0 += TRANSPOSE_TILE) {
      const j1 = Math.min(out.cols, j0 + TRANSPOSE_TILE);
      for (let i = i0; i < i1; i++) {
        const oRow = out.offset + i * out.rowStride;
        const source = x.offset + i;
        for (let j = j0; j < j1; j++) {
          const value = alpha * xs[source + j * x.rowStride]!;
          o[oRow + j] = accumulate ? o[oRow + j]! + value : value;
        }
      }
    }
  }
}

/** `cpu` kernel: `out_i ← alpha·Σ_j x_ij² (+ out_i)`. */
export function rowSquaredSums(out: VectorView, x: MatrixView, options: AccumulateOptions): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const xs = scope.array(x.buffer);
  for (let i = 0; i < x.rows; i++) {
    const row = x.offset + i * x.rowStride;
    let total = 0;
    for (let j = 0; j < x.cols; j++) {
      const v = xs[row + j]!;
      total += v * v;
    }
    const oi = out.offset + i * out.stride;
    o[oi] = options.accumulate ? o[oi]! + options.alpha * total : options.alpha * total;
  }
  scope.commit(out.buffer);
}

/** `cpu` kernel: `out_j ← alpha·Σ_i x_ij² (+ out_j)`. */
export function columnSquaredSums(out: VectorView, x: MatrixView, options: AccumulateOptions): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const xs = scope.array(x.buffer);
  const totals = new Float64Array(x.cols);
  for (let i = 0; i < x.rows; i++) {
    const row = x.offset + i * x.rowStride;
    for (let j = 0; j < x.cols; j++) {
      const v = xs[row + j]!;
      totals[j] = totals[j]! + v * v;
    }
  }
  for (let j = 0; j < x.cols; j++) {
    const oj = out.offset + j * out.stride;
    o[oj] = options.accumulate ? o[oj]! + options.alpha * totals[j]! : options.alpha * totals[j]!;
  }
  scope.commit(out.buffer);
}

/** `cpu` kernel: sums along the lower (`x_{i+k,i}`) or upper (`x_{i,i+k}`) diagonals. */
export function diagonalSums(
  out: VectorView,
  x: MatrixView,
  options: AccumulateOptions & { readonly lower: boolean },
): void {
  const scope = new KernelScope();
  const o = scope.array(out.buffer);
  const xs = scope.array(x.buffer);
  const d = x.rows;
  for (let k = 0; k < out.length; k++) {
    let total = 0;
    for (let i = 0; i + k < d; i++) {
      total += options.lower
        ? xs[x.offset + (i + k) * x.rowStride + i]!
        : xs[x.offset + i * x.rowStride + i + k]!;
    }
    const ok = out.offset + k * out.stride;
    o[ok] = options.accumulate ? o[ok]! + options.alpha * total : options.alpha * total;
  }
  scope.commit(out.buffer);
}

/** `cpu` kernel: `Σ_i x_i`, accumulated in float64. */
export function sum(x: VectorView): number {
  const xs = new KernelScope().array(x.buffer);
  let total = 0;
  for (let i = 0; i < x.length; i++) total += xs[x.offset + i * x.stride]!;
  return total;
}

/** `cpu` kernel: `Σ_i x_i²`, accumulated in float64. */
export function sumSquares(x: VectorView): number {
  const xs = new KernelScope().array(x.buffer);
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const v = xs[x.offset + i * x.stride]!;
    total += v * v;
  }
  return total;
}

/** `cpu` kernel: `max_i |x_i|` (NaN propagates). */
export function maxAbs(x: VectorView): number {
  const xs = new KernelScope().array(x.buffer);
  let best = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(xs[x.offset + i * x.stride]!);
    if (Number.isNaN(v)) return v;
    if (v > best) best = v;
  }
  return best;
}
