import { DenseMatrix } from '@singd/structured-matrix';

/** A deterministic pseudo-random generator (mulberry32) in [−1, 1). */
export function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = t;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return (((x ^ (x >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export type Mat = number[][];

export function randomMat(rows: number, cols: number, next: () => number, scale = 1): Mat {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => scale * next()));
}

export function eye(d: number): Mat {
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
}

export function transpose(a: Mat): Mat {
  return (a[0] ?? []).map((_, j) => a.map((row) => row[j]!));
}

export function mul(a: Mat, b: Mat): Mat {
  return a.map((row) => (b[0] ?? []).map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

export function lin(terms: readonly [number, Mat][]): Mat {
  const [, first] = terms[0]!;
  return first.map((row, i) => row.map((_, j) => terms.reduce((s, [c, m]) => s + c * m[i]![j]!, 0)));
}

export function avgtr(a: Mat): number {
  return a.reduce((s, row, i) => s + row[i]!, 0) / a.length;
}

export function dense(a: Mat, dtype: 'float64' | 'float32' = 'float64'): DenseMatrix {
  return DenseMatrix.fromRows(a, dtype);
}

export function maxDiff(a: Mat, b: Mat): number {
  let m = 0;
  a.forEach((row, i) => {
    row.forEach((v, j) => {
      m = Math.max(m, Math.abs(v - b[i]![j]!));
    });
  });
  return m;
}

export function maxAbs(a: Mat): number {
  return Math.max(...a.flat().map(Math.abs));
}
