import { assertDType, type DType } from '@singd/half';
import { DenseMatrix } from '@singd/structured-matrix';
import {
  type Conv2dGeometry,
  type Conv2dLayer,
  conv2dGeometry,
  conv2dOutputSize,
} from './conv2d-geometry.js';
import {
  type CaptureProcessingOptions,
  checkKfacApproximation,
  checkLossAverage,
  checkOptionsObject,
  type InputProcessingOptions,
  type LayerCapture,
  lossTermCount,
  type OutputGradientProcessingOptions,
  type ProcessedCapture,
} from './options.js';
import {
  checkTensor,
  finiteRounded,
  formatShape,
  layerLabel,
  scaleEntries,
  type Tensor,
  tensor,
} from './tensor.js';

/** A checked Conv2d input: sizes and its entries, group-averaged (`C_in/groups` channels, same layout). */
interface GroupAveragedInput {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly outputHeight: number;
  readonly outputWidth: number;
  /** `[N, C_in/g, I1, I2]` (NCHW) or `[N, I1, I2, C_in/g]` (NHWC), row-major. */
  readonly values: Float64Array;
}

function expectedInputShape(geometry: Conv2dGeometry, channels: number): string {
  return geometry.layout === 'NCHW' ? `[N, ${channels}, H, W]` : `[N, H, W, ${channels}]`;
}

/** Rank 4, channel dim = `channels`, no zero-size dims; returns [N, spatial1, spatial2]. */
function checkConvTensor(
  t: Tensor,
  geometry: Conv2dGeometry,
  channels: number,
  channelName: string,
  what: string,
): [number, number, number] {
  const { shape } = t;
  const channelAxis = geometry.layout === 'NCHW' ? 1 : 3;
  const expected = expectedInputShape(geometry, channels);
  if (shape.length !== 4 || shape[channelAxis] !== channels) {
    throw new RangeError(
      `${what} shape ${formatShape(shape)} does not match ${channelName} ${channels} (expected ${expected} for layout '${geometry.layout}')`,
    );
  }
  if (shape.some((s) => s === 0)) {
    throw new RangeError(
      `${what} shape ${formatShape(shape)} has a zero-size dimension (expected ${expected}, all ≥ 1)`,
    );
  }
  return geometry.layout === 'NCHW' ? [shape[0]!, shape[2]!, shape[3]!] : [shape[0]!, shape[1]!, shape[2]!];
}

/**
 * Spec §1.3 Conv2d step 1: channel `γ·(C_in/g) + c` is averaged over the groups `γ`
 * (a no-op copy-free pass-through for `groups = 1`). Cost O(N·C_in·I1·I2).
 */
