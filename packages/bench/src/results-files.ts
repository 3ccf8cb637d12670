import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toJson } from './json.js';
import { replaceSection } from './readme-section.js';

/** The text of `path`, or `''` when the file does not exist. */
export async function readIfPresent(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * Writes `result` as JSON to `resultsFile` (relative to `root`, folders created) and replaces
 * the generated section `section` of `root/README.md` with `markdown`. Returns the paths written.
 */
export async function writeResultsAndReadme(
  root: string,
  resultsFile: string,
  result: unknown,
  section: string,
  markdown: string,
): Promise<string[]> {
  const resultsPath = join(root, resultsFile);
  const readmePath = join(root, 'README.md');
  await mkdir(join(resultsPath, '..'), { recursive: true });
  await writeFile(resultsPath, toJson(result));
  const readme = await readIfPresent(readmePath);
  await writeFile(readmePath, replaceSection(readme, section, markdown));
  return [resultsPath, readmePath];
}
