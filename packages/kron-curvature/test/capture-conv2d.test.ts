import { toleranceFor } from '@singd/half';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  averagedPatches,
  type Conv2dLayer,
  conv2dGeometry,
  conv2dOutputSize,
  processConv2dCapture,
  processConv2dInputs,
  processConv2dOutputGradients,
  tensor,
  unfold,
} from '../src/index.js';
import { expectClose, gram, randomValues } from './helpers.js';

/** Rows of `values` (rows × cols) with a ones column appended when `bias`. */
function withBias(values: ArrayLike<number>, rows: number, cols: number, bias: boolean): Float64Array {
  const width = cols + (bias ? 1 : 0);
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < cols; f++) out[r * width + f] = values[r * cols + f]!;
    if (bias) out[r * width + cols] = 1;
  }
  return out;
}

const f64 = toleranceFor('float64');

const conv: Conv2dLayer = {
  name: 'conv1',
  inChannels: 4,
  outChannels: 6,
  kernelSize: [3, 2],
  stride: [2, 1],
  padding: [1, 0],
  dilation: [1, 2],
  groups: 2,
  bias: true,
};

describe('conv2dOutputSize and geometry', () => {
  it('follows O = ⌊(I + 2p − q(k − 1) − 1)/s⌋ + 1', () => {
    const layer: Conv2dLayer = {
      name: 'c',
      inChannels: 3,
      outChannels: 2,
      kernelSize: 4,
      padding: 2,
      bias: true,
    };
    expect(conv2dOutputSize(layer, 16, 16)).toEqual([17, 17]); // spec §6.3
    expect(conv2dOutputSize(conv, 9, 7)).toEqual([5, 5]);
    expect(conv2dOutputSize({ ...layer, kernelSize: 5, stride: 2, padding: 'valid' }, 28, 28)).toEqual([
      12, 12,
    ]);
  });

  it("resolves 'same' to q(k − 1)/2 per side and defaults the rest", () => {
    const g = conv2dGeometry({
      name: 'c',
      inChannels: 2,
      outChannels: 2,
      kernelSize: [3, 4],
      dilation: [2, 2],
      padding: 'same',
      bias: false,
      layout: 'NHWC',
    });
    expect(g.padding).toEqual([2, 3]);
    expect(g.stride).toEqual([1, 1]);
    expect(g.groups).toBe(1);
    expect(g.patchSize).toBe(24);
    expect(conv2dOutputSize(g, 10, 11)).toEqual([10, 11]);
    expect(
      conv2dGeometry({ name: 'c', inChannels: 1, outChannels: 1, kernelSize: 2, bias: true }).layout,
    ).toBe('NCHW');
  });
});

