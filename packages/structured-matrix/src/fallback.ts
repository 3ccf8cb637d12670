/**
 * The one place where a structured operation may detour through dense matrices
 * (`toDense` → dense op → `project`). Every use is counted by operation and structure, and
 * the detour can be forbidden: the conformance suite sets the mode to `'throw'`, proving that
 * no listed operation of any structure ever falls back.
 */
export type DenseFallbackMode = 'allow' | 'warn' | 'throw';

let mode: DenseFallbackMode = 'allow';
const counts = new Map<string, number>();

/** Thrown by a dense fallback in `'throw'` mode; names the operation and the structure. */
export class DenseFallbackError extends Error {
  constructor(
    readonly operation: string,
    readonly structure: string,
  ) {
    super(
      `dense fallback for ${operation} of a ${structure} matrix is disabled (setDenseFallbackMode('throw'))`,
    );
    this.name = 'DenseFallbackError';
  }
}

/** Sets what a dense fallback does: run silently, run and `console.warn`, or throw. Returns the previous mode. */
export function setDenseFallbackMode(next: DenseFallbackMode): DenseFallbackMode {
  if (next !== 'allow' && next !== 'warn' && next !== 'throw') {
    throw new RangeError(`mode must be one of 'allow', 'warn', 'throw'; got ${String(next)}`);
  }
  const previous = mode;
  mode = next;
  return previous;
}

/** The current fallback mode. */
export function denseFallbackMode(): DenseFallbackMode {
  return mode;
}

/** Uses so far, keyed `"<operation>:<structure kind>"`. */
export function denseFallbackCounts(): ReadonlyMap<string, number> {
  return new Map(counts);
}

/** Clears the use counters. */
export function resetDenseFallbackCounts(): void {
  counts.clear();
}

/** Runs `compute` as a counted dense fallback of `operation` on a `structure` matrix. */
export function denseFallback<T>(operation: string, structure: string, compute: () => T): T {
  const key = `${operation}:${structure}`;
  if (mode === 'throw') throw new DenseFallbackError(operation, structure);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  if (mode === 'warn')
    console.warn(`singd structured-matrix: dense fallback for ${operation} of a ${structure} matrix`);
  return compute();
}
