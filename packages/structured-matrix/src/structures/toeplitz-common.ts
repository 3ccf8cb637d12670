import type { DType } from '@singd/half';
import type { Backend } from '../backend/backend.js';
import { type DeviceBuffer, matrixView, subMatrix, type VectorView, wholeVector } from '../backend/buffer.js';
import { shapeText } from '../errors.js';
import { DenseMatrix } from './dense.js';
import { type DiagonalSegment, StructuredMatrix } from './structured-matrix.js';

/** The kinds of the two triangular Toeplitz structures. */
export type ToeplitzKind = 'lower-toeplitz' | 'upper-toeplitz';

/**
 * Intermediate sums of the half formats are kept in float32 (the compute precision) and
 * rounded to the matrix dtype once at the end, so that a diagonal sum that only fits after
 * its 1/(d−k) weighting does not overflow float16.
 */
function scratchDtype(dtype: DType): DType {
  return dtype === 'bfloat16' || dtype === 'float16' ? 'float32' : dtype;
}

/** `scratch` rounded into a new buffer of `dtype` (the scratch itself when the dtypes agree). */
function narrowTo(backend: Backend, scratch: DeviceBuffer, dtype: DType): DeviceBuffer {
  if (scratch.dtype === dtype) return scratch;
  const result = backend.allocate(dtype, scratch.length);
  backend.kernels.axpby(wholeVector(result), wholeVector(scratch), 1, 0);
  backend.dispose(scratch);
  return result;
}

/**
 * The lag weights `w_0 = 1/d`, `w_k = offDiagonalScale/(d−k)` (k ≥ 1) that turn diagonal sums
 * into Toeplitz coefficients, uploaded in `dtype` (constants computed on the host). O(d).
 */
function lagWeights(backend: Backend, dtype: DType, d: number, offDiagonalScale: number): DeviceBuffer {
  const values = new Float64Array(d);
  for (let k = 0; k < d; k++) values[k] = k === 0 ? 1 / d : offDiagonalScale / (d - k);
  return backend.upload(dtype, values);
}

/** `coefficients_k ← w_k·coefficients_k` with {@link lagWeights}. O(d). */
function weighLags(backend: Backend, coefficients: DeviceBuffer, offDiagonalScale: number): void {
  const d = coefficients.length;
  const weights = lagWeights(backend, coefficients.dtype, d, offDiagonalScale);
  const t = wholeVector(coefficients);
  backend.kernels.multiply(t, t, wholeVector(weights), { alpha: 1, accumulate: false });
  backend.dispose(weights);
}

/**
 * The Toeplitz coefficients of `Π(M)` (spec §3.3): `t_0 = mean(diag M)`,
 * `t_k = (Σ_i M_{i+k,i} + Σ_i M_{i,i+k})/(d−k)`. The same `t` serves the lower and the upper
 * structure (each projection is the transpose of the other). Two `diagonalSums` and one
 * `multiply`: O(d²) time, O(d) extra memory.
 */
export function projectToeplitzCoefficients(symmetric: DenseMatrix): DeviceBuffer {
  const { backend, dtype } = symmetric;
  const d = symmetric.rows;
  const coefficients = backend.allocate(scratchDtype(dtype), d);
  if (d === 0) return narrowTo(backend, coefficients, dtype);
  const m = symmetric.view();
  const kernels = backend.kernels;
  // Lower diagonals k = 0 … d−1 (the main diagonal counted once) …
  kernels.diagonalSums(wholeVector(coefficients), m, { lower: true, alpha: 1, accumulate: false });
  // … plus the upper diagonals k = 1 … d−1: the upper diagonals k−1 of M[0:d−1, 1:d].
  if (d > 1) {
    kernels.diagonalSums(wholeVector(coefficients, 1), subMatrix(m, 0, 1, d - 1, d - 1), {
      lower: false,
      alpha: 1,
      accumulate: true,
    });
  }
  weighLags(backend, coefficients, 1);
  return narrowTo(backend, coefficients, dtype);
}

/**
 * The Toeplitz coefficients of `Π(S Sᵀ)` for a dense `S` (d × n), without forming `S Sᵀ`:
 * `t_0 = (1/d)·Σ_{i,n} S_in²`, `t_k = (2/(d−k))·Σ_n Σ_i S_{i,n}·S_{i+k,n}` (the column
 * autocorrelations, spec §3.3). O(n·d·log d) time, O(d) extra memory.
 */
