/**
 * The checkpoint tree of `Trainer.saveCheckpoint`: a small header, the optimizers' own
 * checkpoints and all model weights, and the check that a checkpoint fits a trainer.
 *
 * @module
 */
import { describeMismatch, type StateTree } from '@singd/singd';
import type { FisherKind, LossName, OptimizerKind } from './api.js';
import type { TfWeight } from './model-layers.js';

/** Identifies the checkpoint format of `Trainer.saveCheckpoint`. */
export const TRAINER_CHECKPOINT_FORMAT = 'singd-tfjs-trainer';
/** The version of {@link TRAINER_CHECKPOINT_FORMAT} written by this package. */
export const TRAINER_CHECKPOINT_VERSION = 1;

/** Everything a trainer checkpoint holds. */
export interface TrainerCheckpointParts {
  readonly header: {
    readonly optimizer: OptimizerKind;
    readonly fallback: OptimizerKind;
    readonly loss: LossName;
    readonly fisher: FisherKind;
    readonly preconditionedLayers: readonly string[];
  };
  /** The trainer's step counter. */
  readonly steps: number;
  /** States of the two seeded generators. */
  readonly random: { readonly fisher: number; readonly shuffle: number };
  /** The preconditioner's checkpoint tree (`null` without one, or when only comparing). */
  readonly preconditioner: StateTree | null;
  /** The flat optimizer's state (`null` without one). */
  readonly flat: StateTree | null;
  /** All model weights, `model.weights` order. */
  readonly weights: readonly TfWeight[];
}

/**
 * The checkpoint as a state tree: `format`, `version`, the header fields, `steps`, `random`,
 * `preconditioner`, `flat` and `weights` (`{ name: originalName, shape, values: Float32Array }`
 * per model weight). Cost: one read of every weight.
 */
export function trainerCheckpointTree(parts: TrainerCheckpointParts): Record<string, StateTree> {
  return {
    format: TRAINER_CHECKPOINT_FORMAT,
    version: TRAINER_CHECKPOINT_VERSION,
    ...parts.header,
    preconditionedLayers: [...parts.header.preconditionedLayers],
    steps: parts.steps,
    random: { ...parts.random },
    preconditioner: parts.preconditioner,
    flat: parts.flat,
    weights: parts.weights.map((w) => ({
      name: w.originalName,
      shape: [...(w.shape as number[])],
      values: Float32Array.from(w.read().dataSync() as Float32Array),
    })),
  };
}

/**
 * Every difference between the tree a trainer would write (`expected`, without its
 * preconditioner checkpoint, which the preconditioner checks itself) and a read checkpoint
 * `tree`: format and version, optimizer kinds, loss, Fisher, preconditioned layer names, the
 * flat optimizer's state layout and the weights' count and shapes (weights match by position,
 * as `model.setWeights`). Empty when it fits. Cost O(nodes).
 */
export function checkpointDifferences(
  expected: Record<string, StateTree>,
  tree: Record<string, StateTree>,
): string[] {
  const differences: string[] = [];
  for (const key of ['format', 'version', 'optimizer', 'fallback', 'loss', 'fisher'] as const) {
    if (tree[key] !== expected[key]) {
      differences.push(`${key}: ${JSON.stringify(expected[key])} vs ${JSON.stringify(tree[key])}`);
    }
  }
  if (differences.length > 0) return differences;
  differences.push(
    ...describeMismatch(
      { ...expected, preconditioner: null },
      { ...tree, preconditioner: null },
      'checkpoint',
    ),
  );
  const names = (tree['preconditionedLayers'] as string[]).join(', ');
  const want = (expected['preconditionedLayers'] as string[]).join(', ');
  if (names !== want) differences.push(`preconditionedLayers: [${want}] vs [${names}]`);
  const weights = tree['weights'] as { name: string; shape: number[] }[];
  (expected['weights'] as { name: string; shape: number[] }[]).forEach((w, i) => {
    const got = weights[i];
    if (got !== undefined && got.shape.join(',') !== w.shape.join(',')) {
      differences.push(
        `weights[${i}]: '${w.name}' [${w.shape.join(', ')}] vs '${got.name}' [${got.shape.join(', ')}]`,
      );
    }
  });
  return differences;
}
