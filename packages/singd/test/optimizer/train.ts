/** A training loop over independent {@link Problem}s (one per layer) for the optimizer tests. */
import type { LayerParams } from '../../src/optimizer/layers.js';
import type { Singd } from '../../src/optimizer/singd.js';
import type { Problem } from './problems.js';

export interface TrainOptions {
  readonly steps: number;
  /** Micro-batches per step (rows split evenly); default 1. */
  readonly microBatches?: number;
  /** The loss scale of step t; default 1. */
  readonly lossScale?: (t: number) => number;
}

export interface TrainResult {
  params: Record<string, LayerParams>;
  losses: number[];
  skipped: string[];
}

/** Runs `opt` for `steps` steps on `problems` starting from `start` (default each problem's init). */
export function train(
  opt: Singd,
  problems: readonly Problem[],
  options: TrainOptions,
  start?: Record<string, LayerParams>,
): TrainResult {
  let params: Record<string, LayerParams> =
    start ?? Object.fromEntries(problems.map((p) => [p.name, p.init()]));
  const losses: number[] = [];
  const skipped: string[] = [];
  const micro = options.microBatches ?? 1;
  for (let t = 0; t < options.steps; t++) {
    const s = options.lossScale?.(t) ?? 1;
    const grads: Record<string, LayerParams> = {};
    let loss = 0;
    for (const problem of problems) {
      const rowsPer = problem.samples / micro;
      let gw: Float64Array | undefined;
      let gb: Float64Array | undefined;
      for (let m = 0; m < micro; m++) {
        const rows = Array.from({ length: rowsPer }, (_, i) => m * rowsPer + i);
        const pass = problem.pass(params[problem.name]!, rows, { total: problem.samples, lossScale: s });
        loss += pass.loss / s;
        if (opt.isUpdateStep(problem.name)) opt.capture(problem.name, pass.input, pass.outputGrad);
        if (gw === undefined) {
          gw = pass.grads.weight.slice();
          gb = pass.grads.bias?.slice();
        } else {
          pass.grads.weight.forEach((v, i) => {
            gw![i]! += v;
          });
          pass.grads.bias?.forEach((v, i) => {
            gb![i]! += v;
          });
        }
      }
      grads[problem.name] = gb === undefined ? { weight: gw! } : { weight: gw!, bias: gb };
    }
    losses.push(loss);
    const r = opt.step(params, grads, { gradScale: s });
    if (r.skipped) skipped.push(r.reason);
    else params = r.params;
  }
  return { params, losses, skipped };
}
