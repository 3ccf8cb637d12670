import { describeValue } from '@singd/half';
import { layerLabel } from './tensor.js';

/**
 * Memory layout of a Conv2d layer's tensors, and with it the order of the unfolded patch
 * features (which must match the flattening of the kernel gradient, spec §4.2):
 *
 * | layout | input | output gradient | kernel | patch feature `(c, i, j)` at column |
 * |---|---|---|---|---|
 * | `'NCHW'` (PyTorch) | `[N, C_in, I1, I2]` | `[N, C_out, O1, O2]` | `[C_out, C_in/g, K1, K2]` | `(c·K1 + i)·K2 + j` |
 * | `'NHWC'` (TensorFlow.js) | `[N, I1, I2, C_in]` | `[N, O1, O2, C_out]` | `[K1, K2, C_in/g, C_out]` | `(i·K2 + j)·(C_in/g) + c` |
 *
 * NCHW: the weight-gradient matrix `∇W ∈ R^{C_out × d_in}` is the kernel gradient reshaped
 * row-major to `[C_out, C_in/g·K1·K2]`. NHWC: it is the kernel gradient reshaped row-major to
 * `[K1·K2·C_in/g, C_out]` and transposed, i.e. `∇W[o, (i·K2 + j)·C_in/g + c] = ∂W[i, j, c, o]`.
 */
export type Conv2dLayout = 'NCHW' | 'NHWC';

/** Zero padding per side: one number for both spatial dims, `[p1, p2]`, `'valid'` (0) or `'same'`. */
export type Conv2dPadding = number | readonly [number, number] | 'valid' | 'same';

/**
 * A 2-D convolution (cross-correlation, zero padding) with `groups` channel groups:
 * output `y[n, o, o1, o2] = b_o + Σ_{c,i,j} W[o, c, i, j]·x[n, γ(o)·C_in/g + c, o1·s1 − p1 + i·q1, o2·s2 − p2 + j·q2]`
 * (`γ(o)` the group of output channel `o`; `s` stride, `p` padding, `q` dilation).
 * Defaults: stride 1, padding 0, dilation 1, groups 1, layout `'NCHW'`.
 * Preconditioner sizes: `d_K = (C_in/groups)·K1·K2 + (bias ? 1 : 0)`, `d_C = C_out` (spec §1.1).
 */
export interface Conv2dLayer {
  /** Names the layer in error messages (and keys its state elsewhere). */
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  /** `K` for a `K × K` kernel, or `[K1, K2]`. */
  readonly kernelSize: number | readonly [number, number];
  /** Default 1. */
  readonly stride?: number | readonly [number, number] | undefined;
  /** Default 0. `'same'` needs stride 1 and an even total padding `q(K − 1)` per dim. */
  readonly padding?: Conv2dPadding | undefined;
  /** Default 1. */
  readonly dilation?: number | readonly [number, number] | undefined;
  /** Channel groups; must divide inChannels and outChannels. Default 1. */
  readonly groups?: number | undefined;
  /** Whether the layer has a bias (then `Ã` gets a column of ones). */
  readonly bias: boolean;
  /** Default `'NCHW'`. See {@link Conv2dLayout} for the feature order. */
  readonly layout?: Conv2dLayout | undefined;
}

/** A {@link Conv2dLayer} with every default filled in and `'valid'`/`'same'` resolved to numbers. */
export interface Conv2dGeometry {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Zero padding on each side of each spatial dim. */
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
  /** `C_in / groups`: channels per group after averaging the groups. */
  readonly channelsPerGroup: number;
  /** `d_in = (C_in/groups)·K1·K2`: length of one unfolded patch. */
  readonly patchSize: number;
  readonly bias: boolean;
  readonly layout: Conv2dLayout;
}

function pair(value: unknown, fallback: number, what: string, label: string, min: number): [number, number] {
  const raw = value === undefined ? fallback : value;
  const values = typeof raw === 'number' ? [raw, raw] : raw;
  const ok =
    Array.isArray(values) &&
    values.length === 2 &&
    values.every((v) => Number.isInteger(v) && (v as number) >= min);
  if (!ok) {
    const shown = Array.isArray(raw)
      ? `[${raw.map((v) => describeValue(v)).join(', ')}]`
      : describeValue(raw);
    const kind = min === 0 ? 'non-negative' : 'positive';
    throw new RangeError(`${label}: ${what} must be a ${kind} integer or a pair of them; got ${shown}`);
  }
  return [values[0] as number, values[1] as number];
}

function positiveInteger(value: unknown, what: string, label: string): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new RangeError(`${label}: ${what} must be a positive integer; got ${describeValue(value)}`);
  }
  return value as number;
}

