import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderReportMarkdown, reproduceCommand } from '../src/report-markdown.js';
import { runId, writeReport } from '../src/report-write.js';
import { DEFAULT_COMPARISON } from '../src/train-settings.js';
import { parseXmlElements } from './svg-well-formed.js';
import { fakeComparison, fakeRun } from './train-fixtures.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'singd-report-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const result = fakeComparison([
  fakeRun('singd-diagonal', 'float32', 0.95, 1_050),
  fakeRun('singd-diagonal', 'bfloat16', 0.945, 1_050),
  fakeRun('kfac', 'float32', 0.96, 5_000),
  fakeRun('kfac', 'bfloat16', 0.5, 5_000, 'failed'),
  fakeRun('adamw', 'float32', 0.94, 2_000),
]);

describe('writeReport', () => {
  it('writes report.md, results.json and five well-formed SVG plots into reports/<run-id>/', async () => {
    const directory = await writeReport(result, join(root, 'reports'));
    expect(directory).toBe(join(root, 'reports', '20261201-031530-mnist-mlp'));
    expect((await readdir(directory)).sort()).toEqual([
      'accuracy-vs-step.svg',
      'accuracy-vs-time.svg',
      'loss-vs-step.svg',
      'loss-vs-time.svg',
      'memory.svg',
      'report.md',
      'results.json',
    ]);
    for (const name of [
      'loss-vs-step.svg',
      'loss-vs-time.svg',
      'accuracy-vs-step.svg',
      'accuracy-vs-time.svg',
    ]) {
      const elements = parseXmlElements(await readFile(join(directory, name), 'utf8'));
      expect(elements[0]!.attributes['viewBox']).toBe('0 0 760 420');
      expect(elements.filter((e) => e.name === 'path')).toHaveLength(5);
    }
    const memory = parseXmlElements(await readFile(join(directory, 'memory.svg'), 'utf8'));
    expect(memory.filter((e) => e.name === 'rect' && e.attributes['fill'] !== 'white')).toHaveLength(5);

    const json = JSON.parse(await readFile(join(directory, 'results.json'), 'utf8'));
    expect(json.runId).toBe('20261201-031530-mnist-mlp');
    expect(json.runs).toHaveLength(5);
    expect(json.summary).toHaveLength(5);
    expect(json.targets.map((t: { verdict: string }) => t.verdict)).toContain('PASS');

    const markdown = await readFile(join(directory, 'report.md'), 'utf8');
    expect(markdown).toContain('# Training comparison 20261201-031530-mnist-mlp');
    expect(markdown).toContain('test cpu (2 logical cores)');
    expect(markdown).toContain('The model itself — weights, activations, gradients, the loss — is float32');
    expect(markdown).toMatch(/\| singd-diagonal +\| float32 +\| +95\.00 % \|/);
    expect(markdown).toContain('- kfac bfloat16 seed 1 (failed): singd skipped the step');
    expect(markdown).toContain('- adamw in bfloat16: no bfloat16 state');
    expect(markdown).toContain('![optimizer-state memory](memory.svg)');
    expect(markdown).toContain(reproduceCommand(DEFAULT_COMPARISON));

    const second = await writeReport(result, join(root, 'reports'));
    expect(second).toBe(`${directory}-2`);
  });

  it('names runs by UTC start time, data set and model', () => {
    expect(runId(result)).toBe('20261201-031530-mnist-mlp');
    expect(renderReportMarkdown(result, 'x')).toContain('| singd-diagonal');
    expect(reproduceCommand(DEFAULT_COMPARISON)).toBe(
      'singd-bench train --dataset mnist --model mlp --optimizers singd-diagonal,singd-hierarchical,singd-dense,kfac,adamw ' +
        `--precision both --epochs ${DEFAULT_COMPARISON.epochs} --batch-size ${DEFAULT_COMPARISON.batchSize} ` +
        `--train-size ${DEFAULT_COMPARISON.trainSize} --test-size ${DEFAULT_COMPARISON.testSize} --seeds 1 --data-seed 1 ` +
        `--evaluations ${DEFAULT_COMPARISON.evaluationsPerEpoch} --backend auto`,
    );
  });
});
