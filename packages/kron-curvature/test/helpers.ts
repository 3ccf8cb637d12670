/**
 * Dense float64 helpers shared by the kron-curvature tests, written independently of the code
 * under test. Matrices are row-major flat arrays.
 */
import type { Tolerance } from '@singd/half';
import { expect } from 'vitest';

/** Uniform [−1, 1) numbers from a seeded mulberry32 generator. */
export function randomValues(length: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(length);
  for (let k = 0; k < length; k++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[k] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!;
    const a = actual[k]!;
    if (Math.abs(a - e) > tolerance.atol + tolerance.rtol * Math.abs(e)) {
      expect.fail(`entry ${k}: got ${a}, expected ${e} (rtol ${tolerance.rtol}, atol ${tolerance.atol})`);
    }
  }
}

/** `XᵀX` of a row-major rows × cols matrix, in float64. */
export function gram(values: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < cols; i++)
      for (let j = 0; j < cols; j++) out[i * cols + j]! += values[r * cols + i]! * values[r * cols + j]!;
  return out;
}

/** Row-major `a (m × k) · b (k × n)`. */
export function matmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j] = sum;
    }
  }
  return c;
}

export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

export function identity(d: number): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) m[i * d + i] = 1;
  return m;
}

/** `S⁻¹` by Gauss–Jordan elimination with partial pivoting. */
export function inverse(s: ArrayLike<number>, d: number): Float64Array {
  const a = Float64Array.from(s);
  const inv = identity(d);
  for (let col = 0; col < d; col++) {
    let best = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(a[r * d + col]!) > Math.abs(a[best * d + col]!)) best = r;
    for (let j = 0; j < d; j++) {
      [a[col * d + j], a[best * d + j]] = [a[best * d + j]!, a[col * d + j]!];
      [inv[col * d + j], inv[best * d + j]] = [inv[best * d + j]!, inv[col * d + j]!];
    }
    const p = a[col * d + col]!;
    for (let j = 0; j < d; j++) {
      a[col * d + j] = a[col * d + j]! / p;
      inv[col * d + j] = inv[col * d + j]! / p;
    }
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = a[r * d + col]!;
      for (let j = 0; j < d; j++) {
        a[r * d + j] = a[r * d + j]! - f * a[col * d + j]!;
        inv[r * d + j] = inv[r * d + j]! - f * inv[col * d + j]!;
      }
    }
  }
  return inv;
}

/** A deterministic uniform [0, 1) generator (mulberry32). */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