/**
 * Checks a {@link Conv2dLayer} and resolves its defaults and string padding (spec §1.3):
 * `'valid'` is 0; `'same'` is a total of `q(K − 1)` per dim split evenly, which needs stride 1
 * (as in PyTorch: with a stride, TensorFlow's `'same'` pads depending on the input size, often
 * unevenly — pass explicit numbers) and an even total. Cost O(1).
 *
 * @throws TypeError for a missing name, non-boolean bias or unknown layout; RangeError
 *   naming the layer for non-positive sizes, groups that do not divide both channel counts,
 *   or `'same'` padding that is uneven ("unequal padding not supported") or strided.
 */
export function conv2dGeometry(layer: Conv2dLayer): Conv2dGeometry {
  if (typeof layer !== 'object' || layer === null) {
    throw new TypeError(
      `a Conv2d layer must be an object { name, inChannels, outChannels, kernelSize, bias, ... }; got ${describeValue(layer)}`,
    );
  }
  if (typeof layer.name !== 'string' || layer.name === '') {
    throw new TypeError(`a Conv2d layer needs a non-empty string name; got ${describeValue(layer.name)}`);
  }
  const label = layerLabel(layer);
  const inChannels = positiveInteger(layer.inChannels, 'inChannels', label);
  const outChannels = positiveInteger(layer.outChannels, 'outChannels', label);
  if (typeof layer.bias !== 'boolean') {
    throw new TypeError(`${label}: bias must be true or false; got ${describeValue(layer.bias)}`);
  }
  const layout = layer.layout ?? 'NCHW';
  if (layout !== 'NCHW' && layout !== 'NHWC') {
    throw new TypeError(`${label}: layout must be one of 'NCHW', 'NHWC'; got ${describeValue(layout)}`);
  }
  if (layer.kernelSize === undefined) throw new RangeError(`${label}: kernelSize is required`);
  const kernelSize = pair(layer.kernelSize, 1, 'kernelSize', label, 1);
  const stride = pair(layer.stride, 1, 'stride', label, 1);
  const dilation = pair(layer.dilation, 1, 'dilation', label, 1);
  const groups = positiveInteger(layer.groups ?? 1, 'groups', label);
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new RangeError(
      `${label}: groups ${groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`,
    );
  }
  let padding: [number, number];
  if (layer.padding === 'valid') padding = [0, 0];
  else if (layer.padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new RangeError(
        `${label}: padding 'same' is supported only with stride 1; got stride [${stride.join(', ')}] (pass explicit padding numbers)`,
      );
    }
    const totals = [0, 1].map((axis) => dilation[axis]! * (kernelSize[axis]! - 1));
    totals.forEach((total, axis) => {
      if (total % 2 !== 0) {
        throw new RangeError(
          `${label}: unequal padding not supported: padding 'same' with kernelSize [${kernelSize.join(', ')}] and dilation [${dilation.join(', ')}] needs a total padding of ${total} along ${axis === 0 ? 'height' : 'width'}, which does not split evenly`,
        );
      }
    });
    padding = [totals[0]! / 2, totals[1]! / 2];
  } else padding = pair(layer.padding, 0, 'padding', label, 0);
  const channelsPerGroup = inChannels / groups;
  return {
    name: layer.name,
    inChannels,
    outChannels,
    kernelSize,
    stride,
    padding,
    dilation,
    groups,
    channelsPerGroup,
    patchSize: channelsPerGroup * kernelSize[0] * kernelSize[1],
    bias: layer.bias,
    layout,
  };
}

function outputLength(
  input: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
): number {
  return Math.floor((input + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * The output spatial size `[O1, O2]` of `layer` on an `height × width` input:
 * `O = ⌊(I + 2p − q(K − 1) − 1)/s⌋ + 1` per dim (spec §1.3). Cost O(1).
 * @throws RangeError naming the layer when the input is smaller than the dilated kernel
 *   (some `O < 1`), or for an invalid layer.
 */
export function conv2dOutputSize(layer: Conv2dLayer, height: number, width: number): [number, number] {
  const geometry = conv2dGeometry(layer);
  const label = layerLabel(layer);
  positiveInteger(height, 'input height', label);
  positiveInteger(width, 'input width', label);
  const { kernelSize: k, stride: s, padding: p, dilation: q } = geometry;
  const size: [number, number] = [
    outputLength(height, k[0], s[0], p[0], q[0]),
    outputLength(width, k[1], s[1], p[1], q[1]),
  ];
  if (size[0] < 1 || size[1] < 1) {
    throw new RangeError(
      `${label}: input spatial size [${height}, ${width}] is too small for kernelSize [${k.join(', ')}] with padding [${p.join(', ')}] and dilation [${q.join(', ')}] (output size [${size.join(', ')}])`,
    );
  }
  return size;
}
