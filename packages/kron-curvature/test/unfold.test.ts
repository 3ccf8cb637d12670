import { type Tolerance, toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  averagedPatches,
  type Conv2dLayer,
  type Conv2dLayout,
  conv2dGeometry,
  conv2dOutputSize,
  type Tensor,
  tensor,
  unfold,
} from '../src/index.js';

/** Uniform [−1, 1) numbers from a seeded mulberry32 generator. */
function randomValues(length: number, seed: number): Float64Array {
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

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!;
    const a = actual[k]!;
    if (Math.abs(a - e) > tolerance.atol + tolerance.rtol * Math.abs(e)) {
      expect.fail(`entry ${k}: got ${a}, expected ${e} (rtol ${tolerance.rtol}, atol ${tolerance.atol})`);
    }
  }
}

interface Case {
  readonly layer: Conv2dLayer;
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly seed: number;
}

/** Random geometries: kernel, stride, padding (numbers, pairs, 'valid', 'same'), dilation, groups, layout. */
const caseArbitrary: fc.Arbitrary<Case> = fc
  .record({
    groups: fc.integer({ min: 1, max: 3 }),
    channelsPerGroup: fc.integer({ min: 1, max: 2 }),
    outPerGroup: fc.integer({ min: 1, max: 2 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.oneof(
      fc.integer({ min: 0, max: 2 }),
      fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 })),
      fc.constant('valid' as const),
      fc.constant('same' as const),
    ),
    layout: fc.constantFrom<Conv2dLayout>('NCHW', 'NHWC'),
    bias: fc.boolean(),
    batch: fc.integer({ min: 1, max: 3 }),
    extraHeight: fc.integer({ min: 0, max: 4 }),
    extraWidth: fc.integer({ min: 0, max: 4 }),
    seed: fc.integer(),
  })
  .map((r) => {
    // 'same' needs stride 1 and an even total padding q(k − 1): make it so.
    const same = r.padding === 'same';
    const kernel: [number, number] = same
      ? [
          r.dilation[0] % 2 === 0 ? r.kernel[0] : 2 * Math.floor(r.kernel[0] / 2) + 1,
          2 * Math.floor(r.kernel[1] / 2) + 1,
        ]
      : r.kernel;
    const layer: Conv2dLayer = {
      name: 'conv',
      inChannels: r.groups * r.channelsPerGroup,
      outChannels: r.groups * r.outPerGroup,
      kernelSize: kernel,
      stride: same ? 1 : r.stride,
      padding: r.padding,
      dilation: r.dilation,
      groups: r.groups,
      bias: r.bias,
      layout: r.layout,
    };
    return {
      layer,
      batch: r.batch,
      height: r.dilation[0] * (kernel[0] - 1) + 1 + r.extraHeight,
      width: r.dilation[1] * (kernel[1] - 1) + 1 + r.extraWidth,
      seed: r.seed,
    };
  });

function inputOf({ layer, batch, height, width, seed }: Case): Tensor {
  const shape =
    layer.layout === 'NHWC'
      ? [batch, height, width, layer.inChannels]
      : [batch, layer.inChannels, height, width];
  return tensor(shape, randomValues(batch * layer.inChannels * height * width, seed));
}

/**
 * The convolution computed directly with loops over the raw input and a kernel in the
 * layout's own format (NCHW: `[C_out, C_in/g, K1, K2]`; NHWC, TensorFlow.js:
 * `[K1, K2, C_in/g, C_out]`), for the group-averaged input: output channel `o` applied to every
 * group `γ` and averaged over `γ` (for `groups = 1`: the plain convolution).
 * Returns `[N, O1·O2, C_out]`.
 */
