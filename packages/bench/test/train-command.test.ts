import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.js';
import { runTraining } from '../src/train-command.js';
import type { ComparisonSettings } from '../src/train-settings.js';
import { parseXmlElements } from './svg-well-formed.js';

async function run(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('singd-bench train arguments', () => {
  it('names a bad choice and lists the valid values', async () => {
    const dataset = await run(['train', '--dataset', 'cifar10']);
    expect(dataset.code).toBe(2);
    expect(dataset.stderr).toContain(
      "singd-bench train: invalid value 'cifar10' for option '--dataset'; expected one of: mnist, fashion-mnist",
    );
    const optimizers = await run(['train', '--optimizers', 'singd-dense,adam']);
    expect(optimizers.code).toBe(2);
    expect(optimizers.stderr).toContain(
      "(the item 'adam' is not valid); expected a comma-separated list of: singd-diagonal",
    );
    expect(optimizers.stderr).toContain('kfac, adamw, sgd');
    const precision = await run(['train', '--precision', 'float16']);
    expect(precision.stderr).toContain('expected one of: float32, bfloat16, both');
    const model = await run(['train', '--model=resnet']);
    expect(model.stderr).toContain('expected one of: mlp, cnn, mixer');
    const epochs = await run(['train', '--epochs', '0']);
    expect(epochs.stderr).toContain(
      "invalid value '0' for option '--epochs'; expected an integer from 1 to 1000",
    );
  });

  it('rejects sizes that do not fit the data set or each other, and wasm for the cnn', async () => {
    const split = await run(['train', '--train-size', '9000', '--test-size', '2000']);
    expect(split.code).toBe(2);
    expect(split.stderr).toBe(
      'singd-bench train: --train-size 9000 + --test-size 2000 exceed the 10000 images of mnist; valid: train-size + test-size ≤ 10000\n',
    );
    const batch = await run(['train', '--train-size', '100', '--batch-size', '128']);
    expect(batch.stderr).toContain(
      '--batch-size 128 is larger than --train-size 100; valid batch sizes: 1 to 100',
    );
    const backend = await run(['train', '--model', 'cnn', '--backend', 'wasm']);
    expect(backend.stderr).toContain('valid backends for cnn: auto, cpu');
  });

  it('documents every option in --help', async () => {
    const help = await run(['train', '--help']);
    expect(help.code).toBe(0);
    for (const option of [
      '--dataset <mnist|fashion-mnist>',
      '--model <mlp|cnn|mixer>',
      '--optimizers <name,name,…>',
      '--precision <float32|bfloat16|both>',
      '--epochs',
      '--batch-size',
      '--train-size',
      '--test-size',
      '--seeds <seed,seed,…>',
      '--data-seed',
      '--evaluations',
      '--backend <auto|wasm|cpu>',
      '--no-write',
      '--json',
    ]) {
      expect(help.stdout).toContain(option);
    }
    const main = await run(['main', '--help']);
    expect(main.stdout).toContain('singd-bench train with its defaults');
  });
});

describe('a tiny end-to-end training run', () => {
  const settings: ComparisonSettings = {
    dataset: 'mnist',
    model: 'mlp',
    optimizers: ['singd-diagonal', 'adamw'],
    precisions: ['float32', 'bfloat16'],
    epochs: 1,
    batchSize: 16,
    trainSize: 64,
    testSize: 32,
    seeds: [3],
    dataSeed: 2,
    evaluationsPerEpoch: 2,
    backend: 'auto',
  };

  it('trains, prints the table and the targets, and writes a report', async () => {
    const root = await mkdtemp(join(tmpdir(), 'singd-train-'));
    try {
      let stdout = '';
      let stderr = '';
      const code = await runTraining(
        settings,
        { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), json: false },
        { interactive: false, reportsDirectory: root },
      );
      expect(code).toBe(0);
      expect(stderr).toContain('[1/3] singd-diagonal float32 seed 3: started (4 steps)');
      expect(stderr).toContain('[3/3] adamw float32 seed 3');
      expect(stderr).toMatch(/100% 4\/4 .* test accuracy \d+\.\d\d %/);
      expect(stdout).toMatch(/singd-diagonal +│ float32 +│ +\d+\.\d\d % │/);
      expect(stdout).toMatch(/singd-diagonal +│ bfloat16 +│/);
      expect(stdout).toContain('not run: adamw in bfloat16');
      expect(stdout).toContain("singd-diagonal optimizer state ≤ 0.55 × AdamW's");
      const reportLine = stdout.split('\n').find((l) => l.startsWith('Report: '))!;
      const directory = reportLine.slice('Report: '.length, -'/report.md'.length);
      expect(directory.startsWith(root)).toBe(true);
      expect((await readdir(directory)).length).toBe(7);
      const json = JSON.parse(await readFile(join(directory, 'results.json'), 'utf8'));
      expect(json.runs).toHaveLength(3);
      for (const r of json.runs) {
        expect(r.steps).toBe(4);
        expect(r.trainLoss).toHaveLength(4);
        expect(r.evaluations.map((e: { step: number }) => e.step)).toEqual([0, 2, 4]);
        expect(r.finalTestAccuracy).toBeGreaterThanOrEqual(0);
        expect(r.memory.stateBytes).toBeGreaterThan(0);
      }
      const [diagonal32, diagonal16, adamw] = json.runs;
      expect(diagonal32.preconditionedLayers).toBe(3);
      expect(adamw.preconditionedLayers).toBe(0);
      // SINGD-diagonal keeps a momentum buffer (one entry per parameter) plus diagonal factors; AdamW two moments.
      expect(diagonal32.memory.stateBytes / adamw.memory.stateBytes).toBeGreaterThan(0.5);
      expect(diagonal32.memory.stateBytes / adamw.memory.stateBytes).toBeLessThan(0.55);
      // bfloat16 K, C are stored in 2 bytes instead of 4.
      expect(diagonal16.memory.stateBytes).toBeLessThan(diagonal32.memory.stateBytes);
      const svg = await readFile(join(directory, 'loss-vs-step.svg'), 'utf8');
      expect(parseXmlElements(svg).filter((e) => e.name === 'path')).toHaveLength(3);

      // Same seeds → same losses (wall times aside).
      let again = '';
      await runTraining(
        { ...settings, optimizers: ['singd-diagonal'], precisions: ['float32'] },
        { stdout: (t) => void (again += t), stderr: () => {}, json: true },
        { interactive: false, reportsDirectory: null },
      );
      const repeated = JSON.parse(again);
      expect(repeated.reportDirectory).toBeNull();
      expect(repeated.runs[0].trainLoss.map((p: { loss: number }) => p.loss)).toEqual(
        diagonal32.trainLoss.map((p: { loss: number }) => p.loss),
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
