import type { StructureSpec } from '../api.js';
import { denseShape, denseZeros, formatNumber, type Rows } from './dense-reference.js';

/**
 * An independent dense reference of every structure: its free pattern, its parameter count
 * and its projection Π, in plain float64 rows, written from the rules of the spec (§3.2, §3.3)
 * and sharing no code with the structure classes.
 *
 * Π of a symmetric `M` (spec §3.2): a free diagonal entry keeps `M_ii`; a free off-diagonal
 * entry whose mirror is structurally zero takes `M_ij + M_ji` (the factor-2 rule: `2·M_ij`
 * for symmetric M); a free entry whose mirror is free too keeps `M_ij`; entries tied to one
 * parameter (Toeplitz) take the average over the tie. For a non-symmetric `M` the functions
 * here apply the same `M_ij + M_ji` rule (the structures only promise Π for symmetric input).
 */

/** Block sizes `(k1, m, k2)` of a d × d hierarchical matrix with parameters `(K1max, K2max)` (spec §3.3). */
export function hierarchicalBlockSizes(
  k1max: number,
  k2max: number,
  d: number,
): { k1: number; m: number; k2: number } {
  if (d <= k1max) return { k1: d, m: 0, k2: 0 };
  if (d <= k1max + k2max) return { k1: k1max, m: 0, k2: d - k1max };
  return { k1: k1max, m: d - k1max - k2max, k2: k2max };
}

/** Whether (i, j) of a d × d matrix of `spec` is free (may be non-zero). */
function isFree(spec: StructureSpec, d: number, i: number, j: number): boolean {
  switch (spec.kind) {
    case 'dense':
      return true;
    case 'diagonal':
      return i === j;
    case 'block-diagonal':
      return Math.floor(i / spec.blockSize) === Math.floor(j / spec.blockSize);
    case 'hierarchical': {
      const { k1, m } = hierarchicalBlockSizes(spec.k1, spec.k2, d);
      if (i < k1) return true; // [A B]
      if (i < k1 + m) return i === j; // diag(c)
      return j >= k1; // [D E]
    }
    case 'lower-toeplitz':
    case 'lower-triangular':
      return i >= j;
    case 'upper-toeplitz':
    case 'upper-triangular':
      return i <= j;
    case 'lower-bottom-right-diagonal':
      return i === j || j === 0;
    case 'lower-top-left-diagonal':
      return i === j || i === d - 1;
    case 'upper-bottom-right-diagonal':
      return i === j || i === 0;
    case 'upper-top-left-diagonal':
      return i === j || j === d - 1;
  }
}

/**
 * The d × d boolean mask of the free entries of `spec` (`true` where a matrix of the
 * structure may be non-zero). Used for the closure check (a product's dense pattern must lie
 * inside it) and to decide which projection laws apply.
 */
export function structurePattern(spec: StructureSpec, d: number): boolean[][] {
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => isFree(spec, d, i, j)));
}

/** True when some off-diagonal free entry has a free mirror (dense, blocks of size ≥ 2, hierarchical A/E of order ≥ 2). */
export function hasMutuallyFreePairs(spec: StructureSpec, d: number): boolean {
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) if (isFree(spec, d, i, j) && isFree(spec, d, j, i)) return true;
  return false;
}

/** Entries stored by a d × d matrix of `spec` (spec §3.3 storage table; triangular `d(d+1)/2`). */
export function referenceStorageSize(spec: StructureSpec, d: number): number {
  switch (spec.kind) {
    case 'dense':
      return d * d;
    case 'diagonal':
    case 'lower-toeplitz':
    case 'upper-toeplitz':
      return d;
    case 'block-diagonal': {
      const blocks = Math.floor(d / spec.blockSize);
      const rest = d - blocks * spec.blockSize;
      return blocks * spec.blockSize * spec.blockSize + rest * rest;
    }
    case 'hierarchical': {
      const { k1, m, k2 } = hierarchicalBlockSizes(spec.k1, spec.k2, d);
      return k1 * k1 + k1 * (d - k1) + m + k2 * m + k2 * k2;
    }
    case 'lower-triangular':
    case 'upper-triangular':
      return (d * (d + 1)) / 2;
    case 'lower-bottom-right-diagonal':
    case 'lower-top-left-diagonal':
    case 'upper-bottom-right-diagonal':
    case 'upper-top-left-diagonal':
      return d === 0 ? 0 : 2 * d - 1;
  }
}