function averageGroups(
  values: Float64Array,
  geometry: Conv2dGeometry,
  pixels: number,
  batch: number,
): Float64Array {
  const { groups, channelsPerGroup: cg, inChannels } = geometry;
  if (groups === 1) return values;
  const out = new Float64Array(batch * cg * pixels);
  if (geometry.layout === 'NCHW') {
    for (let n = 0; n < batch; n++) {
      for (let g = 0; g < groups; g++) {
        for (let c = 0; c < cg; c++) {
          const source = (n * inChannels + g * cg + c) * pixels;
          const target = (n * cg + c) * pixels;
          for (let p = 0; p < pixels; p++) out[target + p]! += values[source + p]!;
        }
      }
    }
  } else {
    for (let np = 0; np < batch * pixels; np++) {
      for (let g = 0; g < groups; g++) {
        const source = np * inChannels + g * cg;
        for (let c = 0; c < cg; c++) out[np * cg + c]! += values[source + c]!;
      }
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / groups;
  return out;
}

function groupAveragedInput(
  geometry: Conv2dGeometry,
  input: Tensor,
  dtype: DType,
  what: string,
  layer: Conv2dLayer,
): GroupAveragedInput {
  const t = checkTensor(input, what);
  const [batch, height, width] = checkConvTensor(t, geometry, geometry.inChannels, 'inChannels', what);
  const [outputHeight, outputWidth] = conv2dOutputSize(layer, height, width);
  const values = averageGroups(finiteRounded(t, dtype, what), geometry, height * width, batch);
  return { batch, height, width, outputHeight, outputWidth, values };
}

/** Element strides of the group-averaged input and the feature strides of a patch, per layout. */
function strides(geometry: Conv2dGeometry, height: number, width: number) {
  const cg = geometry.channelsPerGroup;
  const [k1, k2] = geometry.kernelSize;
  return geometry.layout === 'NCHW'
    ? {
        batch: cg * height * width,
        channel: height * width,
        row: width,
        column: 1,
        fc: k1 * k2,
        fi: k2,
        fj: 1,
      }
    : { batch: height * width * cg, channel: 1, row: width * cg, column: cg, fc: 1, fi: k2 * cg, fj: cg };
}

/**
 * Writes the patches of `x` to `out`: patch `(n, o1, o2)` starts at
 * `out[((n·O1 + o1)·O2 + o2)·rowStride]`, feature `(c, i, j)` at the layout's feature index.
 */
function unfoldInto(
  out: Float64Array,
  rowStride: number,
  geometry: Conv2dGeometry,
  x: GroupAveragedInput,
): void {
  const { batch, height, width, outputHeight, outputWidth, values } = x;
  const st = strides(geometry, height, width);
  const [k1, k2] = geometry.kernelSize;
  const [s1, s2] = geometry.stride;
  const [p1, p2] = geometry.padding;
  const [q1, q2] = geometry.dilation;
  const cg = geometry.channelsPerGroup;
  for (let n = 0; n < batch; n++) {
    for (let o1 = 0; o1 < outputHeight; o1++) {
      for (let o2 = 0; o2 < outputWidth; o2++) {
        const row = ((n * outputHeight + o1) * outputWidth + o2) * rowStride;
        for (let i = 0; i < k1; i++) {
          const h = o1 * s1 - p1 + i * q1;
          if (h < 0 || h >= height) continue; // zero padding: `out` is zero-initialised
          for (let j = 0; j < k2; j++) {
            const w = o2 * s2 - p2 + j * q2;
            if (w < 0 || w >= width) continue;
            const source = n * st.batch + h * st.row + w * st.column;
            const target = row + i * st.fi + j * st.fj;
            for (let c = 0; c < cg; c++) out[target + c * st.fc] = values[source + c * st.channel]!;
          }
        }
      }
    }
  }
}

/**
 * Writes the mean patch of each sample to `out[n·rowStride + feature]` without forming the
 * patches: the sum over output locations factorises into rows and columns,
 * `Σ_{o1,o2} x[h_i(o1), w_j(o2)] = Σ_{o2} R_i[w_j(o2)]` with column sums
 * `R_i[w] = Σ_{o1} x[h_i(o1), w]` (`h_i(o1) = o1·s1 − p1 + i·q1`, out-of-range terms are the
 * zero padding). Cost O(N·C_g·K1·(O1·I2 + K2·O2)), extra memory O(I2).
 */
function averagedPatchesInto(
  out: Float64Array,
  rowStride: number,
  geometry: Conv2dGeometry,
  x: GroupAveragedInput,
): void {
  const { batch, height, width, outputHeight, outputWidth, values } = x;
  const st = strides(geometry, height, width);
  const [k1, k2] = geometry.kernelSize;
  const [s1, s2] = geometry.stride;
  const [p1, p2] = geometry.padding;
  const [q1, q2] = geometry.dilation;
  const cg = geometry.channelsPerGroup;
  const locations = outputHeight * outputWidth;
  const columnSums = new Float64Array(width);
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < cg; c++) {
      const base = n * st.batch + c * st.channel;
      for (let i = 0; i < k1; i++) {
        columnSums.fill(0);
        for (let o1 = 0; o1 < outputHeight; o1++) {
          const h = o1 * s1 - p1 + i * q1;
          if (h < 0 || h >= height) continue;
          const rowBase = base + h * st.row;
          for (let w = 0; w < width; w++) columnSums[w]! += values[rowBase + w * st.column]!;
        }
        for (let j = 0; j < k2; j++) {
          let total = 0;
          for (let o2 = 0; o2 < outputWidth; o2++) {
            const w = o2 * s2 - p2 + j * q2;
            if (w >= 0 && w < width) total += columnSums[w]!;
          }
          out[n * rowStride + c * st.fc + i * st.fi + j * st.fj] = total / locations;
        }
      }
    }
  }
}

/**
 * The unfolded input patches ("im2col", spec §1.3 Conv2d steps 1–2) as a tensor
 * `[N, O1·O2, d_in]`, `d_in = (C_in/groups)·K1·K2`: channel groups are averaged first
 * (channel `γ·C_in/g + c` → mean over `γ`), then patch `(n, o1, o2)` (location index
 * `o1·O2 + o2`) holds `x[n, c, o1·s1 − p1 + i·q1, o2·s2 − p2 + j·q2]` (0 outside the input) at
 * feature `(c·K1 + i)·K2 + j` for NCHW, `(i·K2 + j)·C_in/g + c` for NHWC — the flattening of
 * the layout's kernel (see {@link Conv2dLayout}). For `groups = 1`, `patches · ∇Wᵀ` is the
 * convolution output with locations as rows.
 *
 * Computed in float64 from the input as given (no dtype rounding); returns a Float64Array.
 * Cost O(N·O1·O2·d_in) time and memory.
 *
 * @throws RangeError naming the layer and the shape for a rank ≠ 4 input, a channel count ≠
 *   inChannels, a zero-size dim, an input smaller than the kernel, or a non-finite entry.
 */
