import type { Subcommand } from './api.js';
import { halfCommand } from './half-command.js';
import { mainCommand } from './main-command.js';
import { opsCommand } from './ops-command.js';

/**
 * Every `singd-bench` subcommand, in the order the global `--help` lists them. Adding a
 * subcommand (`train`, `step`, `memory`) means adding one entry here.
 */
export const SUBCOMMANDS: readonly Subcommand[] = Object.freeze([mainCommand, halfCommand, opsCommand]);
