import os from 'node:os';

/** The machine a benchmark ran on, recorded next to its results. */
export interface MachineInfo {
  /** Operating system, release and architecture (`Linux 6.8.0 x64`). */
  readonly os: string;
  /** The model of the first CPU core, as `os.cpus()` reports it. */
  readonly cpuModel: string;
  /** Logical CPU cores (`os.cpus().length`). */
  readonly cpuCount: number;
  /** The Node.js version (`v20.11.0`). */
  readonly node: string;
}

/** Describes the machine this process runs on. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    node: process.version,
  };
}
