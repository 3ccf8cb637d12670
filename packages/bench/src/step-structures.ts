import type { StructureKind, StructureSpec } from '@singd/structured-matrix';
import { opsStructure } from './ops-structures.js';

/**
 * The preconditioner structures of the optimizer benchmarks (`step`, `memory`): the structures
 * the SINGD optimizer is run with, in table order (dense first: it is INGD).
 */
export const STEP_STRUCTURE_NAMES = Object.freeze([
  'dense',
  'diagonal',
  'block-diagonal',
  'hierarchical',
  'lower-toeplitz',
  'upper-toeplitz',
  'lower-triangular',
  'upper-triangular',
] as const satisfies readonly StructureKind[]);

/** The name of one benchmarked structure (its `kind`). */
export type StepStructureName = (typeof STEP_STRUCTURE_NAMES)[number];

/**
 * The structures whose step is O(d³) (the general triangular ones store d(d+1)/2 entries, and
 * every product with them costs about d³/2 or d³/6 multiply-adds): at large d they get a fixed
 * number of timed steps and no warm-up (see `StepBenchmarkOptions.slowFrom`).
 */
export const SLOW_STEP_STRUCTURES: readonly StepStructureName[] = Object.freeze([
  'lower-triangular',
  'upper-triangular',
]);

/** One benchmarked structure: its spec (with the benchmark's parameters) and its table label. */
export interface StepStructure {
  readonly name: StepStructureName;
  /** The spec of both factors K and C (`{ kind: 'block-diagonal', blockSize: 30 }`). */
  readonly spec: StructureSpec;
  /** The name in tables (`block-diagonal (B = 30)`). */
  readonly label: string;
}

/**
 * The spec and label of `name`: the same parameters as the `ops` benchmark (block size 30,
 * hierarchical (15, 15)).
 * @throws RangeError for a name that is not one of {@link STEP_STRUCTURE_NAMES}.
 */
export function stepStructure(name: StepStructureName): StepStructure {
  if (!STEP_STRUCTURE_NAMES.includes(name)) {
    throw new RangeError(`unknown structure '${String(name)}'; valid: ${STEP_STRUCTURE_NAMES.join(', ')}`);
  }
  const { spec, label } = opsStructure(name);
  return { name, spec, label };
}
