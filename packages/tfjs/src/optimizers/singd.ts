/**
 * SINGD (and INGD, IKFAC) as a {@link LayerPreconditioner}: the `Singd` class of @singd/singd.
 *
 * @module
 */
import { Singd, type SingdOptions } from '@singd/singd';
import type { CapturedCall } from '../capture.js';
import type { PreconditionedLayer } from '../model-layers.js';
import type { LayerPreconditioner, LayerValues } from './api.js';

function toParams(values: LayerValues): { weight: Float64Array; bias?: Float64Array } {
  return values.bias === null ? { weight: values.weight } : { weight: values.weight, bias: values.bias };
}

/** A one-sample capture of NaNs with valid shapes (the smallest input giving one output location). */
function nanCapture(l: PreconditionedLayer): CapturedCall {
  const dC = l.outputDimension;
  if (l.conv === null) {
    const dIn = l.inputDimension - (l.bias === null ? 0 : 1);
    return {
      input: { shape: [1, dIn], data: new Float64Array(dIn).fill(Number.NaN) },
      outputGradient: { shape: [1, dC], data: new Float64Array(dC).fill(Number.NaN) },
    };
  }
  const [kh, kw] = l.conv.kernelSize;
  const h = (kh - 1) * l.conv.dilation[0] + 1;
  const w = (kw - 1) * l.conv.dilation[1] + 1;
  const cin = (l.inputDimension - (l.bias === null ? 0 : 1)) / (kh * kw);
  return {
    input: { shape: [1, h, w, cin], data: new Float64Array(h * w * cin).fill(Number.NaN) },
    outputGradient: { shape: [1, 1, 1, dC], data: new Float64Array(dC).fill(Number.NaN) },
  };
}

/**
 * Checkpoint bytes as a state-tree leaf (the tree has no byte arrays): the bytes, zero-padded to
 * an even length, viewed as 16-bit words, and the true length.
 */
export function bytesToLeaf(bytes: Uint8Array): { byteLength: number; words: Uint16Array } {
  const padded = new Uint8Array(bytes.length + (bytes.length % 2));
  padded.set(bytes);
  return { byteLength: bytes.length, words: new Uint16Array(padded.buffer, 0, padded.length / 2).slice() };
}

/** The inverse of {@link bytesToLeaf}. */
export function leafToBytes(leaf: { byteLength: number; words: Uint16Array }): Uint8Array {
  return new Uint8Array(leaf.words.buffer, leaf.words.byteOffset, leaf.byteLength).slice();
}

/**
 * A SINGD preconditioner for `layers` (described as in {@link PreconditionedLayer.description}).
 * @throws RangeError/TypeError for invalid options (from `Singd`).
 */
export function singdPreconditioner(
  layers: readonly PreconditionedLayer[],
  options: SingdOptions = {},
): LayerPreconditioner & { readonly singd: Singd } {
  const singd = new Singd(
    layers.map((l) => l.description),
    options,
  );
  return {
    kind: 'singd',
    singd,
    updatingLayers() {
      return new Set(layers.filter((l) => singd.isUpdateStep(l.name)).map((l) => l.name));
    },
    capture(layer: string, calls: readonly CapturedCall[]) {
      for (const call of calls) singd.capture(layer, call.input, call.outputGradient);
    },
    step(params, grads) {
      const p: Record<string, { weight: Float64Array; bias?: Float64Array }> = {};
      const g: Record<string, { weight: Float64Array; bias?: Float64Array }> = {};
      for (const l of layers) {
        p[l.name] = toParams(params.get(l.name)!);
        g[l.name] = toParams(grads.get(l.name)!);
      }
      const result = singd.step(p, g);
      if (result.skipped) return { ok: false, reason: result.reason };
      const values = new Map<string, LayerValues>();
      for (const l of layers) {
        const r = result.params[l.name]!;
        values.set(l.name, { weight: r.weight, bias: r.bias ?? null });
      }
      return { ok: true, values };
    },
    skip() {
      // Singd skips a step whose captures or gradients hold NaN (only its counters advance and
      // pending captures are dropped); an update step needs a capture per updating layer.
      const p: Record<string, { weight: Float64Array; bias?: Float64Array }> = {};
      const g: Record<string, { weight: Float64Array; bias?: Float64Array }> = {};
      for (const l of layers) {
        if (singd.isUpdateStep(l.name)) {
          const nan = nanCapture(l);
          singd.capture(l.name, nan.input, nan.outputGradient);
        }
        const dC = l.outputDimension;
        const dIn = l.inputDimension - (l.bias === null ? 0 : 1);
        const bias = l.bias === null ? {} : { bias: new Float64Array(dC) };
        p[l.name] = { weight: new Float64Array(dC * dIn), ...bias };
        g[l.name] = { weight: new Float64Array(dC * dIn).fill(Number.NaN), ...bias };
      }
      const result = singd.step(p, g);
      if (!result.skipped) throw new Error('internal: a SINGD step with NaN gradients was not skipped');
    },
    stateBytes(layer) {
      return singd.memoryReport().layers[layer]?.state ?? 0;
    },
    save() {
      return bytesToLeaf(singd.saveCheckpoint());
    },
    prepareLoad(tree) {
      const bytes = leafToBytes(tree as { byteLength: number; words: Uint16Array });
      // Singd validates fully and leaves its state untouched on failure; it cannot fail after that.
      const before = singd.saveCheckpoint();
      singd.loadCheckpoint(bytes);
      singd.loadCheckpoint(before);
      return () => singd.loadCheckpoint(bytes);
    },
  };
}
