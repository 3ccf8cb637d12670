import type { Kernels } from '../kernels.js';
import type { GpujsKernelHost } from './kernel-host.js';
import { int, matrixAt, matrixOutput, vectorAt, vectorOutput } from './source.js';

type Toeplitz = Pick<Kernels, 'toeplitzMatmul' | 'toeplitzProduct' | 'columnAutocorrelations'>;

/**
 * The triangular Toeplitz kernels on gpu.js, as direct sums (one thread per output element; the
 * cpu backend's FFT has no gather-style shader form worth its cost at these sizes):
 * - `toeplitzMatmul`: `out_ij = Σ_{p≤i} t_{i−p}·x_pj` (lower) or `Σ_{p≥i} t_{p−i}·x_pj` (upper),
 *   O(n·d²) in all, O(d) per thread;
 * - `toeplitzProduct`: `out_i = Σ_{j≤i} a_j·b_{i−j}`, O(d²);
 * - `columnAutocorrelations`: `out_k = alpha·Σ_j Σ_i x_ij·x_{i+k,j}`, O(K·n·d) for K lags.
 */
export function createToeplitzKernels(host: GpujsKernelHost): Toeplitz {
  return {
    toeplitzMatmul(out, t, x, { lower }) {
      const d = out.rows;
      const term = lower
        ? `if (p <= i) { s += ${vectorAt('t', t, 'i - p')} * ${matrixAt('x', x, 'p', 'j')}; }`
        : `if (p >= i) { s += ${vectorAt('t', t, 'p - i')} * ${matrixAt('x', x, 'p', 'j')}; }`;
      const body = `${matrixOutput(out)}
let s = 0.0;
for (let p = 0; p < ${int(d)}; p++) { ${term} }
return s;`;
      host.write(out.buffer, ['t', 'x'], body, [t.buffer, x.buffer]);
    },
    toeplitzProduct(out, a, b) {
      const body = `${vectorOutput(out)}
let s = 0.0;
for (let q = 0; q < ${int(out.length)}; q++) { if (q <= k) { s += ${vectorAt('a', a, 'q')} * ${vectorAt('b', b, 'k - q')}; } }
return s;`;
      host.write(out.buffer, ['a', 'b'], body, [a.buffer, b.buffer]);
    },
    columnAutocorrelations(out, x, { alpha }) {
      const d = x.rows;
      const body = `${vectorOutput(out)}
let s = 0.0;
for (let c = 0; c < ${int(x.cols)}; c++) {
for (let q = 0; q < ${int(d)}; q++) { if (q + k < ${int(d)}) { s += ${matrixAt('x', x, 'q', 'c')} * ${matrixAt('x', x, 'q + k', 'c')}; } }
}
return alpha * s;`;
      host.write(out.buffer, ['x', 'alpha'], body, [x.buffer, alpha]);
    },
  };
}
