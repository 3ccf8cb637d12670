import { readFile } from 'node:fs/promises';
import { DataLoadError } from './data-load-error.js';

/**
 * Reads and parses the JSON file at `path` and returns its `data` member.
 * @throws DataLoadError naming the file when it cannot be read, is not JSON, or has no `data` array.
 */
export async function readDataArray(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataLoadError(path, code === 'ENOENT' ? 'the file does not exist' : String(error), {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    throw new DataLoadError(path, `not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new DataLoadError(path, 'expected an object with a "data" array');
  return data;
}
