/**
 * The SINGD optimizer state as a checkpointable {@link StateTree}, and back.
 *
 * @module
 */
import { decodeBFloat16, decodeFloat16, isHalfDType } from '@singd/half';
import { type StructuredMatrix, zeros } from '@singd/structured-matrix';
import { isHalfLeaf, type StateRecord, type StateTree } from '../checkpoint/api.js';
import { describeMismatch } from '../checkpoint/compare.js';
import { CheckpointError } from '../checkpoint/errors.js';
import type { SingdLayerState } from '../preconditioner/layer-state.js';
import type { ScaleBySingdState } from './scale-by-singd.js';
import type { SingdOptimizer, SingdParameterUpdateState, SingdState } from './singd-optimizer.js';

/** The `format` tag of a SINGD optimizer checkpoint tree. */
export const SINGD_CHECKPOINT_FORMAT = 'singd-optimizer/1';

function matrixToTree(m: StructuredMatrix): StateRecord {
  const raw = m.backend.readRaw(m.storage);
  const dtype = m.dtype;
  const storage: StateTree = isHalfDType(dtype) ? { $half: dtype, bits: raw as Uint16Array } : raw;
  return { structure: JSON.stringify(m.spec), size: `${m.rows}×${m.cols}`, dtype, storage };
}

function matrixFromTree(template: StructuredMatrix, node: StateTree): StructuredMatrix {
  const storage = (node as StateRecord)['storage']!;
  let values: ArrayLike<number>;
  if (isHalfLeaf(storage)) {
    values =
      storage.$half === 'bfloat16' ? decodeBFloat16(null, storage.bits) : decodeFloat16(null, storage.bits);
  } else {
    values = storage as Float64Array | Float32Array;
  }
  const m = zeros(template.spec, template.rows, { dtype: template.dtype, backend: template.backend });
  m.backend.write(m.storage, values);
  return m;
}

function optionsTree(optimizer: SingdOptimizer): StateRecord {
  const layers: Record<string, StateTree> = {};
  for (const layer of optimizer.layers) {
    const o = optimizer.options.layers.get(layer.name)!;
    const p = o.preconditioner;
    layers[layer.name] = {
      lr: typeof o.lr === 'number' ? o.lr : 'schedule',
      momentum: o.momentum,
      weightDecay: o.weightDecay,
      T: o.T,
      approximation: o.approximation,
      lossAverage: o.lossAverage,
      damping: p.damping,
      alpha1: p.alpha1,
      lrCov: typeof p.lrCov === 'number' ? p.lrCov : 'schedule',
      structureK: JSON.stringify(p.structures.K),
      structureC: JSON.stringify(p.structures.C),
      dtypeK: p.dtypes.K,
      dtypeC: p.dtypes.C,
      kfacLike: p.kfacLike,
      normalizeLrCov: p.normalizeLrCov,
    };
  }
  return { initGradScale: optimizer.options.initGradScale, layers };
}

/**
 * The whole optimizer state as a plain-data tree (spec §2.5.B): layer shapes and options
 * (for checking a checkpoint against the running optimizer), the step counter, the previous
 * and current loss scales, K, C, m_K, m_C (raw storage; half dtypes as 16-bit leaves), the
 * pending H_K, H_C, and each layer's E3 state (momentum buffer, update count).
 * Cost O(state bytes).
 */
export function singdStateToTree(optimizer: SingdOptimizer, state: SingdState): StateRecord {
  const [pre, e3] = state;
  const layers: Record<string, StateTree> = {};
  const factors: Record<string, StateTree> = {};
  const pending: Record<string, StateTree> = {};
  for (const layer of optimizer.layers) {
    layers[layer.name] = {
      type: layer.type,
      weight: `[${layer.outputs}, ${layer.inputs}]`,
      bias: layer.bias ? `[${layer.outputs}]` : 'none',
    };
    const s = pre.layers[layer.name]!;
    const record: Record<string, StateTree> = { K: matrixToTree(s.K), C: matrixToTree(s.C) };
    if (s.mK !== undefined) record['mK'] = matrixToTree(s.mK);
    if (s.mC !== undefined) record['mC'] = matrixToTree(s.mC);
    factors[layer.name] = record;
    if (s.pendingHK !== undefined && s.pendingHC !== undefined) {
      pending[layer.name] = { HK: matrixToTree(s.pendingHK), HC: matrixToTree(s.pendingHC) };
    }
  }
  return {
    format: SINGD_CHECKPOINT_FORMAT,
    layers,
    options: optionsTree(optimizer),
    state: {
      step: pre.step,
      previousGradScale: pre.previousGradScale,
      gradScale: pre.gradScale,
      invalidCapture: pre.invalidCapture,
      factors,
      pending,
      parameterUpdates: e3 as unknown as StateTree,
    },
  };
}

function isRecord(value: unknown): value is StateRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    !isHalfLeaf(value)
  );
}

/** The tree without the parts whose presence legitimately varies (pending H's, invalidCapture). */
function skeleton(tree: StateTree): StateTree {
  if (!isRecord(tree) || !isRecord(tree['state'])) return tree;
  const { pending: _p, invalidCapture: _i, ...rest } = tree['state'];
  return { ...tree, state: rest };
}

