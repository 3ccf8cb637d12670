import type { MatrixView } from '../buffer.js';
import type { GemmOptions, Kernels } from '../kernels.js';
import type { GpujsKernelHost } from './kernel-host.js';
import { int, matrixIndex } from './source.js';

function span(view: MatrixView): number {
  return view.rows === 0 || view.cols === 0 ? 0 : (view.rows - 1) * view.rowStride + view.cols;
}

function shifted(view: MatrixView, by: number): MatrixView {
  return { ...view, offset: view.offset + by };
}

/**
 * `gemm` on gpu.js: one thread per element of the output buffer; an element of batch item t,
 * row i, column j runs a float32 dot product of length k (O(m·k·n) per batch item, all in one
 * kernel). Batch items are found by `t = ⌊(e − offset)/strideOut⌋`, valid when each item's
 * view fits in its stride (block-diagonal blocks, row blocks); other batch layouts run one
 * kernel per item.
 */
export function createGemmKernel(host: GpujsKernelHost): Pick<Kernels, 'gemm'> {
  function gemm(out: MatrixView, a: MatrixView, b: MatrixView, options: GemmOptions): void {
    const { transposeA, transposeB, alpha, beta } = options;
    const batch = options.batch ?? { count: 1, strideOut: 0, strideA: 0, strideB: 0 };
    if (batch.count === 0) return;
    if (batch.count > 1 && batch.strideOut < span(out)) {
      for (let t = 0; t < batch.count; t++) {
        gemm(
          shifted(out, t * batch.strideOut),
          shifted(a, t * batch.strideA),
          shifted(b, t * batch.strideB),
          {
            transposeA,
            transposeB,
            alpha,
            beta,
          },
        );
      }
      return;
    }
    const inner = transposeA ? a.rows : a.cols;
    const stride = Math.max(out.rowStride, out.cols, 1);
    const locate =
      batch.count > 1
        ? `const t = Math.floor((rel0 + 0.5) / ${int(batch.strideOut)});
const rel = rel0 - t * ${int(batch.strideOut)};`
        : 'const t = 0;\nconst rel = rel0;';
    const aIndex = transposeA ? matrixIndex(a, 'p', 'i') : matrixIndex(a, 'i', 'p');
    const bIndex = transposeB ? matrixIndex(b, 'j', 'p') : matrixIndex(b, 'p', 'j');
    const body = `const rel0 = e - ${int(out.offset)};
if (rel0 < 0) { return old[e]; }
${locate}
const i = Math.floor((rel + 0.5) / ${int(stride)});
const j = rel - i * ${int(stride)};
if (t >= ${int(batch.count)} || i >= ${int(out.rows)} || j >= ${int(out.cols)}) { return old[e]; }
const ta = t * ${int(batch.strideA)};
const tb = t * ${int(batch.strideB)};
let s = 0.0;
for (let p = 0; p < ${int(inner)}; p++) { s += a[ta + ${aIndex}] * b[tb + ${bIndex}]; }
return alpha * s${beta === 0 ? '' : ' + beta * old[e]'};`;
    const params = beta === 0 ? ['a', 'b', 'alpha'] : ['a', 'b', 'alpha', 'beta'];
    const args = beta === 0 ? [a.buffer, b.buffer, alpha] : [a.buffer, b.buffer, alpha, beta];
    host.write(out.buffer, params, body, args);
  }
  return { gemm };
}
