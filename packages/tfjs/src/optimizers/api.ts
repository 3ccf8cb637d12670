/**
 * The two roles an optimizer plays in the trainer: a *preconditioner* of Dense/Conv2D layers that
 * needs curvature captures (SINGD, KFAC), and a *flat* optimizer of named weight vectors (AdamW,
 * SGD; the fallback, or the main optimizer when no curvature is used).
 *
 * @module
 */
import type { StateTree } from '@singd/singd';
import type { CapturedCall } from '../capture.js';

/** A layer's weight `[outputs, inputs]` row-major and its bias, as the preconditioners see them. */
export interface LayerValues {
  readonly weight: Float64Array;
  readonly bias: Float64Array | null;
}

/** The outcome of a preconditioned step: new values per layer, or why nothing changed. */
export type PreconditionedStepOutcome =
  | { readonly ok: true; readonly values: ReadonlyMap<string, LayerValues> }
  | { readonly ok: false; readonly reason: string };

/** SINGD or KFAC over the preconditioned layers, behind one interface. */
export interface LayerPreconditioner {
  readonly kind: 'singd' | 'kfac';
  /** The names of the layers whose curvature the next step updates (captures needed exactly for these). */
  updatingLayers(): ReadonlySet<string>;
  /** Adds the captured calls of one updating layer. */
  capture(layer: string, calls: readonly CapturedCall[]): void;
  /** One step; on `ok: false` the caller must call {@link skip} or throw. */
  step(
    params: ReadonlyMap<string, LayerValues>,
    grads: ReadonlyMap<string, LayerValues>,
  ): PreconditionedStepOutcome;
  /** Drops the pending captures and advances the step counter without changing anything else. */
  skip(): void;
  /** Bytes of the typed arrays holding one layer's state. */
  stateBytes(layer: string): number;
  /** The whole state as a checkpoint tree. */
  save(): StateTree;
  /** Checks a tree from {@link save} against this optimizer; returns a function that applies it (cannot fail). */
  prepareLoad(tree: StateTree): () => void;
}

/** AdamW or SGD over named flat weight vectors. */
export interface FlatOptimizer {
  readonly kind: 'adamw' | 'sgd';
  /** New values `p + u` for every weight of `params` (names fixed at construction). */
  step(
    params: Readonly<Record<string, Float64Array>>,
    grads: Readonly<Record<string, Float64Array>>,
  ): Record<string, Float64Array>;
  stateBytes(weight: string): number;
  save(): StateTree;
  prepareLoad(tree: StateTree): () => void;
}
