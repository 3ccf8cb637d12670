import type { MatrixView, VectorView } from '../buffer.js';

/**
 * Code generation for the gpu.js kernels: every kernel is a JavaScript function source in
 * which the shape (offsets, strides, extents, loop bounds) is written as integer literals, so
 * each distinct shape compiles to its own kernel with constant loop bounds (unbounded by
 * gpu.js's `loopMaxIterations` cap, unrolled or not as the shader compiler likes). Kernels are
 * given as source text, never as `Function.prototype.toString()` of our code, so bundlers and
 * minifiers cannot break them.
 *
 * Index arithmetic is float32 on the GL modes; every integer it produces is below 2^24 and
 * divisions are rounded by `floor((n + 0.5) / m)`, exact while `n < 2^23`.
 */

/** Largest index handled exactly by float32 index arithmetic (2^23). */
export const MAX_INDEX = 2 ** 23;

/** `x` as an integer literal. @throws RangeError for non-integers or |x| ≥ 2^23. */
export function int(x: number): string {
  if (!Number.isInteger(x) || Math.abs(x) >= MAX_INDEX) {
    throw new RangeError(`gpujs kernels need integer offsets, strides and sizes below 2^23; got ${x}`);
  }
  return String(x);
}

/** A number literal for a source (always with a decimal point or exponent). */
export function float(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`a kernel literal must be finite; got ${x}`);
  const text = String(x);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * Statements that map the thread's element `e` of the output buffer to `(i, j)` of the matrix
 * view `out`, returning the old element `old[e]` for elements outside the view.
 */
export function matrixOutput(out: MatrixView): string {
  const stride = Math.max(out.rowStride, out.cols, 1);
  return [
    `const rel = e - ${int(out.offset)};`,
    'if (rel < 0) { return old[e]; }',
    `const i = Math.floor((rel + 0.5) / ${int(stride)});`,
    `const j = rel - i * ${int(stride)};`,
    `if (i >= ${int(out.rows)} || j >= ${int(out.cols)}) { return old[e]; }`,
  ].join('\n');
}

/**
 * Statements that map the thread's element `e` of the output buffer to the index `k` of the
 * vector view `out`, returning `old[e]` outside it. @throws RangeError for a non-positive stride.
 */
export function vectorOutput(out: VectorView): string {
  const stride = out.length <= 1 ? 1 : out.stride;
  if (stride < 1) throw new RangeError(`gpujs output vectors need a positive stride; got ${out.stride}`);
  return [
    `const rel = e - ${int(out.offset)};`,
    'if (rel < 0) { return old[e]; }',
    `const k = Math.floor((rel + 0.5) / ${int(stride)});`,
    `if (k >= ${int(out.length)} || rel - k * ${int(stride)} > 0.5) { return old[e]; }`,
  ].join('\n');
}

/** The buffer index of entry `(row, col)` of the matrix view `view`. */
export function matrixIndex(view: MatrixView, row: string, col: string): string {
  return `${int(view.offset)} + (${row}) * ${int(view.rowStride)} + (${col})`;
}

/** The expression reading entry `(row, col)` of the matrix view `view` held in argument `name`. */
export function matrixAt(name: string, view: MatrixView, row: string, col: string): string {
  return `${name}[${matrixIndex(view, row, col)}]`;
}

/** The expression reading element `index` of the vector view `view` held in argument `name`. */
export function vectorAt(name: string, view: VectorView, index: string): string {
  return `${name}[${int(view.offset)} + (${index}) * ${int(view.stride)}]`;
}

/** `+ old[e]` when accumulating, else nothing. */
export function accumulateTerm(accumulate: boolean): string {
  return accumulate ? ' + old[e]' : '';
}
