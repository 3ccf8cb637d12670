/**
 * Small deterministic least-squares problems with exact gradients, for the optimizer tests:
 * a Linear layer `y = W x + b` and a Conv2d layer (via kron-curvature's `unfold`), each with
 * loss `1/(2N)·Σ‖y − target‖²` (a mean over the N samples, so lossAverage 'batch').
 */
import { type Conv2dLayer, type LinearLayer, type Tensor, tensor, unfold } from '@singd/kron-curvature';
import type { LayerParams, SingdLayer } from '../../src/optimizer/layers.js';
import { rng } from '../preconditioner/helpers.js';

export { rng };

/** What one forward/backward pass gives: loss, capture tensors, weight/bias gradients. */
export interface Pass {
  readonly loss: number;
  readonly input: Tensor;
  readonly outputGrad: Tensor;
  readonly grads: LayerParams;
}

/** A problem: a layer, its data, and `pass(params, rows?, lossScale?)` over a subset of samples. */
export interface Problem<L extends SingdLayer = SingdLayer> {
  readonly layer: L;
  readonly name: string;
  readonly samples: number;
  init(): LayerParams;
  /**
   * Loss and gradients of `lossScale · (1/(2·total))·Σ_{n ∈ rows}‖y_n − t_n‖²` (`total` defaults
   * to rows.length: the micro-batch convention of spec §2.5.F uses the full batch size).
   */
  pass(p: LayerParams, rows?: readonly number[], options?: { total?: number; lossScale?: number }): Pass;
}

/** A Linear least-squares problem `in → out` with N samples; inputs scaled per feature by `featureScales`. */
export function linearProblem(options: {
  name?: string;
  inFeatures: number;
  outFeatures: number;
  samples: number;
  seed: number;
  bias?: boolean;
  featureScales?: readonly number[];
  /** Sample n gets the input of sample `n mod distinctInputs` (with its own target); default N. */
  distinctInputs?: number;
}): Problem<LinearLayer> {
  const { inFeatures: din, outFeatures: dout, samples: N, seed } = options;
  const bias = options.bias ?? true;
  const name = options.name ?? 'fc';
  const next = rng(seed);
  const X = Float64Array.from(
    { length: N * din },
    (_, k) => next() * (options.featureScales?.[k % din] ?? 1),
  );
  const distinct = options.distinctInputs ?? N;
  for (let k = distinct * din; k < N * din; k++) X[k] = X[k % (distinct * din)]!;
  const Y = Float64Array.from({ length: N * dout }, () => next());
  const layer: LinearLayer = { name, inFeatures: din, outFeatures: dout, bias };
  return {
    layer,
    name,
    samples: N,
    init: () => {
      const r = rng(seed + 1);
      const weight = Float64Array.from({ length: dout * din }, () => 0.3 * r());
      return bias ? { weight, bias: new Float64Array(dout) } : { weight };
    },
    pass(p, rows = [...Array(N).keys()], o = {}) {
      const total = o.total ?? rows.length;
      const s = o.lossScale ?? 1;
      const n = rows.length;
      const input = new Float64Array(n * din);
      const go = new Float64Array(n * dout);
      const gw = new Float64Array(dout * din);
      const gb = new Float64Array(dout);
      let loss = 0;
      rows.forEach((row, r) => {
        input.set(X.subarray(row * din, (row + 1) * din), r * din);
        for (let i = 0; i < dout; i++) {
          let y = p.bias?.[i] ?? 0;
          for (let j = 0; j < din; j++) y += p.weight[i * din + j]! * X[row * din + j]!;
          const residual = y - Y[row * dout + i]!;
          loss += (s * residual * residual) / (2 * total);
          const g = (s * residual) / total;
          go[r * dout + i] = g;
          gb[i]! += g;
          for (let j = 0; j < din; j++) gw[i * din + j]! += g * X[row * din + j]!;
        }
      });
      return {
        loss,
        input: tensor([n, din], input),
        outputGrad: tensor([n, dout], go),
        grads: bias ? { weight: gw, bias: gb } : { weight: gw },
      };
    },
  };
}