function directConvolution(c: Case, input: Tensor, kernel: Float64Array): Float64Array {
  const g = conv2dGeometry(c.layer);
  const [o1Size, o2Size] = conv2dOutputSize(c.layer, c.height, c.width);
  const { batch, height, width } = c;
  const cin = g.inChannels;
  const cg = g.channelsPerGroup;
  const cout = g.outChannels;
  const [k1, k2] = g.kernelSize;
  const x = (n: number, ch: number, h: number, w: number): number =>
    g.layout === 'NCHW'
      ? input.data[((n * cin + ch) * height + h) * width + w]!
      : input.data[((n * height + h) * width + w) * cin + ch]!;
  const weight = (o: number, ch: number, i: number, j: number): number =>
    g.layout === 'NCHW'
      ? kernel[((o * cg + ch) * k1 + i) * k2 + j]!
      : kernel[((i * k2 + j) * cg + ch) * cout + o]!;
  const out = new Float64Array(batch * o1Size * o2Size * cout);
  for (let n = 0; n < batch; n++)
    for (let o1 = 0; o1 < o1Size; o1++)
      for (let o2 = 0; o2 < o2Size; o2++)
        for (let o = 0; o < cout; o++) {
          let total = 0;
          for (let gamma = 0; gamma < g.groups; gamma++)
            for (let ch = 0; ch < cg; ch++)
              for (let i = 0; i < k1; i++)
                for (let j = 0; j < k2; j++) {
                  const h = o1 * g.stride[0] - g.padding[0] + i * g.dilation[0];
                  const w = o2 * g.stride[1] - g.padding[1] + j * g.dilation[1];
                  if (h >= 0 && h < height && w >= 0 && w < width)
                    total += weight(o, ch, i, j) * x(n, gamma * cg + ch, h, w);
                }
          out[((n * o1Size + o1) * o2Size + o2) * cout + o] = total / g.groups;
        }
  return out;
}

/** The kernel as the weight-gradient matrix `W ∈ R^{C_out × d_in}` the layout documents. */
function weightMatrix(layout: Conv2dLayout, kernel: Float64Array, cout: number, dIn: number): Float64Array {
  if (layout === 'NCHW') return kernel; // [C_out, C_in/g, K1, K2] row-major = [C_out, d_in]
  const out = new Float64Array(cout * dIn); // [K1·K2·C_in/g, C_out] transposed
  for (let f = 0; f < dIn; f++) for (let o = 0; o < cout; o++) out[o * dIn + f] = kernel[f * cout + o]!;
  return out;
}

