import type { Backend } from './backend.js';
import { createCpuBackend } from './cpu/cpu-backend.js';

const backends = new Map<string, Backend>();
let current: Backend | undefined;

function cpu(): Backend {
  let backend = backends.get('cpu');
  if (backend === undefined) {
    backend = createCpuBackend();
    backends.set('cpu', backend);
  }
  return backend;
}

/** Makes `backend` available under its name (replacing one of the same name). */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** Names of the registered backends; `cpu` is always available. */
export function listBackends(): string[] {
  cpu();
  return [...backends.keys()];
}

/** The backend registered as `name`. @throws RangeError naming the registered backends. */
export function getBackend(name?: string): Backend {
  if (name === undefined) return current ?? cpu();
  if (name === 'cpu') return cpu();
  const backend = backends.get(name);
  if (backend === undefined) {
    throw new RangeError(
      `backend must be one of ${listBackends()
        .map((b) => `'${b}'`)
        .join(', ')}; got '${name}'`,
    );
  }
  return backend;
}

/** Selects the backend that new matrices are created on (default `cpu`). */
export function setBackend(name: string): Backend {
  current = getBackend(name);
  return current;
}