/** A Conv2d least-squares problem on `[N, C, H, W]` (NCHW) or `[N, H, W, C]` (NHWC) images. */
export function convProblem(options: {
  name?: string;
  layout: 'NCHW' | 'NHWC';
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  stride?: number;
  padding?: number;
  size: number;
  samples: number;
  seed: number;
  bias?: boolean;
}): Problem<{ type: 'conv2d' } & Conv2dLayer> {
  const { layout, inChannels: cin, outChannels: cout, kernelSize: k, size: hw, samples: N, seed } = options;
  const bias = options.bias ?? true;
  const name = options.name ?? 'conv';
  const layer = {
    type: 'conv2d' as const,
    name,
    inChannels: cin,
    outChannels: cout,
    kernelSize: k,
    stride: options.stride ?? 1,
    padding: options.padding ?? 0,
    bias,
    layout,
  };
  const next = rng(seed);
  // The images are drawn in NCHW order and transposed for NHWC, so both layouts see the same data.
  const nchw = Float64Array.from({ length: N * cin * hw * hw }, () => next());
  const image = (n: number, c: number, i: number, j: number) => nchw[((n * cin + c) * hw + i) * hw + j]!;
  const images = new Float64Array(nchw.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < cin; c++)
      for (let i = 0; i < hw; i++)
        for (let j = 0; j < hw; j++) {
          const at =
            layout === 'NCHW' ? ((n * cin + c) * hw + i) * hw + j : ((n * hw + i) * hw + j) * cin + c;
          images[at] = image(n, c, i, j);
        }
  const imageShape = (n: number) => (layout === 'NCHW' ? [n, cin, hw, hw] : [n, hw, hw, cin]);
  const patchSize = cin * k * k;
  const patches = unfold(layer, tensor(imageShape(N), images)); // [N, L, patchSize]
  const L = patches.shape[1]!;
  const out = Math.round(Math.sqrt(L));
  const targets = Float64Array.from({ length: N * L * cout }, () => next()); // [n, l, o]
  return {
    layer,
    name,
    samples: N,
    init: () => {
      const r = rng(seed + 1);
      const weight = Float64Array.from({ length: cout * patchSize }, () => 0.3 * r());
      return bias ? { weight, bias: new Float64Array(cout) } : { weight };
    },
    pass(p, rows = [...Array(N).keys()], o = {}) {
      const total = o.total ?? rows.length;
      const s = o.lossScale ?? 1;
      const n = rows.length;
      const per = images.length / N;
      const input = new Float64Array(n * per);
      const go = new Float64Array(n * L * cout);
      const gw = new Float64Array(cout * patchSize);
      const gb = new Float64Array(cout);
      let loss = 0;
      rows.forEach((row, r) => {
        input.set(images.subarray(row * per, (row + 1) * per), r * per);
        for (let l = 0; l < L; l++) {
          const patch = patches.data.subarray((row * L + l) * patchSize, (row * L + l + 1) * patchSize);
          for (let c = 0; c < cout; c++) {
            let y = p.bias?.[c] ?? 0;
            for (let f = 0; f < patchSize; f++) y += p.weight[c * patchSize + f]! * patch[f]!;
            const residual = y - targets[(row * L + l) * cout + c]!;
            loss += (s * residual * residual) / (2 * total);
            const g = (s * residual) / total;
            go[layout === 'NCHW' ? (r * cout + c) * L + l : (r * L + l) * cout + c] = g;
            gb[c]! += g;
            for (let f = 0; f < patchSize; f++) gw[c * patchSize + f]! += g * patch[f]!;
          }
        }
      });
      const gradShape = layout === 'NCHW' ? [n, cout, out, out] : [n, out, out, cout];
      return {
        loss,
        input: tensor(imageShape(n), input),
        outputGrad: tensor(gradShape, go),
        grads: bias ? { weight: gw, bias: gb } : { weight: gw },
      };
    },
  };
}

/** Max |a − b| over two layers' parameters. */
export function maxParamDiff(a: LayerParams, b: LayerParams): number {
  let m = 0;
  a.weight.forEach((v, i) => {
    m = Math.max(m, Math.abs(v - b.weight[i]!));
  });
  a.bias?.forEach((v, i) => {
    m = Math.max(m, Math.abs(v - b.bias![i]!));
  });
  return m;
}

/** Max |x| over a layer's parameters. */
export function maxParamAbs(a: LayerParams): number {
  let m = 0;
  for (const v of a.weight) m = Math.max(m, Math.abs(v));
  for (const v of a.bias ?? []) m = Math.max(m, Math.abs(v));
  return m;
}

/** True when two layers' parameters are bit-identical (same float64 values, same sign of zero). */
export function sameParams(a: LayerParams, b: LayerParams): boolean {
  const eq = (x: Float64Array, y: Float64Array | undefined) =>
    y !== undefined && x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  return eq(a.weight, b.weight) && (a.bias === undefined ? b.bias === undefined : eq(a.bias, b.bias));
}