function checkSquare(m: Rows, name: string): number {
  const [rows, cols] = denseShape(m);
  if (rows !== cols || m.some((row) => row.length !== cols)) {
    throw new RangeError(`${name}: needs a square matrix; got ${rows}×${cols}`);
  }
  return rows;
}

/**
 * Toeplitz coefficients of `M` (spec §3.3): `t_0 = mean(diag M)`,
 * `t_k = (Σ_i M_{i+k,i} + Σ_i M_{i,i+k}) / (d − k)` for k ≥ 1 (twice the mean of the k-th
 * diagonal for symmetric M).
 */
export function referenceToeplitzCoefficients(m: Rows): number[] {
  const d = checkSquare(m, 'referenceToeplitzCoefficients');
  const t = new Array<number>(d).fill(0);
  for (let k = 0; k < d; k++) {
    let total = 0;
    for (let i = 0; i + k < d; i++) total += k === 0 ? m[i]![i]! : m[i + k]![i]! + m[i]![i + k]!;
    t[k] = total / (d - k);
  }
  return t;
}

/**
 * The dense representative of `Π(M)` for the structure `spec` (spec §3.2/§3.3), in float64.
 *
 * - dense: `M`; diagonal: `diag(M)`;
 * - block-diagonal(B): the diagonal blocks (⌊d/B⌋ of size B, then one of size d mod B);
 * - hierarchical(K1, K2): `A = M[:k1,:k1]`, `B = M[:k1,k1:] + M[k1:,:k1]ᵀ`, `c = diag(M)[k1:k1+m]`,
 *   `D = M[k1+m:, k1:k1+m] + M[k1:k1+m, k1+m:]ᵀ`, `E = M[k1+m:, k1+m:]` (so 2B, 2D for symmetric M);
 * - lower/upper Toeplitz: `T_ij = t_{|i−j|}` on the triangle, t from {@link referenceToeplitzCoefficients};
 * - lower/upper triangular: the diagonal, and `M_ij + M_ji` strictly below/above it;
 * - the four sparse triangular variants: the diagonal, and `M_ij + M_ji` on the border
 *   (first column / last row / first row / last column).
 *
 * @example
 * ```ts
 * referenceProjection({ kind: 'lower-toeplitz' }, [[1, 2, 3], [2, 4, 5], [3, 5, 6]]);
 * // [[11/3, 0, 0], [7, 11/3, 0], [6, 7, 11/3]]
 * ```
 */
