/**
 * Validation of a {@link KfacState} against the layers and options of a `KfacPreconditioner`,
 * before it is restored: every difference is collected and reported at once, and nothing is
 * changed until all checks pass.
 */
import { type DType, describeValue, roundingFunction } from '@singd/half';
import { choleskyDecompose } from './cholesky.js';
import type { KfacLayer, KfacLayerState, KfacState } from './kfac.js';

/**
 * A {@link KfacState} that does not fit the preconditioner it should be restored into. The
 * message lists every difference (`; `-separated, expected first, e.g.
 * `layer 'fc': inputCurvature has 9 entries; expected 16 (d_K × d_K = 4 × 4)`,
 * `dtype: 'float32' expected, state has 'bfloat16'`); they are also in {@link differences}.
 */
export class KfacStateError extends Error {
  override readonly name = 'KfacStateError';
  /** Every difference found, one sentence each. */
  readonly differences: readonly string[];

  constructor(differences: readonly string[]) {
    super(`KFAC state does not fit this preconditioner: ${differences.join('; ')}`);
    this.differences = Object.freeze([...differences]);
  }
}

/** The checked contents of one layer's state (copies), with the Cholesky factors of `S_K`, `S_C`. */
export interface CheckedKfacLayerState {
  readonly inputCurvature: Float64Array;
  readonly outputCurvature: Float64Array;
  readonly inputCholesky: Float64Array;
  readonly outputCholesky: Float64Array;
  readonly pendingInput: Float64Array | null;
  readonly pendingOutput: Float64Array | null;
}

/** A {@link KfacState} that passed {@link checkKfacState}: the step counter and every layer by name. */
export interface CheckedKfacState {
  readonly step: number;
  readonly layers: ReadonlyMap<string, CheckedKfacLayerState>;
}

type MatrixField = 'inputCurvature' | 'outputCurvature' | 'pendingInputCurvature' | 'pendingOutputCurvature';

/**
 * Checks one `d × d` matrix of a layer state: a Float64Array of `d²` finite values of `dtype`,
 * exactly symmetric. Returns a copy, or `null` after adding what is wrong to `differences`.
 */
function checkMatrix(
  value: unknown,
  d: number,
  sizeName: string,
  field: MatrixField,
  label: string,
  dtype: DType,
  differences: string[],
): Float64Array | null {
  if (!(value instanceof Float64Array)) {
    differences.push(`${label}: ${field} must be a Float64Array; got ${describeValue(value)}`);
    return null;
  }
  if (value.length !== d * d) {
    differences.push(
      `${label}: ${field} has ${value.length} entries; expected ${d * d} (${sizeName} × ${sizeName} = ${d} × ${d})`,
    );
    return null;
  }
  const round = roundingFunction(dtype);
  for (let index = 0; index < value.length; index++) {
    const x = value[index]!;
    if (!Number.isFinite(x)) {
      differences.push(`${label}: ${field} entry ${index} is ${x}; every entry must be finite`);
      return null;
    }
    if (round(x) !== x) {
      differences.push(`${label}: ${field} entry ${index} = ${x} is not a ${dtype} value`);
      return null;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      if (value[i * d + j] !== value[j * d + i]) {
        differences.push(
          `${label}: ${field} is not symmetric (entry (${i}, ${j}) = ${value[i * d + j]} but (${j}, ${i}) = ${value[j * d + i]})`,
        );
        return null;
      }
    }
  }
  return value.slice();
}

/** The Cholesky factor of a checked factor, or `null` after recording that it has none in `dtype`. */
function checkedCholesky(
  matrix: Float64Array,
  d: number,
  field: 'inputCurvature' | 'outputCurvature',
  label: string,
  dtype: DType,
  differences: string[],
): Float64Array | null {
  const outcome = choleskyDecompose(matrix, d, dtype);
  if (outcome.ok) return outcome.factor;
  differences.push(
    `${label}: ${field} is not positive definite in ${dtype} (Cholesky ${outcome.reason} at pivot ${outcome.pivot}, value ${outcome.value})`,
  );
  return null;
}

