import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toJson } from './json.js';
import { reportCharts } from './report-charts.js';
import { renderReportMarkdown } from './report-markdown.js';
import { summarize } from './report-summary.js';
import { checkTrainingTargets } from './report-targets.js';
import type { ComparisonResult } from './train-comparison.js';

/** The folder (relative to the working directory) where every run writes `<run-id>/`. */
export const REPORTS_DIRECTORY = 'reports';

/**
 * The id of a run started at `date` (UTC): `20261201-031530-mnist-mlp` — sortable, safe in
 * file names.
 */
export function runId(result: Pick<ComparisonResult, 'date' | 'settings'>): string {
  const stamp = result.date
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
  return `${stamp}-${result.settings.dataset}-${result.settings.model}`;
}

/** The machine-readable results: the whole comparison, its summary rows and the target checks. */
export function resultsJson(result: ComparisonResult, id: string): string {
  return toJson({ runId: id, ...result, summary: summarize(result), targets: checkTrainingTargets(result) });
}

/**
 * Writes `<root>/<run-id>/` with `report.md`, `results.json` and the SVG plots (see
 * {@link reportCharts}); a second run in the same second gets `-2`, `-3`, … Returns the folder.
 */
export async function writeReport(result: ComparisonResult, root: string): Promise<string> {
  const base = runId(result);
  let id = base;
  let directory = join(root, id);
  await mkdir(root, { recursive: true });
  for (let k = 2; ; k++) {
    try {
      await mkdir(directory);
      break;
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      id = `${base}-${k}`;
      directory = join(root, id);
    }
  }
  await writeFile(join(directory, 'report.md'), renderReportMarkdown(result, id));
  await writeFile(join(directory, 'results.json'), resultsJson(result, id));
  for (const [name, svg] of Object.entries(reportCharts(result))) await writeFile(join(directory, name), svg);
  return directory;
}
