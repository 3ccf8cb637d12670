import { defineSubcommand } from './define-subcommand.js';
import { runTraining } from './train-command.js';
import { describeOptimizer } from './train-optimizers.js';
import { DEFAULT_COMPARISON } from './train-settings.js';

const d = DEFAULT_COMPARISON;

/**
 * `singd-bench main`: the repository's main job (`pnpm start`) — the default training
 * comparison {@link DEFAULT_COMPARISON}: the MLP 784-256-256-10 on MNIST with SINGD
 * (diagonal, hierarchical, dense) and KFAC in float32 and bfloat16 optimizer state, and AdamW in
 * float32. Prints progress on stderr, the results table and the target checks, and writes
 * `reports/<run-id>/`; it is `singd-bench train` with its defaults. `--json` prints the results.
 */
export const mainCommand = defineSubcommand({
  name: 'main',
  summary: 'the main job: SINGD vs KFAC vs AdamW on MNIST (MLP), float32 and bfloat16 (a few minutes)',
  description:
    `Runs the default training comparison — singd-bench train with its defaults: an MLP 784-256-256-10\n` +
    `on ${d.trainSize} MNIST training images (${d.testSize} test images), ${d.epochs} epoch(s) of batch ${d.batchSize}, seed ${d.seeds.join(',')},\n` +
    `with ${d.optimizers.map((o) => `${o} (${describeOptimizer(o)})`).join(', ')};\n` +
    'each in float32 and bfloat16 optimizer state (AdamW: float32 only; it has no bfloat16 state).\n' +
    'Prints the results table, the target checks and the path of reports/<run-id>/report.md.\n' +
    'Takes a few minutes on 2 cores; use `singd-bench train` to change any setting.',
  options: {},
  run(_options, context) {
    return runTraining(DEFAULT_COMPARISON, context, {
      interactive: process.stderr.isTTY === true,
      reportsDirectory: 'reports',
    });
  },
});
