/**
 * A `Conv2DBackpropFilter` kernel for the tfjs `wasm` backend, which 4.22.0 does not ship
 * (so no Conv2D layer can be trained there). Imports TensorFlow.js: load with `import()`.
 * @module
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;

function runKernel(
  name: string,
  inputs: Record<string, TensorInfo>,
  backend: tf.KernelBackend,
  attrs: Record<string, unknown>,
): TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`the wasm backend has no '${name}' kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

/**
 * `∂L/∂W` of a 2-D convolution (NHWC, dilation 1, any strides and padding) on the wasm backend,
 * from the input `x` `[N, H, W, C_in]` and the output gradient `dy` `[N, H_o, W_o, C_out]`:
 *
 * `dW[a, b, c, o] = Σ_{n,i,j} x_p[n, i·s_h + a, j·s_w + b, c] · dy[n, i, j, o]`
 *
 * with `x_p` the zero-padded input. That is itself a convolution, run by the wasm `Conv2D`
 * kernel (XNNPACK): the input `x_pᵀ` `[C_in, H_p, W_p, N]` (batch C_in, channels N) with the
 * filter `dyᵀ` `[H_o, W_o, N, C_out]` dilated by the strides, which gives `[C_in, k_h + r_h,
 * k_w + r_w, C_out]` (`r` rows and columns the strides never reach); cropped to the filter size
 * and transposed to `[k_h, k_w, C_in, C_out]`. Cost: one convolution of `N·C_in·C_out·H_o·W_o·k_h·k_w`
 * multiply-adds, plus transposes.
 * @throws Error for a dataFormat other than NHWC.
 */
function conv2dBackpropFilter(args: Parameters<tf.KernelFunc>[0]): TensorInfo {
  const { inputs } = args;
  const backend = args.backend as tf.KernelBackend;
  const attrs = (args.attrs ?? {}) as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  const x = inputs['x']!;
  const dy = inputs['dy']!;
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropFilter (wasm): dataFormat must be 'NHWC'; got '${attrs.dataFormat}'`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const [kh, kw, cin, cout] = attrs.filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const temporaries: TensorInfo[] = [];
  const keep = (t: TensorInfo): TensorInfo => {
    temporaries.push(t);
    return t;
  };
  try {
    const padded =
      top === 0 && bottom === 0 && left === 0 && right === 0
        ? x
        : keep(
            runKernel('PadV2', { x }, backend, {
              paddings: [
                [0, 0],
                [top, bottom],
                [left, right],
                [0, 0],
              ],
              constantValue: 0,
            }),
          );
    const xT = keep(runKernel('Transpose', { x: padded }, backend, { perm: [3, 1, 2, 0] }));
    const dyT = keep(runKernel('Transpose', { x: dy }, backend, { perm: [1, 2, 0, 3] }));
    const conv = keep(
      runKernel('Conv2D', { x: xT, filter: dyT }, backend, {
        strides: [1, 1],
        pad: 'valid',
        dataFormat: 'NHWC',
        dilations: [info.strideHeight, info.strideWidth],
      }),
    );
    const cropped =
      conv.shape[1] === kh && conv.shape[2] === kw
        ? conv
        : keep(runKernel('Slice', { x: conv }, backend, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] }));
    return runKernel('Transpose', { x: cropped }, backend, { perm: [1, 2, 0, 3] });
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
}

/**
 * Registers {@link conv2dBackpropFilter} as the wasm backend's `Conv2DBackpropFilter` unless
 * one is registered already. Returns whether it registered. Call before training a model with
 * Conv2D layers on `wasm`.
 */
export function registerWasmConv2dBackpropFilter(): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return false;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropFilter,
  });
  return true;
}