describe('unfold', () => {
  it('patches·Wᵀ equals a direct convolution (random geometries, both layouts, groups)', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const input = inputOf(c);
        const g = conv2dGeometry(c.layer);
        const kernel = randomValues(g.outChannels * g.patchSize, c.seed ^ 0x5bd1e995);
        const patches = unfold(c.layer, input);
        const [o1, o2] = conv2dOutputSize(c.layer, c.height, c.width);
        expect(patches.shape).toEqual([c.batch, o1 * o2, g.patchSize]);
        const w = weightMatrix(g.layout, kernel, g.outChannels, g.patchSize);
        const rows = c.batch * o1 * o2;
        const product = new Float64Array(rows * g.outChannels);
        for (let r = 0; r < rows; r++)
          for (let o = 0; o < g.outChannels; o++) {
            let total = 0;
            for (let f = 0; f < g.patchSize; f++)
              total += patches.data[r * g.patchSize + f]! * w[o * g.patchSize + f]!;
            product[r * g.outChannels + o] = total;
          }
        expectClose(product, directConvolution(c, input, kernel), toleranceFor('float64'));
      }),
      { numRuns: 150 },
    );
  });

  it('orders features (c, i, j) for NCHW and (i, j, c) for NHWC', () => {
    // One sample, 2 channels of 3×3: channel 0 holds 1…9, channel 1 holds 11…19; 2×2 kernel.
    const nchw = tensor([1, 2, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const layer: Conv2dLayer = { name: 'c', inChannels: 2, outChannels: 1, kernelSize: 2, bias: false };
    const patches = unfold(layer, nchw);
    expect(patches.shape).toEqual([1, 4, 8]);
    expect(Array.from(patches.data.subarray(0, 8))).toEqual([1, 2, 4, 5, 11, 12, 14, 15]);
    expect(Array.from(patches.data.subarray(24, 32))).toEqual([5, 6, 8, 9, 15, 16, 18, 19]);
    const nhwc = tensor([1, 3, 3, 2], [1, 11, 2, 12, 3, 13, 4, 14, 5, 15, 6, 16, 7, 17, 8, 18, 9, 19]);
    const patchesNhwc = unfold({ ...layer, layout: 'NHWC' }, nhwc);
    expect(Array.from(patchesNhwc.data.subarray(0, 8))).toEqual([1, 11, 2, 12, 4, 14, 5, 15]);
  });

  it('pads with zeros and averages channel groups', () => {
    const layer: Conv2dLayer = {
      name: 'c',
      inChannels: 2,
      outChannels: 2,
      kernelSize: 3,
      padding: 1,
      groups: 2,
      bias: false,
    };
    const input = tensor([1, 2, 1, 1], [2, 4]);
    const patches = unfold(layer, input);
    expect(patches.shape).toEqual([1, 1, 9]);
    expect(Array.from(patches.data)).toEqual([0, 0, 0, 0, 3, 0, 0, 0, 0]);
  });

  it('NHWC gives the NCHW patches up to the documented feature permutation', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const nchwLayer = { ...c.layer, layout: 'NCHW' as const };
        const nhwcLayer = { ...c.layer, layout: 'NHWC' as const };
        const nchw = inputOf({ ...c, layer: nchwLayer });
        const { batch, height, width } = c;
        const cin = c.layer.inChannels;
        const nhwcData = new Float64Array(nchw.data.length);
        for (let n = 0; n < batch; n++)
          for (let ch = 0; ch < cin; ch++)
            for (let h = 0; h < height; h++)
              for (let w = 0; w < width; w++)
                nhwcData[((n * height + h) * width + w) * cin + ch] =
                  nchw.data[((n * cin + ch) * height + h) * width + w]!;
        const a = unfold(nchwLayer, nchw);
        const b = unfold(nhwcLayer, tensor([batch, height, width, cin], nhwcData));
        expect(b.shape).toEqual(a.shape);
        const g = conv2dGeometry(c.layer);
        const [k1, k2] = g.kernelSize;
        const rows = a.shape[0]! * a.shape[1]!;
        for (let r = 0; r < rows; r++)
          for (let ch = 0; ch < g.channelsPerGroup; ch++)
            for (let i = 0; i < k1; i++)
              for (let j = 0; j < k2; j++) {
                const fNchw = (ch * k1 + i) * k2 + j;
                const fNhwc = (i * k2 + j) * g.channelsPerGroup + ch;
                expect(b.data[r * g.patchSize + fNhwc]).toBe(a.data[r * g.patchSize + fNchw]);
              }
      }),
      { numRuns: 50 },
    );
  });
});

describe('averagedPatches', () => {
  function meanOfUnfold(layer: Conv2dLayer, input: Tensor): Float64Array {
    const patches = unfold(layer, input);
    const [n, locations, d] = patches.shape as [number, number, number];
    const out = new Float64Array(n * d);
    for (let s = 0; s < n; s++)
      for (let l = 0; l < locations; l++)
        for (let f = 0; f < d; f++) out[s * d + f]! += patches.data[(s * locations + l) * d + f]!;
    return out.map((x) => x / locations);
  }

  it('equals the mean of the unfolded patches (spec §6.4: batch 20, C_in 10, 28×28, k 3, pad 1, groups 2)', () => {
    for (const layout of ['NCHW', 'NHWC'] as const) {
      const layer: Conv2dLayer = {
        name: 'conv',
        inChannels: 10,
        outChannels: 4,
        kernelSize: 3,
        stride: 1,
        padding: 1,
        dilation: 1,
        groups: 2,
        bias: true,
        layout,
      };
      const shape = layout === 'NCHW' ? [20, 10, 28, 28] : [20, 28, 28, 10];
      const input = tensor(
        shape,
        Float32Array.from(randomValues(20 * 10 * 28 * 28, 2024), (x) => (x + 1) / 2),
      );
      const averaged = averagedPatches(layer, input);
      expect(averaged.shape).toEqual([20, 45]);
      expectClose(averaged.data, meanOfUnfold(layer, input), { rtol: 1e-5, atol: 1e-7 });
    }
  });

  it('equals the mean of the unfolded patches for random geometries', () => {
    fc.assert(
      fc.property(caseArbitrary, (c) => {
        const input = inputOf(c);
        expectClose(
          averagedPatches(c.layer, input).data,
          meanOfUnfold(c.layer, input),
          toleranceFor('float64'),
        );
      }),
      { numRuns: 150 },
    );
  });
});