/** `path.name`, or `path["name"]` when the name is not an identifier (as `describeMismatch` writes paths). */
function layerPath(path: string, name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

function optionDifferences(expected: StateTree, actual: StateTree): string[] {
  const out: string[] = [];
  if (!isRecord(expected) || !isRecord(actual)) return out;
  const eo = expected['options'];
  const ao = actual['options'];
  if (!isRecord(eo) || !isRecord(ao)) return out;
  if (typeof ao['initGradScale'] === 'number' && !Object.is(eo['initGradScale'], ao['initGradScale'])) {
    out.push(
      `state.options.initGradScale: value ${String(eo['initGradScale'])} vs ${String(ao['initGradScale'])}`,
    );
  }
  const el = eo['layers'];
  const al = ao['layers'];
  if (!isRecord(el) || !isRecord(al)) return out;
  for (const [name, e] of Object.entries(el)) {
    const a = al[name];
    if (!isRecord(e) || !isRecord(a)) continue;
    for (const [key, value] of Object.entries(e)) {
      const other = a[key];
      if (
        (typeof value === 'number' || typeof value === 'boolean') &&
        typeof other === typeof value &&
        !Object.is(value, other)
      ) {
        out.push(
          `${layerPath('state.options.layers', name)}.${key}: value ${String(value)} vs ${String(other)}`,
        );
      }
    }
  }
  return out;
}

function scalarDifferences(tree: StateRecord): string[] {
  const out: string[] = [];
  const s = tree['state'] as StateRecord;
  const step = s['step'];
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
    out.push(`state.state.step: ${String(step)} is not a non-negative integer`);
  }
  for (const key of ['previousGradScale', 'gradScale']) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      out.push(`state.state.${key}: ${String(v)} is not a finite number > 0`);
  }
  const invalid = s['invalidCapture'];
  if (invalid !== null && typeof invalid !== 'string')
    out.push('state.state.invalidCapture: must be null or a string');
  return out;
}

/**
 * Restores a state from a tree written by {@link singdStateToTree}, after checking that it fits
 * the running optimizer: same layer names, types and shapes, the same options (structures,
 * dtypes, hyper-parameters), the same buffers (e.g. momenta present or absent) with the same
 * dtypes and lengths. Pure: `running` is only read (as the template).
 *
 * @throws CheckpointError('mismatch') listing every difference (expected vs checkpoint).
 */
export function singdStateFromTree(
  optimizer: SingdOptimizer,
  running: SingdState,
  tree: StateTree,
): SingdState {
  const expected = singdStateToTree(optimizer, running);
  const differences = describeMismatch(skeleton(expected), skeleton(tree));
  differences.push(...optionDifferences(expected, tree));
  if (differences.length === 0) {
    const record = tree as StateRecord;
    differences.push(...scalarDifferences(record));
    const pending = (record['state'] as StateRecord)['pending'];
    if (pending !== undefined) {
      if (!isRecord(pending)) differences.push('state.state.pending: must be a record');
      else {
        const step = (record['state'] as StateRecord)['step'] as number;
        for (const [name, node] of Object.entries(pending)) {
          const at = layerPath('state.state.pending', name);
          const layer = optimizer.layers.find((l) => l.name === name);
          if (layer === undefined) {
            differences.push(`${at}: unexpected in checkpoint (no such layer)`);
            continue;
          }
          if (!optimizer.preconditioner.isUpdateStep({ ...running[0], step }, name)) {
            differences.push(
              `${at}: pending captures at step ${step}, which is not an update step of this layer`,
            );
          }
          const factors = (expected['state'] as StateRecord)['factors'] as StateRecord;
          const template = factors[name] as StateRecord;
          differences.push(...describeMismatch({ HK: template['K']!, HC: template['C']! }, node, at));
        }
      }
    }
  }
  if (differences.length > 0) {
    throw new CheckpointError(
      'mismatch',
      `checkpoint does not match the optimizer (expected vs checkpoint): ${differences.join('; ')}`,
      differences,
    );
  }
  const s = (tree as StateRecord)['state'] as StateRecord;
  const factors = s['factors'] as StateRecord;
  const pending = (s['pending'] ?? {}) as StateRecord;
  const layers: Record<string, SingdLayerState> = {};
  for (const layer of optimizer.layers) {
    const template = running[0].layers[layer.name]!;
    const f = factors[layer.name] as StateRecord;
    let next: SingdLayerState = {
      K: matrixFromTree(template.K, f['K']!),
      C: matrixFromTree(template.C, f['C']!),
    };
    if (template.mK !== undefined && template.mC !== undefined) {
      next = {
        ...next,
        mK: matrixFromTree(template.mK, f['mK']!),
        mC: matrixFromTree(template.mC, f['mC']!),
      };
    }
    const p = pending[layer.name];
    if (isRecord(p)) {
      next = {
        ...next,
        pendingHK: matrixFromTree(template.K, p['HK']!),
        pendingHC: matrixFromTree(template.C, p['HC']!),
      };
    }
    layers[layer.name] = next;
  }
  const pre: ScaleBySingdState = {
    step: s['step'] as number,
    previousGradScale: s['previousGradScale'] as number,
    gradScale: s['gradScale'] as number,
    layers,
    invalidCapture: (s['invalidCapture'] ?? null) as string | null,
  };
  const e3 = s['parameterUpdates'] as unknown as Readonly<Record<string, SingdParameterUpdateState>>;
  return [pre, e3];
}