export function referenceProjection(spec: StructureSpec, m: Rows): number[][] {
  const d = checkSquare(m, 'referenceProjection');
  const result = denseZeros(d, d);
  const at = (i: number, j: number): number => m[i]![j]!;
  const folded = (i: number, j: number): number => (i === j ? at(i, i) : at(i, j) + at(j, i));
  switch (spec.kind) {
    case 'dense':
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) result[i]![j] = at(i, j);
      return result;
    case 'diagonal':
      for (let i = 0; i < d; i++) result[i]![i] = at(i, i);
      return result;
    case 'block-diagonal': {
      const b = spec.blockSize;
      for (let start = 0; start < d; start += b) {
        const end = Math.min(d, start + b);
        for (let i = start; i < end; i++) for (let j = start; j < end; j++) result[i]![j] = at(i, j);
      }
      return result;
    }
    case 'hierarchical': {
      const { k1, m: middle } = hierarchicalBlockSizes(spec.k1, spec.k2, d);
      const bottom = k1 + middle;
      for (let i = 0; i < k1; i++) {
        for (let j = 0; j < k1; j++) result[i]![j] = at(i, j); // A
        for (let j = k1; j < d; j++) result[i]![j] = folded(i, j); // B = [B_C | B_E]
      }
      for (let i = k1; i < bottom; i++) result[i]![i] = at(i, i); // c
      for (let i = bottom; i < d; i++) {
        for (let j = k1; j < bottom; j++) result[i]![j] = folded(i, j); // D
        for (let j = bottom; j < d; j++) result[i]![j] = at(i, j); // E
      }
      return result;
    }
    case 'lower-toeplitz':
    case 'upper-toeplitz': {
      const t = referenceToeplitzCoefficients(m);
      const lower = spec.kind === 'lower-toeplitz';
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          if (lower ? i >= j : j >= i) result[i]![j] = t[Math.abs(i - j)]!;
        }
      }
      return result;
    }
    case 'lower-triangular':
      for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) result[i]![j] = folded(i, j);
      return result;
    case 'upper-triangular':
      for (let i = 0; i < d; i++) for (let j = i; j < d; j++) result[i]![j] = folded(i, j);
      return result;
    case 'lower-bottom-right-diagonal':
      for (let i = 0; i < d; i++) {
        result[i]![i] = at(i, i);
        result[i]![0] = folded(i, 0);
      }
      return result;
    case 'lower-top-left-diagonal':
      for (let i = 0; i < d; i++) {
        result[i]![i] = at(i, i);
        result[d - 1]![i] = folded(d - 1, i);
      }
      return result;
    case 'upper-bottom-right-diagonal':
      for (let i = 0; i < d; i++) {
        result[i]![i] = at(i, i);
        result[0]![i] = folded(0, i);
      }
      return result;
    case 'upper-top-left-diagonal':
      for (let i = 0; i < d; i++) {
        result[i]![i] = at(i, i);
        result[i]![d - 1] = folded(i, d - 1);
      }
      return result;
  }
}

/**
 * Why the dense matrix `dense` is not a member of the structure `spec`, or `undefined` when it
 * is: a non-zero entry outside {@link structurePattern}, or (Toeplitz) an entry that differs
 * from the first entry of its diagonal. Exact comparisons: a structure's dense representative
 * is built from its stored entries, so membership holds bit for bit.
 */
export function structureViolation(spec: StructureSpec, dense: Rows): string | undefined {
  const d = checkSquare(dense, 'structureViolation');
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const value = dense[i]![j]!;
      if (!isFree(spec, d, i, j)) {
        if (value !== 0)
          return `entry (${i}, ${j}) = ${formatNumber(value)} lies outside the ${spec.kind} pattern`;
      } else if (spec.kind === 'lower-toeplitz' || spec.kind === 'upper-toeplitz') {
        const k = Math.abs(i - j);
        const first = spec.kind === 'lower-toeplitz' ? dense[k]![0]! : dense[0]![k]!;
        if (!Object.is(value, first) && value !== first) {
          return `entry (${i}, ${j}) = ${formatNumber(value)} differs from t_${k} = ${formatNumber(first)} (not Toeplitz)`;
        }
      }
    }
  }
  return undefined;
}

/**
 * The spec of `Sᵀ` for a matrix of `spec` (CoLA: lowerᵀ is upper), or `undefined` where the
 * transposed pattern is not a structure of the package (hierarchical).
 */
export function transposedSpec(spec: StructureSpec): StructureSpec | undefined {
  switch (spec.kind) {
    case 'dense':
    case 'diagonal':
    case 'block-diagonal':
      return spec;
    case 'hierarchical':
      return undefined;
    case 'lower-toeplitz':
      return { kind: 'upper-toeplitz' };
    case 'upper-toeplitz':
      return { kind: 'lower-toeplitz' };
    case 'lower-triangular':
      return { kind: 'upper-triangular' };
    case 'upper-triangular':
      return { kind: 'lower-triangular' };
    case 'lower-bottom-right-diagonal':
      return { kind: 'upper-bottom-right-diagonal' };
    case 'upper-bottom-right-diagonal':
      return { kind: 'lower-bottom-right-diagonal' };
    case 'lower-top-left-diagonal':
      return { kind: 'upper-top-left-diagonal' };
    case 'upper-top-left-diagonal':
      return { kind: 'lower-top-left-diagonal' };
  }
}
