import { fileURLToPath } from 'node:url';

/**
 * The `packages/bench` folder, found from this module's location (`src/` when run from
 * sources, `dist/` when built: both sit directly below it). Ends with a path separator.
 */
export function packageRoot(): string {
  return fileURLToPath(new URL('..', import.meta.url));
}