export function gramToeplitzCoefficients(s: DenseMatrix): DeviceBuffer {
  const { backend, dtype } = s;
  const coefficients = backend.allocate(scratchDtype(dtype), s.rows);
  if (s.rows === 0) return narrowTo(backend, coefficients, dtype);
  backend.kernels.columnAutocorrelations(wholeVector(coefficients), s.view(), { alpha: 1 });
  weighLags(backend, coefficients, 2);
  return narrowTo(backend, coefficients, dtype);
}

/**
 * The Toeplitz coefficients of `Π(TᵀT)` for a triangular Toeplitz `T` with coefficients `t`
 * (lower or upper: both give the same result), in O(d·log d) without any d × d matrix.
 *
 * Derivation (lower `T`, `T_pi = t_{p−i}` for p ≥ i): `(TᵀT)_{i,i+k} = Σ_{p ≥ i+k} t_{p−i}·t_{p−i−k}
 * = Σ_{r=0}^{d−1−i−k} t_r·t_{r+k}`, so the k-th diagonal sums to
 * `D_k = Σ_{i=0}^{d−1−k} Σ_{r=0}^{d−1−i−k} t_r·t_{r+k} = Σ_r (d−k−r)·t_r·t_{r+k} = Σ_r t_r·u_{r+k}`
 * with `u_s = (d−s)·t_s`. That is the upper triangular Toeplitz product `D = T_upper(t)·u`.
 * For upper `T` the same steps (`(TᵀT)_{i,i+k} = Σ_{r=0}^{i} t_r·t_{r+k}`) give the same `D`.
 * Then `t'_0 = D_0/d` and `t'_k = 2·D_k/(d−k)` (`TᵀT` is symmetric).
 */
export function transposedGramToeplitzCoefficients(backend: Backend, t: DeviceBuffer): DeviceBuffer {
  const d = t.length;
  const dtype = t.dtype;
  const sums = backend.allocate(scratchDtype(dtype), d);
  if (d === 0) return narrowTo(backend, sums, dtype);
  const ramp = new Float64Array(d);
  for (let s = 0; s < d; s++) ramp[s] = d - s;
  const u = backend.upload(scratchDtype(dtype), ramp);
  const kernels = backend.kernels;
  kernels.multiply(wholeVector(u), wholeVector(u), wholeVector(t), { alpha: 1, accumulate: false });
  kernels.toeplitzMatmul(matrixView(sums, 0, d, 1), wholeVector(t), matrixView(u, 0, d, 1), { lower: false });
  backend.dispose(u);
  weighLags(backend, sums, 2);
  return narrowTo(backend, sums, dtype);
}

/**
 * The common part of `LowerToeplitzMatrix` and `UpperToeplitzMatrix`: a triangular
 * Toeplitz matrix stored as its d coefficients `t` (`t_0` on the main diagonal, `t_k` on the
 * k-th sub- or super-diagonal).
 *
 * - `S·X`, `Sᵀ·X`: one `toeplitzMatmul` (causal or anti-causal convolution of every column),
 *   O(n·d·log d).
 * - product: one `toeplitzProduct` (truncated convolution; such matrices commute), O(d·log d).
 * - `fromInner(X) = Π(Sᵀ X Xᵀ S)`: `Σ = SᵀX` (d × n), then its column autocorrelations,
 *   O(n·d·log d) and O(n·d) memory (the reference forms a d × d matrix; this does not).
 * - `fromInner() = Π(SᵀS)`: closed form, O(d·log d) (see {@link transposedGramToeplitzCoefficients}).
 * - `averageTrace = t_0`, `‖S‖_F = sqrt(Σ_k (d−k)·t_k²)`, `max |S_ij| = max_k |t_k|`.
 */
export abstract class TriangularToeplitzMatrix<K extends ToeplitzKind> extends StructuredMatrix<K> {
  /** Whether the nonzero triangle is the lower one (`T_ij = t_{i−j}`) or the upper one (`T_ij = t_{j−i}`). */
  abstract readonly lower: boolean;

  protected constructor(d: number, storage: DeviceBuffer) {
    if (storage.length !== d) {
      throw new RangeError(
        `a ${shapeText(d, d)} triangular Toeplitz matrix stores ${d} coefficients; got ${storage.length}`,
      );
    }
    super(d, d, storage);
  }

  /** The coefficients `t_0 … t_{d−1}` as exact float64 values (a host copy). O(d). */
  coefficients(): Float64Array {
    return this.backend.read(this.storage);
  }