describe('processConv2dInputs', () => {
  for (const layout of ['NCHW', 'NHWC'] as const) {
    it(`${layout}: expand = unfolded patches + ones / √(N·O1·O2); reduce = mean patches + ones / √N`, () => {
      const layer = { ...conv, layout };
      const [n, h, w] = [3, 9, 7];
      const shape = layout === 'NCHW' ? [n, 4, h, w] : [n, h, w, 4];
      const input = tensor(shape, randomValues(n * 4 * h * w, 5));
      const d = conv2dGeometry(layer).patchSize;
      const [o1, o2] = conv2dOutputSize(layer, h, w);
      const rows = n * o1 * o2;

      const expand = processConv2dInputs(layer, input, { approximation: 'expand', dtype: 'float64' });
      expect(expand.shape).toEqual([rows, d + 1]);
      const expected = withBias(unfold(layer, input).data, rows, d, true).map((x) => x / Math.sqrt(rows));
      expectClose(expand.toFloat64Array(), expected, f64);
      // ÃᵀÃ = (1/rows)·Σ a aᵀ: the bias entry is 1.
      expect(gram(expand.toFloat64Array(), rows, d + 1)[(d + 1) * (d + 1) - 1]).toBeCloseTo(1, 14);

      const reduce = processConv2dInputs(layer, input, { approximation: 'reduce', dtype: 'float64' });
      expect(reduce.shape).toEqual([n, d + 1]);
      const mean = withBias(averagedPatches(layer, input).data, n, d, true).map((x) => x / Math.sqrt(n));
      expectClose(reduce.toFloat64Array(), mean, f64);
    });
  }

  it('NHWC gives the NCHW Ã up to the documented feature permutation (c, i, j) → (i, j, c)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('expand', 'reduce'),
        fc.boolean(),
        fc.integer(),
        (approximation: 'expand' | 'reduce', bias, seed) => {
          const [n, h, w, cin] = [2, 6, 5, 4];
          const layer = { ...conv, bias };
          const nchw = randomValues(n * cin * h * w, seed);
          const nhwc = new Float64Array(nchw.length);
          for (let s = 0; s < n; s++)
            for (let c = 0; c < cin; c++)
              for (let y = 0; y < h; y++)
                for (let x = 0; x < w; x++)
                  nhwc[((s * h + y) * w + x) * cin + c] = nchw[((s * cin + c) * h + y) * w + x]!;
          const options = { approximation, dtype: 'float32' } as const;
          const a = processConv2dInputs(layer, tensor([n, cin, h, w], nchw), options);
          const b = processConv2dInputs({ ...layer, layout: 'NHWC' }, tensor([n, h, w, cin], nhwc), options);
          expect(b.shape).toEqual(a.shape);
          const [rows, cols] = a.shape;
          const g = conv2dGeometry(layer);
          const [k1, k2] = g.kernelSize;
          const av = a.toFloat64Array();
          const bv = b.toFloat64Array();
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < g.channelsPerGroup; c++)
              for (let i = 0; i < k1; i++)
                for (let j = 0; j < k2; j++)
                  expect(bv[r * cols + (i * k2 + j) * g.channelsPerGroup + c]).toBe(
                    av[r * cols + (c * k1 + i) * k2 + j],
                  );
            if (bias) expect(bv[r * cols + cols - 1]).toBe(av[r * cols + cols - 1]);
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('processConv2dOutputGradients', () => {
  const [n, cout, o1, o2] = [2, 6, 3, 2];
  const nchw = randomValues(n * cout * o1 * o2, 9);
  const nhwc = new Float64Array(nchw.length);
  for (let s = 0; s < n; s++)
    for (let o = 0; o < cout; o++)
      for (let l = 0; l < o1 * o2; l++)
        nhwc[(s * o1 * o2 + l) * cout + o] = nchw[(s * cout + o) * o1 * o2 + l]!;
  const locations = o1 * o2;
  const cases = [
    { approximation: 'expand', lossAverage: 'batch', terms: n },
    { approximation: 'expand', lossAverage: 'batch+sequence', terms: n * locations },
    { approximation: 'expand', lossAverage: null, terms: 1 },
    { approximation: 'reduce', lossAverage: 'batch', terms: n },
    { approximation: 'reduce', lossAverage: 'batch+sequence', terms: n * locations },
    { approximation: 'reduce', lossAverage: null, terms: 1 },
  ] as const;
  for (const { approximation, lossAverage, terms } of cases) {
    it(`${approximation}, lossAverage ${lossAverage}: rows (n, o1, o2) or sums, G̃ᵀG̃ = ${terms}·Σ g gᵀ, both layouts`, () => {
      const rows = approximation === 'expand' ? n * locations : n;
      const unscaled = new Float64Array(rows * cout);
      for (let s = 0; s < n; s++)
        for (let l = 0; l < locations; l++)
          for (let o = 0; o < cout; o++)
            unscaled[(approximation === 'expand' ? s * locations + l : s) * cout + o]! +=
              nchw[(s * cout + o) * locations + l]!;
      const options = { approximation, lossAverage, dtype: 'float64' } as const;
      const a = processConv2dOutputGradients(conv, tensor([n, cout, o1, o2], nchw), options);
      const b = processConv2dOutputGradients(
        { ...conv, layout: 'NHWC' },
        tensor([n, o1, o2, cout], nhwc),
        options,
      );
      expect(a.shape).toEqual([rows, cout]);
      expectClose(
        a.toFloat64Array(),
        unscaled.map((x) => x * Math.sqrt(terms)),
        f64,
      );
      expect(b.toFloat64Array()).toEqual(a.toFloat64Array());
      expectClose(
        gram(a.toFloat64Array(), rows, cout),
        gram(unscaled, rows, cout).map((x) => x * terms),
        f64,
      );
    });
  }
});

describe('processConv2dCapture', () => {
  it('processes a matching input and output gradient', () => {
    const input = tensor([2, 4, 9, 7], randomValues(2 * 4 * 9 * 7, 1));
    const outputGradient = tensor([2, 6, 5, 5], randomValues(2 * 6 * 25, 2));
    const { inputs, outputGradients } = processConv2dCapture(
      conv,
      { input, outputGradient },
      { approximation: 'expand', lossAverage: 'batch', outputGradientDtype: 'bfloat16' },
    );
    expect(inputs.shape).toEqual([50, 13]);
    expect(inputs.dtype).toBe('float32');
    expect(outputGradients.shape).toEqual([50, 6]);
    expect(outputGradients.dtype).toBe('bfloat16');
  });

  it('rejects mismatched batch sizes and spatial sizes, naming the layer and the shapes', () => {
    const input = tensor([2, 4, 9, 7], new Float64Array(2 * 4 * 9 * 7));
    const options = { approximation: 'reduce', lossAverage: 'batch' } as const;
    expect(() =>
      processConv2dCapture(
        conv,
        { input, outputGradient: tensor([3, 6, 5, 5], new Float64Array(450)) },
        options,
      ),
    ).toThrow(
      "layer 'conv1': batch sizes differ: input shape [2, 4, 9, 7] vs output gradient shape [3, 6, 5, 5] (expected output gradient shape [2, 6, 5, 5])",
    );
    expect(() =>
      processConv2dCapture(
        conv,
        { input, outputGradient: tensor([2, 6, 4, 5], new Float64Array(240)) },
        options,
      ),
    ).toThrow(/layer 'conv1': output gradient spatial size does not match the input: .*\[2, 6, 4, 5\]/);
  });
});

describe('conv errors name the layer and the shapes', () => {
  const options = { approximation: 'expand' } as const;
  it('rejects wrong ranks and channel counts', () => {
    expect(() => processConv2dInputs(conv, tensor([2, 4, 9], new Float64Array(72)), options)).toThrow(
      "layer 'conv1': input shape [2, 4, 9] does not match inChannels 4 (expected [N, 4, H, W] for layout 'NCHW')",
    );
    expect(() =>
      processConv2dInputs({ ...conv, layout: 'NHWC' }, tensor([2, 4, 9, 7], new Float64Array(504)), options),
    ).toThrow(
      "layer 'conv1': input shape [2, 4, 9, 7] does not match inChannels 4 (expected [N, H, W, 4] for layout 'NHWC')",
    );
    expect(() =>
      processConv2dOutputGradients(conv, tensor([2, 5, 3, 3], new Float64Array(90)), {
        ...options,
        lossAverage: 'batch',
      }),
    ).toThrow(
      "layer 'conv1': output gradient shape [2, 5, 3, 3] does not match outChannels 6 (expected [N, 6, H, W] for layout 'NCHW')",
    );
  });

  it('rejects inputs smaller than the kernel, NaN, and bad geometry', () => {
    expect(() => unfold(conv, tensor([1, 4, 1, 2], new Float64Array(8)))).toThrow(
      "layer 'conv1': input spatial size [1, 2] is too small for kernelSize [3, 2] with padding [1, 0] and dilation [1, 2] (output size [1, 0])",
    );
    const data = new Float64Array(4 * 9 * 7);
    data[100] = Number.NaN;
    expect(() => averagedPatches(conv, tensor([1, 4, 9, 7], data))).toThrow(
      "layer 'conv1': input of shape [1, 4, 9, 7] has a non-finite entry NaN at [0, 1, 5, 2]",
    );
    const base = { name: 'c2', inChannels: 4, outChannels: 6, bias: false };
    expect(() => conv2dGeometry({ ...base, kernelSize: 4, padding: 'same' })).toThrow(
      "layer 'c2': unequal padding not supported: padding 'same' with kernelSize [4, 4] and dilation [1, 1] needs a total padding of 3 along height, which does not split evenly",
    );
    expect(() => conv2dGeometry({ ...base, kernelSize: 3, padding: 'same', stride: 2 })).toThrow(
      "layer 'c2': padding 'same' is supported only with stride 1; got stride [2, 2] (pass explicit padding numbers)",
    );
    expect(() => conv2dGeometry({ ...base, kernelSize: 3, groups: 4 })).toThrow(
      "layer 'c2': groups 4 must divide inChannels 4 and outChannels 6",
    );
    expect(() => conv2dGeometry({ ...base, kernelSize: [3, 0] })).toThrow(
      "layer 'c2': kernelSize must be a positive integer or a pair of them; got [3, 0]",
    );
    expect(() => conv2dGeometry({ ...base, kernelSize: 3, padding: -1 })).toThrow(
      "layer 'c2': padding must be a non-negative integer or a pair of them; got -1",
    );
    expect(() => conv2dGeometry({ ...base, kernelSize: 3, layout: 'CHWN' as never })).toThrow(
      "layer 'c2': layout must be one of 'NCHW', 'NHWC'; got 'CHWN'",
    );
  });
});
