import type { Subcommand } from './api.js';
import { gpujsCommand } from './gpujs-command.js';
import { halfCommand } from './half-command.js';
import { mainCommand } from './main-command.js';
import { memoryCommand } from './memory-command.js';
import { opsCommand } from './ops-command.js';
import { stepCommand } from './step-command.js';
import { tfjsStepCommand } from './tfjs-step-command.js';
import { trainCommand } from './train-command.js';

/**
 * Every `singd-bench` subcommand, in the order the global `--help` lists them. Adding a
 * subcommand (`train`, `step`, `memory`) means adding one entry here.
 */
export const SUBCOMMANDS: readonly Subcommand[] = Object.freeze([
  mainCommand,
  trainCommand,
  halfCommand,
  opsCommand,
  stepCommand,
  memoryCommand,
  tfjsStepCommand,
  gpujsCommand,
]);