  /**
   * The dense d × d representative: `t` copied into every column (lower) or row (upper),
   * one `axpby` of length d−j per column. O(d²).
   */
  toDense(): DenseMatrix {
    const d = this.size;
    const dense = DenseMatrix.zeros(d, d, this.dtype, this.backend);
    for (let j = 0; j < d; j++) {
      // Lower: column j from row j down is t_0 … t_{d−1−j}; upper: row j from column j on.
      const target: VectorView = {
        buffer: dense.storage,
        offset: j * d + j,
        length: d - j,
        stride: this.lower ? d : 1,
      };
      this.kernels.axpby(target, wholeVector(this.storage, 0, d - j), 1, 0);
    }
    return dense;
  }

  /**
   * `Π(Sᵀ X Xᵀ S)` for a dense `X` (d × n): `Σ = SᵀX`, then `t_0 = (1/d)·Σ_{i,n} Σ_in²`,
   * `t_k = (2/(d−k))·Σ_n Σ_i Σ_{i,n}·Σ_{i+k,n}`; O(n·d·log d), no d × d matrix.
   * Without `X`, `Π(SᵀS)` in O(d·log d) from a closed form of the diagonal sums of `SᵀS`.
   * @throws TypeError for a non-dense `X` or a dtype/backend mismatch; RangeError unless X has d rows.
   */
  fromInner(x?: DenseMatrix): this {
    if (x === undefined)
      return this.withStorage(transposedGramToeplitzCoefficients(this.backend, this.storage));
    if (x.kind !== 'dense')
      throw new TypeError(`fromInner: X must be a dense matrix; got a ${x.kind} matrix`);
    this.checkCompatible(x, 'fromInner');
    if (x.rows !== this.size) {
      throw new RangeError(
        `fromInner: X must have ${this.size} rows for a ${shapeText(this.rows, this.cols)} ${this.kind} matrix; got ${shapeText(x.rows, x.cols)}`,
      );
    }
    const s = this.multiplyDense(x, true);
    const result = this.withStorage(gramToeplitzCoefficients(s));
    this.backend.dispose(s.storage);
    return result;
  }

  /**
   * `‖S‖_F = sqrt(Σ_k (d−k)·t_k²)`, exact in every dtype (no rounding to the storage dtype):
   * with the binary digits `β_bk` of `d−k`, `Σ_k (d−k)·t_k² = Σ_b 2^b·Σ_k β_bk·t_k²`. One
   * `scaleColumns` writes the masked copies `β_bk·t_k` (exact: the masks are 0 or 1), then one
   * float64 `sumSquares` per binary digit. O(d·log d) time and memory, O(log d) kernel calls.
   */
  override frobeniusNorm(): number {
    const d = this.size;
    if (d === 0) return 0;
    const digits = Math.floor(Math.log2(d)) + 1;
    const masks = new Float64Array(digits * d);
    for (let b = 0; b < digits; b++) {
      for (let k = 0; k < d; k++) masks[b * d + k] = Math.floor((d - k) / 2 ** b) % 2;
    }
    const masked = this.backend.upload(this.dtype, masks);
    const view = matrixView(masked, 0, digits, d);
    this.kernels.scaleColumns(view, view, wholeVector(this.storage), { alpha: 1, accumulate: false });
    let total = 0;
    for (let b = 0; b < digits; b++) total += 2 ** b * this.kernels.sumSquares(wholeVector(masked, b * d, d));
    this.backend.dispose(masked);
    return Math.sqrt(total);
  }

  protected multiplyDense(x: DenseMatrix, transpose: boolean): DenseMatrix {
    const result = DenseMatrix.zeros(x.rows, x.cols, this.dtype, this.backend);
    // The transpose of a lower triangular Toeplitz matrix is the upper one with the same t.
    this.kernels.toeplitzMatmul(result.view(), wholeVector(this.storage), x.view(), {
      lower: this.lower !== transpose,
    });
    return result;
  }

  protected multiplySame(other: this): this {
    const result = this.backend.allocate(this.dtype, this.size);
    this.kernels.toeplitzProduct(wholeVector(result), wholeVector(this.storage), wholeVector(other.storage));
    return this.withStorage(result);
  }

  /** `t_0`, standing for all d diagonal entries. */
  protected diagonalSegments(): readonly DiagonalSegment[] {
    if (this.size === 0) return [];
    return [{ view: wholeVector(this.storage, 0, 1), multiplicity: this.size }];
  }
}
