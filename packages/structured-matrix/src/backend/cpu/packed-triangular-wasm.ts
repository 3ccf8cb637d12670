import type { MatrixView, VectorView } from '../buffer.js';
import { wasmGemmAvailable, wasmGemmF32 } from './wasm-gemm.js';

/** Rows of one panel: op(L)[i0:i0+PANEL, k-range] is unpacked and multiplied densely. */
const PANEL = 128;
/** Below this many multiply-adds the scalar loops are as fast as the copies into WebAssembly. */
export const PACKED_WASM_MIN_WORK = 1 << 16;

/** True if every entry of the `rows × cols` view is finite. O(rows·cols). */
export function allFinite(data: Float32Array, view: MatrixView): boolean {
  for (let i = 0; i < view.rows; i++) {
    const row = view.offset + i * view.rowStride;
    for (let j = 0; j < view.cols; j++) if (!Number.isFinite(data[row + j]!)) return false;
  }
  return true;
}

/**
 * `out ← op(L)·x` for a packed triangular float32 L (lower or upper, `op` = identity or
 * transpose) by row panels: panel rows `[i0, i1)` of op(L) are unpacked, restricted to the
 * columns that can be nonzero (`[0, i1)` when op(L) is lower, `[i0, d)` when upper), into a
 * zero-filled float32 scratch and multiplied by the matching rows of x with the WebAssembly
 * SIMD gemm ({@link wasmGemmF32}). Entries accumulate in float32 in order k ascending; the
 * structural zeros inside each diagonal tile add exact ±0 terms, which leave every sum unchanged
 * only when x is finite — callers must check ({@link allFinite}) and otherwise use the scalar
 * loop. `out` must not share storage with `x` or `L`. Cost O(n·d²/2 + n·d·PANEL/2) flops plus
 * O(d²/2 + n·d²/(2·PANEL)) copies. Returns false (having written nothing) where WebAssembly is
 * unavailable.
 */
export function packedTriangularMatmulF32(
  o: Float32Array,
  out: MatrixView,
  l: Float32Array,
  packed: VectorView,
  xs: Float32Array,
  x: MatrixView,
  lower: boolean,
  transpose: boolean,
): boolean {
  if (!wasmGemmAvailable()) return false;
  const d = x.rows;
  const n = x.cols;
  // op(L) is lower triangular (row i nonzero in columns ≤ i) when exactly one of lower/transpose.
  const leading = lower !== transpose;
  const { offset, stride } = packed;
  const scratch = new Float32Array(Math.min(PANEL, d) * d);
  for (let i0 = 0; i0 < d; i0 += PANEL) {
    const i1 = Math.min(d, i0 + PANEL);
    const m = i1 - i0;
    const k0 = leading ? 0 : i0;
    const k = (leading ? i1 : d) - k0;
    scratch.fill(0, 0, m * k);
    for (let i = i0; i < i1; i++) {
      const row = (i - i0) * k - k0;
      const p0 = leading ? 0 : i;
      const p1 = leading ? i : d - 1;
      if (!transpose) {
        // Row i of L is stored contiguously (up to the view's stride) from its diagonal/first entry.
        let s = offset + (lower ? (i * (i + 1)) / 2 : i * d - (i * (i - 1)) / 2) * stride;
        for (let p = p0; p <= p1; p++, s += stride) scratch[row + p] = l[s]!;
      } else if (lower) {
        // op(L)_ip = L_pi, stored at p(p+1)/2 + i for p ≥ i.
        for (let p = p0; p <= p1; p++) scratch[row + p] = l[offset + ((p * (p + 1)) / 2 + i) * stride]!;
      } else {
        // op(U)_ip = U_pi, stored at p·d − p(p−1)/2 + (i − p) for p ≤ i.
        for (let p = p0; p <= p1; p++)
          scratch[row + p] = l[offset + (p * d - (p * (p - 1)) / 2 + i - p) * stride]!;
      }
    }
    for (let i = i0; i < i1; i++)
      o.fill(0, out.offset + i * out.rowStride, out.offset + i * out.rowStride + n);
    wasmGemmF32(
      o,
      out.offset + i0 * out.rowStride,
      out.rowStride,
      scratch,
      0,
      k,
      xs,
      x.offset + k0 * x.rowStride,
      x.rowStride,
      m,
      n,
      k,
      1,
    );
  }
  return true;
}

