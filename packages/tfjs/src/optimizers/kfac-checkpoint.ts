/**
 * The checkpoint tree of the trainer's KFAC preconditioner: `KfacPreconditioner.state()` plus
 * the state of the momentum/learning-rate transforms, and the way back with every check made
 * before anything changes.
 *
 * @module
 */
import { type DType, decodeBFloat16, decodeFloat16, encodeBFloat16, encodeFloat16 } from '@singd/half';
import { type KfacLayer, type KfacState, KfacStateError } from '@singd/kron-curvature';
import { CheckpointError, describeMismatch, isHalfLeaf, type StateTree } from '@singd/singd';

/** Where the KFAC tree sits in a trainer checkpoint, for error messages. */
const PATH = 'checkpoint.preconditioner';

/**
 * A factor (values of `dtype` held in a Float64Array) as a checkpoint leaf of its own precision:
 * Float64Array, Float32Array, or a bfloat16/float16 half leaf. Lossless, since every entry is a
 * value of `dtype`. Cost O(entries).
 */
export function factorToLeaf(values: Float64Array, dtype: DType): StateTree {
  switch (dtype) {
    case 'float64':
      return values.slice();
    case 'float32':
      return Float32Array.from(values);
    case 'bfloat16':
      return { $half: 'bfloat16', bits: encodeBFloat16(null, values) };
    case 'float16':
      return { $half: 'float16', bits: encodeFloat16(null, values) };
  }
}

/**
 * The inverse of {@link factorToLeaf}: the leaf's values as a new Float64Array, or `null` when
 * the leaf is not of `dtype`'s kind. Cost O(entries).
 */
export function leafToFactor(leaf: StateTree, dtype: DType): Float64Array | null {
  switch (dtype) {
    case 'float64':
      return leaf instanceof Float64Array ? leaf.slice() : null;
    case 'float32':
      return leaf instanceof Float32Array ? Float64Array.from(leaf) : null;
    case 'bfloat16':
    case 'float16':
      if (!isHalfLeaf(leaf) || leaf.$half !== dtype) return null;
      return Float64Array.from(
        dtype === 'bfloat16' ? decodeBFloat16(null, leaf.bits) : decodeFloat16(null, leaf.bits),
      );
  }
}

/**
 * The KFAC checkpoint tree: `{ dtype, step, layers: { [name]: { inputCurvature,
 * outputCurvature, pendingInputCurvature, pendingOutputCurvature } }, transforms }`, the factors
 * as leaves of their own dtype ({@link factorToLeaf}), pending `U`s as such leaves or `null`,
 * and `transforms` the state of `chain(addDecayedWeights, trace, scaleByLearningRate)` as is.
 * Cost O(Σ d_K² + d_C² + parameters).
 */
export function kfacCheckpointTree(state: KfacState, transforms: StateTree): StateTree {
  const layers: Record<string, StateTree> = {};
  for (const l of state.layers) {
    layers[l.name] = {
      inputCurvature: factorToLeaf(l.inputCurvature, state.dtype),
      outputCurvature: factorToLeaf(l.outputCurvature, state.dtype),
      pendingInputCurvature:
        l.pendingInputCurvature === null ? null : factorToLeaf(l.pendingInputCurvature, state.dtype),
      pendingOutputCurvature:
        l.pendingOutputCurvature === null ? null : factorToLeaf(l.pendingOutputCurvature, state.dtype),
    };
  }
  return { dtype: state.dtype, step: state.step, layers, transforms };
}

type LayerTree = Record<string, StateTree>;

/** `tree` with every layer's pending leaves set to `null` (their presence is checked by kron-curvature). */
function withoutPending(tree: StateTree): StateTree {
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree) || ArrayBuffer.isView(tree))
    return tree;
  const record = tree as Record<string, StateTree>;
  const layers = record['layers'];
  if (typeof layers !== 'object' || layers === null || Array.isArray(layers) || ArrayBuffer.isView(layers)) {
    return tree;
  }
  const stripped: Record<string, StateTree> = {};
  for (const [name, layer] of Object.entries(layers as Record<string, StateTree>)) {
    stripped[name] =
      typeof layer === 'object' && layer !== null && !Array.isArray(layer) && !ArrayBuffer.isView(layer)
        ? { ...(layer as LayerTree), pendingInputCurvature: null, pendingOutputCurvature: null }
        : layer;
  }
  return { ...record, layers: stripped };
}

function mismatch(differences: readonly string[]): CheckpointError {
  return new CheckpointError(
    'mismatch',
    `KFAC checkpoint does not match this trainer (expected vs checkpoint): ${differences.join('; ')}`,
    differences,
  );
}