export function unfold(layer: Conv2dLayer, input: Tensor): Tensor {
  const geometry = conv2dGeometry(layer);
  const x = groupAveragedInput(geometry, input, 'float64', `${layerLabel(layer)}: input`, layer);
  const locations = x.outputHeight * x.outputWidth;
  const out = new Float64Array(x.batch * locations * geometry.patchSize);
  unfoldInto(out, geometry.patchSize, geometry, x);
  return tensor([x.batch, locations, geometry.patchSize], out);
}

/**
 * The patches of {@link unfold} averaged over the `O1·O2` output locations, as a tensor
 * `[N, d_in]` (spec §1.3 Conv2d step 3, reduce) — computed **without** materialising the
 * patches, by summing the input rows each kernel row sees and then the columns each kernel
 * column sees. Same feature order and float64 arithmetic as {@link unfold}.
 * Cost O(N·(C_in/g)·K1·(O1·I2 + K2·O2)) time (vs O(N·O1·O2·d_in) for unfolding),
 * O(N·d_in + I2) memory besides the group-averaged input copy.
 *
 * @throws as {@link unfold}.
 */
export function averagedPatches(layer: Conv2dLayer, input: Tensor): Tensor {
  const geometry = conv2dGeometry(layer);
  const x = groupAveragedInput(geometry, input, 'float64', `${layerLabel(layer)}: input`, layer);
  const out = new Float64Array(x.batch * geometry.patchSize);
  averagedPatchesInto(out, geometry.patchSize, geometry, x);
  return tensor([x.batch, geometry.patchSize], out);
}

/**
 * The processed inputs `Ã` of a Conv2d layer (spec §1.3), so that `A = ÃᵀÃ`:
 *
 * 1. the input (`[N, C_in, I1, I2]` NCHW or `[N, I1, I2, C_in]` NHWC) is rounded to `dtype`
 *    and its channel groups are averaged;
 * 2. expand: one row per patch `(n, o1, o2)` → `(N·O1·O2) × d_in` ({@link unfold});
 *    reduce: the mean patch of each sample → `N × d_in` ({@link averagedPatches}, no patches
 *    materialised);
 * 3. with bias a column of ones is appended (`d_K = d_in + 1`);
 * 4. every entry is divided by `√rows`.
 *
 * Steps 1–4 run in float64; the result is rounded once to `dtype`. Cost: expand
 * O(N·O1·O2·d_K) time and memory; reduce that of {@link averagedPatches}.
 *
 * @throws as {@link unfold}; RangeError for bad options.
 */
export function processConv2dInputs(
  layer: Conv2dLayer,
  input: Tensor,
  options: InputProcessingOptions,
): DenseMatrix {
  const geometry = conv2dGeometry(layer);
  const label = layerLabel(layer);
  checkOptionsObject(options, `processConv2dInputs (${label})`);
  const approximation = checkKfacApproximation(options.approximation);
  const dtype = assertDType(options.dtype ?? 'float32');
  const x = groupAveragedInput(geometry, input, dtype, `${label}: input`, layer);
  const cols = geometry.patchSize + (geometry.bias ? 1 : 0);
  const rows = approximation === 'expand' ? x.batch * x.outputHeight * x.outputWidth : x.batch;
  const out = new Float64Array(rows * cols);
  if (approximation === 'expand') unfoldInto(out, cols, geometry, x);
  else averagedPatchesInto(out, cols, geometry, x);
  if (geometry.bias) for (let r = 0; r < rows; r++) out[r * cols + geometry.patchSize] = 1;
  scaleEntries(out, { divisor: Math.sqrt(rows) });
  return DenseMatrix.fromArray(out, rows, cols, dtype);
}