/**
 * Packed triangle of `s ⊙ (x·xᵀ)` (diagonal unscaled) for a float32 `d × n` x, by row panels:
 * `C = x[i0:i1, :]·xᵀ[:, j-range]` with the WebAssembly SIMD gemm on a transposed copy of x
 * (j-range `[0, i1)` for lower, `[i0, d)` for upper), then the triangle part of C scattered into
 * `out`. Every entry is the float32 sum of the same products as the scalar loop, in order
 * c = 0 … n−1 (no extra terms, so non-finite inputs behave alike). Requires n > 0. Cost
 * O(n·d²/2 + n·d·PANEL/2) flops plus O(n·d + n·d²/(2·PANEL)) copies. Returns false (having
 * written nothing) where WebAssembly is unavailable.
 */
export function packedGramF32(
  o: Float32Array,
  out: VectorView,
  xs: Float32Array,
  x: MatrixView,
  lower: boolean,
  offDiagonalScale: number,
): boolean {
  if (!wasmGemmAvailable()) return false;
  const d = x.rows;
  const n = x.cols;
  const xt = new Float32Array(n * d);
  for (let i = 0; i < d; i++) {
    const row = x.offset + i * x.rowStride;
    for (let c = 0; c < n; c++) xt[c * d + i] = xs[row + c]!;
  }
  const scratch = new Float32Array(Math.min(PANEL, d) * d);
  for (let i0 = 0; i0 < d; i0 += PANEL) {
    const i1 = Math.min(d, i0 + PANEL);
    const m = i1 - i0;
    const j0 = lower ? 0 : i0;
    const width = (lower ? i1 : d) - j0;
    scratch.fill(0, 0, m * width);
    wasmGemmF32(scratch, 0, width, xs, x.offset + i0 * x.rowStride, x.rowStride, xt, j0, d, m, width, n, 1);
    packPanel(o, out, scratch, width, i0, i1, j0, d, lower, offDiagonalScale);
  }
  return true;
}

/** True if every entry of the vector view is finite. O(length). */
export function allFiniteVector(data: Float32Array, view: VectorView): boolean {
  for (let i = 0; i < view.length; i++)
    if (!Number.isFinite(data[view.offset + i * view.stride]!)) return false;
  return true;
}

/**
 * Dense row-major d × d float32 copy of the packed triangle L (`lower` or upper, see
 * `packedIndex`), or of Lᵀ with `transpose`; zeros elsewhere. O(d²).
 */
function unpackTriangle(
  l: Float32Array,
  packed: VectorView,
  d: number,
  lower: boolean,
  transpose: boolean,
): Float32Array {
  const dense = new Float32Array(d * d);
  const { offset, stride } = packed;
  let s = offset;
  for (let i = 0; i < d; i++) {
    // Row i of L, stored contiguously (up to the stride) from column 0 (lower) or i (upper).
    const first = lower ? 0 : i;
    const last = lower ? i : d - 1;
    for (let j = first; j <= last; j++, s += stride) dense[transpose ? j * d + i : i * d + j] = l[s]!;
  }
  return dense;
}

/**
 * Scatters rows `[i0, i1)` of a triangle from the panel `c` (row stride `ldc`, column `j0` at
 * index 0) into the packed `out`: off-diagonal entries times `offDiagonalScale`.
 */
function packPanel(
  o: Float32Array,
  out: VectorView,
  c: Float32Array,
  ldc: number,
  i0: number,
  i1: number,
  j0: number,
  d: number,
  lower: boolean,
  offDiagonalScale: number,
): void {
  for (let i = i0; i < i1; i++) {
    const row = (i - i0) * ldc - j0;
    const first = lower ? 0 : i;
    const last = lower ? i : d - 1;
    let t = out.offset + (lower ? (i * (i + 1)) / 2 : i * d - (i * (i - 1)) / 2) * out.stride;
    for (let j = first; j <= last; j++, t += out.stride) {
      const total = c[row + j]!;
      o[t] = i === j ? total : offDiagonalScale * total;
    }
  }
}

/**
 * Tiles P × P (P = 128) of the triangle (`lower` or upper) of `left·right` for dense row-major
 * d × d float32 operands, each `left[I, k0:k1]·right[k0:k1, J]` with the WebAssembly SIMD gemm
 * over the inner range `[k0, k1) = inner(i0, i1, j0, j1)` of tile rows `[i0, i1)` and columns
 * `[j0, j1)` (the caller's, outside which the terms are structural zeros), scattered row panel
 * by row panel into the packed `out` (off-diagonal entries times `offDiagonalScale`).
 */
