import type { VectorView } from '../buffer.js';
import type { Kernels } from '../kernels.js';
import type { GpujsKernelHost } from './kernel-host.js';
import { accumulateTerm, int, matrixAt, vectorAt, vectorOutput } from './source.js';

type Reductions = Pick<
  Kernels,
  'rowSquaredSums' | 'columnSquaredSums' | 'diagonalSums' | 'sum' | 'sumSquares' | 'maxAbs'
>;

/**
 * Elements per partial result of the scalar reductions: each thread sums `CHUNK` elements in
 * float32 (relative error ≤ CHUNK·u), the host adds the ⌈n/CHUNK⌉ partials in float64.
 */
export const REDUCTION_CHUNK = 32;

function chunkLoop(x: VectorView, statement: string): string {
  return `for (let q = 0; q < ${REDUCTION_CHUNK}; q++) {
const k = e * ${REDUCTION_CHUNK} + q;
if (k < ${int(x.length)}) {
const v = ${vectorAt('x', x, 'k')};
${statement}
}
}`;
}

/**
 * The reductions on gpu.js. Row, column and diagonal sums: one thread per output element, a
 * float32 loop over the reduced dimension (O(rows·cols) in all). Scalar reductions (`sum`,
 * `sumSquares`, `maxAbs`): one thread per chunk of {@link REDUCTION_CHUNK} elements on the
 * device, then ⌈n/32⌉ partials read back and combined in float64 on the host — the only
 * readback, as the caller asked for a number. `maxAbs` flags NaN per chunk (returns −1), so NaN
 * propagates to the result.
 */
export function createReductionKernels(host: GpujsKernelHost): Reductions {
  const partials = (x: VectorView, init: string, statement: string, result: string): Float32Array =>
    host.partials(
      ['x'],
      `${init}\n${chunkLoop(x, statement)}\n${result}`,
      Math.ceil(x.length / REDUCTION_CHUNK),
      [x.buffer],
    );
  return {
    rowSquaredSums(out, x, { alpha, accumulate }) {
      const body = `${vectorOutput(out)}
let s = 0.0;
for (let q = 0; q < ${int(x.cols)}; q++) { const v = ${matrixAt('x', x, 'k', 'q')}; s += v * v; }
return alpha * s${accumulateTerm(accumulate)};`;
      host.write(out.buffer, ['x', 'alpha'], body, [x.buffer, alpha]);
    },
    columnSquaredSums(out, x, { alpha, accumulate }) {
      const body = `${vectorOutput(out)}
let s = 0.0;
for (let q = 0; q < ${int(x.rows)}; q++) { const v = ${matrixAt('x', x, 'q', 'k')}; s += v * v; }
return alpha * s${accumulateTerm(accumulate)};`;
      host.write(out.buffer, ['x', 'alpha'], body, [x.buffer, alpha]);
    },
    diagonalSums(out, x, { alpha, accumulate, lower }) {
      const d = x.rows;
      const read = lower ? matrixAt('x', x, 'q + k', 'q') : matrixAt('x', x, 'q', 'q + k');
      const body = `${vectorOutput(out)}
let s = 0.0;
for (let q = 0; q < ${int(d)}; q++) { if (q + k < ${int(d)}) { s += ${read}; } }
return alpha * s${accumulateTerm(accumulate)};`;
      host.write(out.buffer, ['x', 'alpha'], body, [x.buffer, alpha]);
    },
    sum(x) {
      let total = 0;
      for (const p of partials(x, 'let s = 0.0;', 's += v;', 'return s;')) total += p;
      return total;
    },
    sumSquares(x) {
      let total = 0;
      for (const p of partials(x, 'let s = 0.0;', 's += v * v;', 'return s;')) total += p;
      return total;
    },
    maxAbs(x) {
      const parts = partials(
        x,
        'let m = 0.0;\nlet nan = 0.0;',
        'const a = Math.abs(v);\nif (a > m) { m = a; }\nif (!(a >= 0.0)) { nan = 1.0; }',
        'if (nan > 0.5) { return -1.0; }\nreturn m;',
      );
      let max = 0;
      for (const p of parts) {
        if (p < 0 || Number.isNaN(p)) return Number.NaN;
        if (p > max) max = p;
      }
      return max;
    },
  };
}