function checkLayerState(
  layer: KfacLayer,
  state: KfacLayerState,
  pendingAllowed: boolean,
  step: unknown,
  dtype: DType,
  differences: string[],
): CheckedKfacLayerState | null {
  const label = `layer '${layer.name}'`;
  const before = differences.length;
  const { inputDimension: dK, outputDimension: dC } = layer;
  if (state.inputDimension !== dK || state.outputDimension !== dC) {
    differences.push(
      `${label}: d_K × d_C is ${dK} × ${dC}, state has ${describeValue(state.inputDimension)} × ${describeValue(state.outputDimension)}`,
    );
    return null;
  }
  const input = checkMatrix(state.inputCurvature, dK, 'd_K', 'inputCurvature', label, dtype, differences);
  const output = checkMatrix(state.outputCurvature, dC, 'd_C', 'outputCurvature', label, dtype, differences);
  const inputL =
    input === null ? null : checkedCholesky(input, dK, 'inputCurvature', label, dtype, differences);
  const outputL =
    output === null ? null : checkedCholesky(output, dC, 'outputCurvature', label, dtype, differences);
  const pendingInput = state.pendingInputCurvature;
  const pendingOutput = state.pendingOutputCurvature;
  let checkedPendingInput: Float64Array | null = null;
  let checkedPendingOutput: Float64Array | null = null;
  if ((pendingInput === null) !== (pendingOutput === null)) {
    differences.push(
      `${label}: pendingInputCurvature and pendingOutputCurvature must both be null or both be matrices; got ${pendingInput === null ? 'null' : 'a matrix'} and ${pendingOutput === null ? 'null' : 'a matrix'}`,
    );
  } else if (pendingInput !== null) {
    if (!pendingAllowed) {
      differences.push(
        `${label}: has pending curvature at step ${describeValue(step)}, which is not an update step`,
      );
    } else {
      const fields = ['pendingInputCurvature', 'pendingOutputCurvature'] as const;
      checkedPendingInput = checkMatrix(pendingInput, dK, 'd_K', fields[0], label, dtype, differences);
      checkedPendingOutput = checkMatrix(pendingOutput, dC, 'd_C', fields[1], label, dtype, differences);
    }
  }
  if (
    differences.length > before ||
    input === null ||
    output === null ||
    inputL === null ||
    outputL === null
  ) {
    return null;
  }
  return {
    inputCurvature: input,
    outputCurvature: output,
    inputCholesky: inputL,
    outputCholesky: outputL,
    pendingInput: checkedPendingInput,
    pendingOutput: checkedPendingOutput,
  };
}

/**
 * Checks that `state` (from `KfacPreconditioner.state()`, possibly read back from a file) fits
 * a preconditioner with `layers`, update period `T` and `dtype`, and returns copies of its
 * arrays plus the Cholesky factors of `S_K` and `S_C` recomputed in `dtype` (the same ones the
 * preconditioner caches, since the factorisation is deterministic). Checked:
 *
 * - `dtype` equals the preconditioner's; `step` is an integer `≥ 0`;
 * - the layer names are exactly `layers`' (matched by name, any order; missing, unexpected and
 *   duplicate names are each reported) with the same `d_K`, `d_C`;
 * - `S_K` (`d_K × d_K`) and `S_C` (`d_C × d_C`) are Float64Arrays of that size whose entries are
 *   finite values of `dtype`, exactly symmetric, and positive definite in `dtype` (Cholesky
 *   succeeds);
 * - pending `U_K`, `U_C` are both `null`, or both matrices like the factors (finite, of `dtype`,
 *   symmetric), and only at an update step (`step mod T = 0`). A state whose pending curvature
 *   holds NaN/±∞ (captures with NaN, before the failing step) is rejected: call `skipStep()` to
 *   drop such captures before taking the state.
 *
 * Pure: nothing is modified. Cost `O(Σ d_K³ + d_C³)` for the factorisations plus
 * `O(Σ d_K² + d_C²)` for the entry checks and copies.
 *
 * @throws KfacStateError listing every difference found.
 */
export function checkKfacState(
  layers: readonly KfacLayer[],
  options: { readonly T: number; readonly dtype: DType },
  state: KfacState,
): CheckedKfacState {
  if (typeof state !== 'object' || state === null) {
    throw new KfacStateError([
      `state must be an object { dtype, step, layers } from KfacPreconditioner.state(); got ${describeValue(state)}`,
    ]);
  }
  const differences: string[] = [];
  const { dtype, T } = options;
  if (state.dtype !== dtype) {
    differences.push(`dtype: '${dtype}' expected, state has ${describeValue(state.dtype)}`);
  }
  const { step } = state;
  const stepValid = Number.isSafeInteger(step) && step >= 0;
  if (!stepValid) differences.push(`step must be an integer >= 0; got ${describeValue(step)}`);
  if (!Array.isArray(state.layers)) {
    differences.push(`layers must be an array of layer states; got ${describeValue(state.layers)}`);
    throw new KfacStateError(differences);
  }
  const byName = new Map<string, KfacLayerState>();
  state.layers.forEach((layerState: unknown, position) => {
    if (typeof layerState !== 'object' || layerState === null) {
      differences.push(`layers[${position}] must be a layer state object; got ${describeValue(layerState)}`);
      return;
    }
    const { name } = layerState as KfacLayerState;
    if (byName.has(name)) differences.push(`layer ${describeValue(name)} appears twice in the state`);
    else byName.set(name, layerState as KfacLayerState);
  });
  const known = new Set(layers.map((layer) => layer.name));
  for (const name of byName.keys()) {
    if (!known.has(name)) differences.push(`layer ${describeValue(name)}: in the state but not a layer here`);
  }
  // With a wrong dtype every entry check would only repeat it; the shapes are still compared.
  const entryDtype = state.dtype === dtype ? dtype : 'float64';
  const pendingAllowed = stepValid && step % T === 0;
  const checked = new Map<string, CheckedKfacLayerState>();
  for (const layer of layers) {
    const layerState = byName.get(layer.name);
    if (layerState === undefined) {
      differences.push(`layer '${layer.name}': missing in the state`);
      continue;
    }
    const result = checkLayerState(layer, layerState, pendingAllowed, step, entryDtype, differences);
    if (result !== null) checked.set(layer.name, result);
  }
  if (differences.length > 0) throw new KfacStateError(differences);
  return { step, layers: checked };
}
