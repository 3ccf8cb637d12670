import type { OptionSpecs, Subcommand } from './api.js';

/**
 * Returns `command` unchanged, typed so that `run` sees exactly the option values its
 * `options` declare (choice literals included). Every subcommand is defined with it.
 */
export function defineSubcommand<const O extends OptionSpecs>(command: Subcommand<O>): Subcommand<O> {
  return command;
}