function tiledTriangle(
  o: Float32Array,
  out: VectorView,
  left: Float32Array,
  right: Float32Array,
  d: number,
  lower: boolean,
  offDiagonalScale: number,
  inner: (i0: number, i1: number, j0: number, j1: number) => readonly [number, number],
): void {
  const panel = new Float32Array(Math.min(PANEL, d) * d);
  for (let i0 = 0; i0 < d; i0 += PANEL) {
    const i1 = Math.min(d, i0 + PANEL);
    // The result's columns in this row panel: [0, i1) (lower) or [i0, d) (upper).
    const c0 = lower ? 0 : i0;
    const width = (lower ? i1 : d) - c0;
    panel.fill(0, 0, (i1 - i0) * width);
    for (let j0 = c0; j0 < c0 + width; j0 += PANEL) {
      const j1 = Math.min(c0 + width, j0 + PANEL);
      const [k0, k1] = inner(i0, i1, j0, j1);
      wasmGemmF32(
        panel,
        j0 - c0,
        width,
        left,
        i0 * d + k0,
        d,
        right,
        k0 * d + j0,
        d,
        i1 - i0,
        j1 - j0,
        k1 - k0,
        1,
      );
    }
    packPanel(o, out, panel, width, i0, i1, c0, d, lower, offDiagonalScale);
  }
}

/**
 * `out ← a·b` for packed float32 triangles of one orientation, by P × P tiles (P = 128) of the
 * result with the WebAssembly SIMD gemm on dense copies of a and b: tile (I, J) of a lower
 * product is `A[I, J0:I1]·B[J0:I1, J]` (J ≤ I), of an upper one `A[I, I0:J1]·B[I0:J1, J]`
 * (J ≥ I), so about d³/6 multiply-adds as for the packed loop. Every entry accumulates in
 * float32 in order k ascending; the extra terms are structural zeros (exact ±0), which leave
 * every sum unchanged only when a and b are finite — callers must check ({@link allFiniteVector})
 * and otherwise use the scalar loop. a and b are copied before `out` is written, so `out` may
 * share storage with them. Memory O(d²) (two dense copies). Returns false (having written
 * nothing) where WebAssembly is unavailable.
 */
export function packedTriangularProductF32(
  o: Float32Array,
  out: VectorView,
  a: Float32Array,
  aView: VectorView,
  b: Float32Array,
  bView: VectorView,
  d: number,
  lower: boolean,
): boolean {
  if (!wasmGemmAvailable()) return false;
  const left = unpackTriangle(a, aView, d, lower, false);
  const right = unpackTriangle(b, bView, d, lower, false);
  tiledTriangle(o, out, left, right, d, lower, 1, (i0, i1, j0, j1) => (lower ? [j0, i1] : [i0, j1]));
  return true;
}

/**
 * Packed triangle of `s ⊙ (LᵀL)` for a packed float32 triangle L, by P × P tiles of the result
 * with the WebAssembly SIMD gemm on dense copies of Lᵀ and L: tile (I, J) is
 * `Lᵀ[I, I0:d]·L[I0:d, J]` (lower L, J ≤ I) or `Lᵀ[I, 0:I1]·L[0:I1, J]` (upper L, J ≥ I),
 * about d³/6 multiply-adds. Float32 accumulation in order k ascending, extra terms structural
 * zeros: callers must check that L is finite. L is copied before `out` is written (they may
 * share storage). Memory O(d²). Returns false (having written nothing) where WebAssembly is
 * unavailable.
 */
export function packedTransposedGramF32(
  o: Float32Array,
  out: VectorView,
  l: Float32Array,
  packed: VectorView,
  d: number,
  lower: boolean,
  offDiagonalScale: number,
): boolean {
  if (!wasmGemmAvailable()) return false;
  const transposed = unpackTriangle(l, packed, d, lower, true);
  const dense = unpackTriangle(l, packed, d, lower, false);
  tiledTriangle(o, out, transposed, dense, d, lower, offDiagonalScale, (i0, i1) =>
    lower ? [i0, d] : [0, i1],
  );
  return true;
}