/**
 * The processed output gradients `G̃` of a Conv2d layer (spec §1.3), so that `G = G̃ᵀG̃`:
 *
 * 1. the gradient (`[N, C_out, O1, O2]` NCHW or `[N, O1, O2, C_out]` NHWC) is rounded to `dtype`;
 * 2. expand: one row per location `(n, o1, o2)` (row `(n·O1 + o1)·O2 + o2`, as in `Ã`) →
 *    `(N·O1·O2) × C_out`; reduce: the **sum** over locations → `N × C_out`;
 * 3. every entry is multiplied by `√n_terms`, `n_terms = N` (`'batch'`), `N·O1·O2`
 *    (`'batch+sequence'`), none for `null`.
 *
 * Steps 2–3 run in float64; the result is rounded once to `dtype`.
 * Cost O(N·O1·O2·C_out) time, O(rows·C_out) memory.
 *
 * @throws RangeError naming the layer and the shape for a rank ≠ 4 gradient, a channel count
 *   ≠ outChannels, a zero-size dim, or a non-finite entry; RangeError for bad options.
 */
export function processConv2dOutputGradients(
  layer: Conv2dLayer,
  outputGradient: Tensor,
  options: OutputGradientProcessingOptions,
): DenseMatrix {
  const geometry = conv2dGeometry(layer);
  const label = layerLabel(layer);
  checkOptionsObject(options, `processConv2dOutputGradients (${label})`);
  const approximation = checkKfacApproximation(options.approximation);
  const lossAverage = checkLossAverage(options.lossAverage);
  const dtype = assertDType(options.dtype ?? 'float32');
  const what = `${label}: output gradient`;
  const t = checkTensor(outputGradient, what);
  const [batch, height, width] = checkConvTensor(t, geometry, geometry.outChannels, 'outChannels', what);
  const values = finiteRounded(t, dtype, what);
  const channels = geometry.outChannels;
  const locations = height * width;
  const rows = approximation === 'expand' ? batch * locations : batch;
  const out = new Float64Array(rows * channels);
  for (let n = 0; n < batch; n++) {
    for (let l = 0; l < locations; l++) {
      const row = (approximation === 'expand' ? n * locations + l : n) * channels;
      for (let o = 0; o < channels; o++) {
        const source =
          geometry.layout === 'NCHW'
            ? (n * channels + o) * locations + l
            : (n * locations + l) * channels + o;
        out[row + o]! += values[source]!;
      }
    }
  }
  const terms = lossTermCount(lossAverage, batch, locations);
  scaleEntries(out, { multiplier: terms === null ? 1 : Math.sqrt(terms) });
  return DenseMatrix.fromArray(out, rows, channels, dtype);
}

/**
 * `Ã` and `G̃` of one Conv2d capture ({@link processConv2dInputs},
 * {@link processConv2dOutputGradients}), after checking that the output gradient belongs to
 * the input: same batch size, spatial size = {@link conv2dOutputSize} of the input's.
 * Cost: the sum of both.
 * @throws RangeError naming the layer and both shapes when they do not match.
 */
export function processConv2dCapture(
  layer: Conv2dLayer,
  capture: LayerCapture,
  options: CaptureProcessingOptions,
): ProcessedCapture {
  const geometry = conv2dGeometry(layer);
  const label = layerLabel(layer);
  checkOptionsObject(options, `processConv2dCapture (${label})`);
  const input = checkTensor(capture?.input, `${label}: input`);
  const outputGradient = checkTensor(capture?.outputGradient, `${label}: output gradient`);
  const [batch, height, width] = checkConvTensor(
    input,
    geometry,
    geometry.inChannels,
    'inChannels',
    `${label}: input`,
  );
  const [gradientBatch, o1, o2] = checkConvTensor(
    outputGradient,
    geometry,
    geometry.outChannels,
    'outChannels',
    `${label}: output gradient`,
  );
  const [e1, e2] = conv2dOutputSize(layer, height, width);
  if (batch !== gradientBatch || o1 !== e1 || o2 !== e2) {
    const what =
      batch !== gradientBatch
        ? 'batch sizes differ'
        : 'output gradient spatial size does not match the input';
    const expected =
      geometry.layout === 'NCHW'
        ? `[${batch}, ${geometry.outChannels}, ${e1}, ${e2}]`
        : `[${batch}, ${e1}, ${e2}, ${geometry.outChannels}]`;
    throw new RangeError(
      `${label}: ${what}: input shape ${formatShape(input.shape)} vs output gradient shape ${formatShape(outputGradient.shape)} (expected output gradient shape ${expected})`,
    );
  }
  return {
    inputs: processConv2dInputs(layer, input, {
      approximation: options.approximation,
      dtype: options.inputDtype,
    }),
    outputGradients: processConv2dOutputGradients(layer, outputGradient, {
      approximation: options.approximation,
      lossAverage: options.lossAverage,
      dtype: options.outputGradientDtype,
    }),
  };
}
