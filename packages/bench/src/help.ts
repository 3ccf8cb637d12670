import type { OptionSpec, Subcommand } from './api.js';
import { COMMON_OPTIONS, describeExpectedValue } from './options.js';

/** The program name used in usage lines and messages. */
export const PROGRAM_NAME = 'singd-bench';

function placeholder(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'flag':
      return '';
    case 'integer':
      return ` ${spec.placeholder ?? '<integer>'}`;
    case 'number':
      return ` ${spec.placeholder ?? '<number>'}`;
    case 'choice':
      return ` <${spec.choices.join('|')}>`;
    case 'integer-list':
      return ` ${spec.placeholder ?? '<n,n,…>'}`;
    case 'choice-list':
      return ` ${spec.placeholder ?? '<name,name,…>'}`;
  }
}

function defaultText(spec: OptionSpec): string {
  if (spec.kind === 'flag') return '';
  const value = typeof spec.default === 'object' ? spec.default.join(',') : spec.default;
  return ` (${describeExpectedValue(spec)}; default ${value})`;
}

/** Two aligned columns, indented by two spaces. */
function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

/** The `--help` text of the whole program: usage and the list of subcommands. */
export function formatGlobalHelp(subcommands: readonly Subcommand[]): string {
  return [
    `Usage: ${PROGRAM_NAME} <subcommand> [options]`,
    '',
    'Subcommands:',
    ...columns(subcommands.map((command) => [command.name, command.summary])),
    '',
    `Every subcommand accepts --json (machine-readable output) and --help.`,
    `Run '${PROGRAM_NAME} <subcommand> --help' for a subcommand's options.`,
    '',
  ].join('\n');
}

/** The `--help` text of one subcommand: usage, description, and every option with its values. */
export function formatSubcommandHelp(command: Subcommand): string {
  const options: OptionSpecEntry[] = [...Object.entries(command.options), ...Object.entries(COMMON_OPTIONS)];
  return [
    `Usage: ${PROGRAM_NAME} ${command.name} [options]`,
    '',
    command.description,
    '',
    'Options:',
    ...columns(
      options.map(([name, spec]) => [`--${name}${placeholder(spec)}`, spec.description + defaultText(spec)]),
    ),
    '',
  ].join('\n');
}

type OptionSpecEntry = readonly [string, OptionSpec];
