import type { VectorView } from '../buffer.js';
import type { Kernels } from '../kernels.js';
import type { GpujsKernelHost } from './kernel-host.js';
import { float, int, matrixAt, matrixOutput, vectorAt, vectorOutput } from './source.js';

type Packed = Pick<
  Kernels,
  'packedTriangularMatmul' | 'packedTriangularProduct' | 'packedGram' | 'packedTransposedGram'
>;

/** The order d of a packed triangle of `length = d(d+1)/2` elements. @throws RangeError otherwise. */
export function packedOrder(length: number): number {
  const d = Math.round((Math.sqrt(8 * length + 1) - 1) / 2);
  if ((d * (d + 1)) / 2 !== length) {
    throw new RangeError(`a packed triangle has d(d+1)/2 elements; got length ${length}`);
  }
  return d;
}

/** Packed position of `L_rc` (row-major packing; lower needs c ≤ r, upper c ≥ r) for order d. */
function packedIndex(lower: boolean, d: number, r: string, c: string): string {
  return lower
    ? `((${r}) * ((${r}) + 1) / 2 + (${c}))`
    : `((${r}) * ${int(d)} - (${r}) * ((${r}) - 1) / 2 + (${c}) - (${r}))`;
}

/** `L_rc` read from the packed vector view held in argument `name`. */
function packedAt(name: string, view: VectorView, lower: boolean, d: number, r: string, c: string): string {
  return vectorAt(name, view, packedIndex(lower, d, r, c));
}

/**
 * Statements defining `r`, `c` of packed element `k` (order d). Lower: the row solves
 * r(r+1)/2 ≤ k < (r+1)(r+2)/2 (a float square root, then exact integer corrections); upper: the
 * same on the reversed index, since upper row-major packing read backwards is lower packing of
 * the mirrored indices (d−1−r, d−1−c).
 */
function packedPosition(lower: boolean, d: number): string {
  const solve = (
    index: string,
    r: string,
    c: string,
  ) => `let ${r} = Math.floor((Math.sqrt(8.0 * ${index} + 1.0) - 1.0) * 0.5);
if (${r} * (${r} + 1) / 2 > ${index}) { ${r} = ${r} - 1; }
if ((${r} + 1) * (${r} + 2) / 2 <= ${index}) { ${r} = ${r} + 1; }
const ${c} = ${index} - ${r} * (${r} + 1) / 2;`;
  if (lower) return solve('k', 'r', 'c');
  return `const kk = ${int((d * (d + 1)) / 2 - 1)} - k;
${solve('kk', 'rr', 'cc')}
const r = ${int(d - 1)} - rr;
const c = ${int(d - 1)} - cc;`;
}

function scaleOf(offDiagonalScale: number): string {
  return `(r === c ? 1.0 : ${float(offDiagonalScale)})`;
}

/**
 * The packed triangular kernels on gpu.js (one thread per output element, a float32 loop over
 * the order d, half of it masked off by the triangle):
 * - `packedTriangularMatmul`: `out = op(L)·x`, O(n·d²) thread work for O(n·d²/2) flops;
 * - `packedTriangularProduct`: `(ab)_rc = Σ_{c≤p≤r} a_rp·b_pc` (lower), O(d³/6) flops;
 * - `packedGram`: `s_rc·Σ_q x_rq·x_cq`, O(n·d²/2);
 * - `packedTransposedGram`: `(LᵀL)_rc = Σ_p L_pr·L_pc`, O(d³/6).
 * The off-diagonal scales are baked into the kernel source (one kernel per scale in use).
 */
export function createPackedKernels(host: GpujsKernelHost): Packed {
  return {
    packedTriangularMatmul(out, packed, x, { lower, transpose }) {
      const d = out.rows;
      // op(L)_ip is nonzero for p ≤ i when lower ≠ transpose, for p ≥ i otherwise.
      const below = lower !== transpose;
      const entry = transpose
        ? packedAt('L', packed, lower, d, 'p', 'i')
        : packedAt('L', packed, lower, d, 'i', 'p');
      const body = `${matrixOutput(out)}
let s = 0.0;
for (let p = 0; p < ${int(d)}; p++) { if (p ${below ? '<=' : '>='} i) { s += ${entry} * ${matrixAt('x', x, 'p', 'j')}; } }
return s;`;
      host.write(out.buffer, ['L', 'x'], body, [packed.buffer, x.buffer]);
    },
    packedTriangularProduct(out, a, b, { lower }) {
      const d = packedOrder(out.length);
      const inRange = lower ? 'p >= c && p <= r' : 'p >= r && p <= c';
      const body = `${vectorOutput(out)}
${packedPosition(lower, d)}
let s = 0.0;
for (let p = 0; p < ${int(d)}; p++) { if (${inRange}) { s += ${packedAt('a', a, lower, d, 'r', 'p')} * ${packedAt('b', b, lower, d, 'p', 'c')}; } }
return s;`;
      host.write(out.buffer, ['a', 'b'], body, [a.buffer, b.buffer]);
    },
    packedGram(out, x, { lower, offDiagonalScale }) {
      const d = x.rows;
      const body = `${vectorOutput(out)}
${packedPosition(lower, d)}
let s = 0.0;
for (let q = 0; q < ${int(x.cols)}; q++) { s += ${matrixAt('x', x, 'r', 'q')} * ${matrixAt('x', x, 'c', 'q')}; }
return ${scaleOf(offDiagonalScale)} * s;`;
      host.write(out.buffer, ['x'], body, [x.buffer]);
    },
    packedTransposedGram(out, packed, { lower, offDiagonalScale }) {
      const d = packedOrder(out.length);
      // Lower L: L_pr L_pc ≠ 0 needs p ≥ max(r, c); upper: p ≤ min(r, c).
      const inRange = lower ? 'p >= r && p >= c' : 'p <= r && p <= c';
      const body = `${vectorOutput(out)}
${packedPosition(lower, d)}
let s = 0.0;
for (let p = 0; p < ${int(d)}; p++) { if (${inRange}) { s += ${packedAt('L', packed, lower, d, 'p', 'r')} * ${packedAt('L', packed, lower, d, 'p', 'c')}; } }
return ${scaleOf(offDiagonalScale)} * s;`;
      host.write(out.buffer, ['L'], body, [packed.buffer]);
    },
  };
}
