import type { Kernels } from '../kernels.js';
import type { GpujsKernelHost } from './kernel-host.js';
import { accumulateTerm, matrixAt, matrixOutput, vectorAt, vectorOutput } from './source.js';

type Elementwise = Pick<
  Kernels,
  'scaleRows' | 'scaleColumns' | 'axpby' | 'multiply' | 'fill' | 'addScalar' | 'copy'
>;

/**
 * The elementwise kernels on gpu.js: one thread per element of the output buffer, O(1) work
 * each (O(buffer length) per call, since elements outside the view are copied through). Aliasing
 * `out` with an input is safe: every kernel reads the old texture and writes a new one.
 */
export function createElementwiseKernels(host: GpujsKernelHost): Elementwise {
  return {
    scaleRows(out, scale, x, { alpha, accumulate }) {
      const body = `${matrixOutput(out)}
return alpha * ${vectorAt('s', scale, 'i')} * ${matrixAt('x', x, 'i', 'j')}${accumulateTerm(accumulate)};`;
      host.write(out.buffer, ['s', 'x', 'alpha'], body, [scale.buffer, x.buffer, alpha]);
    },
    scaleColumns(out, x, scale, { alpha, accumulate }) {
      const body = `${matrixOutput(out)}
return alpha * ${matrixAt('x', x, 'i', 'j')} * ${vectorAt('s', scale, 'j')}${accumulateTerm(accumulate)};`;
      host.write(out.buffer, ['x', 's', 'alpha'], body, [x.buffer, scale.buffer, alpha]);
    },
    axpby(out, x, alpha, beta) {
      const body =
        beta === 0
          ? `${vectorOutput(out)}\nreturn alpha * ${vectorAt('x', x, 'k')};`
          : `${vectorOutput(out)}\nreturn alpha * ${vectorAt('x', x, 'k')} + beta * old[e];`;
      const params = beta === 0 ? ['x', 'alpha'] : ['x', 'alpha', 'beta'];
      host.write(out.buffer, params, body, beta === 0 ? [x.buffer, alpha] : [x.buffer, alpha, beta]);
    },
    multiply(out, a, b, { alpha, accumulate }) {
      const body = `${vectorOutput(out)}
return alpha * ${vectorAt('a', a, 'k')} * ${vectorAt('b', b, 'k')}${accumulateTerm(accumulate)};`;
      host.write(out.buffer, ['a', 'b', 'alpha'], body, [a.buffer, b.buffer, alpha]);
    },
    fill(out, value) {
      host.write(out.buffer, ['value'], `${vectorOutput(out)}\nreturn value;`, [value]);
    },
    addScalar(out, value) {
      host.write(out.buffer, ['value'], `${vectorOutput(out)}\nreturn old[e] + value;`, [value]);
    },
    copy(out, x, { alpha, accumulate, transpose }) {
      const read = transpose ? matrixAt('x', x, 'j', 'i') : matrixAt('x', x, 'i', 'j');
      const body = `${matrixOutput(out)}\nreturn alpha * ${read}${accumulateTerm(accumulate)};`;
      host.write(out.buffer, ['x', 'alpha'], body, [x.buffer, alpha]);
    },
  };
}