/** The numbers the transforms' state holds: finite momentum buffers, a step count that is an integer ≥ 0. */
function checkTransformValues(tree: StateTree, at: string, differences: string[]): void {
  if (typeof tree === 'number') {
    if (!(Number.isSafeInteger(tree) && tree >= 0)) {
      differences.push(`${at}: ${tree} is not a step count (an integer ≥ 0)`);
    }
  } else if (tree instanceof Float64Array || tree instanceof Float32Array) {
    const bad = tree.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) differences.push(`${at}: entry ${bad} is ${tree[bad]}; every entry must be finite`);
  } else if (Array.isArray(tree)) {
    tree.forEach((child: StateTree, i) => {
      checkTransformValues(child, `${at}[${i}]`, differences);
    });
  } else if (typeof tree === 'object' && tree !== null && !ArrayBuffer.isView(tree) && !isHalfLeaf(tree)) {
    for (const [key, child] of Object.entries(tree)) checkTransformValues(child, `${at}.${key}`, differences);
  }
}

/** Deep copy of the typed arrays of a tree (records and arrays rebuilt), so no storage is shared with it. */
function copyTree(tree: StateTree): StateTree {
  if (tree instanceof Float64Array || tree instanceof Float32Array || tree instanceof Uint16Array) {
    return tree.slice();
  }
  if (Array.isArray(tree)) return tree.map((child: StateTree) => copyTree(child));
  if (typeof tree === 'object' && tree !== null) {
    const out: Record<string, StateTree> = {};
    for (const [key, child] of Object.entries(tree)) out[key] = copyTree(child as StateTree);
    return out;
  }
  return tree;
}

/**
 * Reads a tree of {@link kfacCheckpointTree} back, checked against `expected` (the tree this
 * trainer would write now): structure, layer names, factor sizes and dtypes and the transforms'
 * layout by `describeMismatch`, then the values by `checkState` (kron-curvature's validation:
 * step counter, finite, symmetric, positive-definite factors, pending `U`s) and the transforms'
 * numbers (finite momentum buffers, integer counts). Pure. Cost O(Σ d_K³ + d_C³ + parameters).
 *
 * @param checkState - builds the restored preconditioner from the decoded state, throwing
 *   `KfacStateError` when it does not fit (e.g. `KfacPreconditioner.fromState`).
 * @throws CheckpointError (`'mismatch'`) listing every difference, paths under
 *   `checkpoint.preconditioner`.
 */
export function readKfacCheckpoint<P>(
  expected: StateTree,
  tree: StateTree,
  layers: readonly KfacLayer[],
  checkState: (state: KfacState) => P,
): { readonly preconditioner: P; readonly transforms: StateTree } {
  const differences = describeMismatch(withoutPending(expected), withoutPending(tree), PATH);
  if (differences.length > 0) throw mismatch(differences);
  const record = tree as Record<string, StateTree>;
  const dtype = record['dtype'] as DType;
  const treeLayers = record['layers'] as Record<string, LayerTree>;
  const decode = (leaf: StateTree, name: string, field: string): Float64Array => {
    const values = leafToFactor(leaf, dtype);
    if (values === null) {
      differences.push(`${PATH}.layers.${name}.${field}: not a ${dtype} leaf like the factors`);
      return new Float64Array(0);
    }
    return values;
  };
  const state: KfacState = {
    dtype,
    step: record['step'] as number,
    layers: layers.map((l) => {
      const layer = treeLayers[l.name]!;
      const pendingInput = layer['pendingInputCurvature']!;
      const pendingOutput = layer['pendingOutputCurvature']!;
      return {
        name: l.name,
        inputDimension: l.inputDimension,
        outputDimension: l.outputDimension,
        inputCurvature: decode(layer['inputCurvature']!, l.name, 'inputCurvature'),
        outputCurvature: decode(layer['outputCurvature']!, l.name, 'outputCurvature'),
        pendingInputCurvature:
          pendingInput === null ? null : decode(pendingInput, l.name, 'pendingInputCurvature'),
        pendingOutputCurvature:
          pendingOutput === null ? null : decode(pendingOutput, l.name, 'pendingOutputCurvature'),
      };
    }),
  };
  const transforms = record['transforms']!;
  checkTransformValues(transforms, `${PATH}.transforms`, differences);
  if (differences.length > 0) throw mismatch(differences);
  try {
    return { preconditioner: checkState(state), transforms: copyTree(transforms) };
  } catch (error) {
    if (error instanceof KfacStateError) throw mismatch(error.differences.map((d) => `${PATH}: ${d}`));
    throw error;
  }
}
