/**
 * The KFAC baseline as a {@link LayerPreconditioner}: `KfacPreconditioner` of
 * @singd/kron-curvature (`S_C⁻¹ ∇W̃ S_K⁻¹`), then the parameter update of spec §2.5.E3 through the
 * transforms of @singd/singd: `chain(addDecayedWeights(γ), trace(α2), scaleByLearningRate(β2))`.
 *
 * @module
 */
import {
  type Conv2dLayer,
  type KfacFailure,
  KfacPreconditioner,
  type LinearLayer,
  processConv2dCapture,
  processLinearCapture,
} from '@singd/kron-curvature';
import { addDecayedWeights, chain, type StateTree, scaleByLearningRate, trace } from '@singd/singd';
import type { KfacTrainerOptions } from '../api.js';
import type { CapturedCall } from '../capture.js';
import type { PreconditionedLayer } from '../model-layers.js';
import { augmentedWeight, splitAugmentedWeight } from '../weight-layout.js';
import type { LayerPreconditioner, LayerValues } from './api.js';
import { kfacCheckpointTree, readKfacCheckpoint } from './kfac-checkpoint.js';

function checkHyper(name: string, value: number, maxExclusive?: number): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (maxExclusive !== undefined && value >= maxExclusive)
  ) {
    const range = maxExclusive === undefined ? 'a finite number ≥ 0' : `a number in [0, ${maxExclusive})`;
    throw new RangeError(`kfac option ${name} must be ${range}; got ${String(value)}`);
  }
  return value;
}

function describeFailure(f: KfacFailure): string {
  if (f.stage === 'factorisation')
    return `layer '${f.layer}': factor ${f.factor} has no Cholesky factor (${f.reason} at pivot ${f.pivot}, value ${f.value})`;
  if (f.stage === 'solve')
    return `layer '${f.layer}': the solve with factor ${f.factor} produced ${f.value} at entry ${f.index}`;
  return `layer '${f.layer}': gradient entry ${f.index} is ${f.value}`;
}

/**
 * A KFAC preconditioner for `layers`; defaults lr 1e-3, momentum 0.9, weightDecay 0 and
 * `KfacPreconditioner`'s (damping 1e-3, lrCov 1e-2, T 10, float32, expand, batch).
 * `save` writes the factors (in their dtype), the step counter, any pending curvature and the
 * momentum/learning-rate transforms' state; `prepareLoad` checks a saved tree completely (layout,
 * layer names and sizes, dtype, finite symmetric positive-definite factors, transform state)
 * before anything changes, so a resumed run continues bit-identically.
 * @throws RangeError for invalid options.
 */
export function kfacPreconditioner(
  layers: readonly PreconditionedLayer[],
  options: KfacTrainerOptions = {},
): LayerPreconditioner {
  const { lr = 1e-3, momentum = 0.9, weightDecay = 0, ...factorOptions } = options;
  checkHyper('lr', lr);
  checkHyper('momentum', momentum, 1);
  checkHyper('weightDecay', weightDecay);
  const kfacLayers = layers.map((l) => ({
    name: l.name,
    inputDimension: l.inputDimension,
    outputDimension: l.outputDimension,
  }));
  let kfac = new KfacPreconditioner(kfacLayers, factorOptions);
  const e3 = chain(addDecayedWeights(weightDecay), trace(momentum), scaleByLearningRate(lr));
  const zeros: Record<string, Float64Array> = {};
  for (const l of layers) zeros[l.name] = new Float64Array(l.inputDimension * l.outputDimension);
  let e3State = e3.init(zeros);
  const byName = new Map(layers.map((l) => [l.name, l]));
  return {
    kind: 'kfac',
    updatingLayers() {
      return new Set(kfac.isUpdateStep ? layers.map((l) => l.name) : []);
    },
    capture(name: string, calls: readonly CapturedCall[]) {
      const l = byName.get(name)!;
      for (const call of calls) {
        const processed =
          l.description.type === 'linear'
            ? processLinearCapture(l.description as LinearLayer, call, kfac.captureOptions)
            : processConv2dCapture(l.description as Conv2dLayer, call, kfac.captureOptions);
        kfac.update(name, processed.inputs, processed.outputGradients);
      }
    },
    step(params, grads) {
      const gradients: Record<string, Float64Array> = {};
      const flatParams: Record<string, Float64Array> = {};
      for (const l of layers) {
        const g = grads.get(l.name)!;
        const p = params.get(l.name)!;
        gradients[l.name] = augmentedWeight(g.weight, g.bias, l.outputDimension);
        flatParams[l.name] = augmentedWeight(p.weight, p.bias, l.outputDimension);
      }
      const outcome = kfac.step(gradients);
      if (!outcome.ok) return { ok: false, reason: outcome.failures.map(describeFailure).join('; ') };
      const directions: Record<string, Float64Array> = {};
      for (const l of layers) directions[l.name] = outcome.preconditioned.get(l.name)!;
      const { updates, state } = e3.update(directions, e3State, flatParams);
      e3State = state;
      const values = new Map<string, LayerValues>();
      for (const l of layers) {
        const p = flatParams[l.name]!;
        const u = updates[l.name]!;
        const next = new Float64Array(p.length);
        for (let i = 0; i < p.length; i++) next[i] = p[i]! + u[i]!;
        values.set(l.name, splitAugmentedWeight(next, l.outputDimension, l.bias !== null));
      }
      return { ok: true, values };
    },
    skip() {
      kfac.skipStep();
    },
    stateBytes(name) {
      const l = byName.get(name)!;
      const factors = l.inputDimension ** 2 + l.outputDimension ** 2;
      const buffer = (e3State[1] as { momentumBuffer: Record<string, Float64Array> }).momentumBuffer[name];
      // S_K, S_C and their cached Cholesky factors (Float64Arrays), plus the momentum buffer.
      return 2 * factors * Float64Array.BYTES_PER_ELEMENT + (buffer?.byteLength ?? 0);
    },
    save() {
      return kfacCheckpointTree(kfac.state(), e3State as unknown as StateTree);
    },
    prepareLoad(tree) {
      const expected = kfacCheckpointTree(kfac.state(), e3State as unknown as StateTree);
      const restored = readKfacCheckpoint(expected, tree, kfacLayers, (state) =>
        KfacPreconditioner.fromState(kfacLayers, factorOptions, state),
      );
      return () => {
        kfac = restored.preconditioner;
        e3State = restored.transforms as unknown as typeof e3State;
      };
    },
  };
}
