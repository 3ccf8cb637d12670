import type { FlagOption, OptionSpec, OptionSpecs, OptionValues } from './api.js';
import { UsageError } from './usage-error.js';

/**
 * The options every subcommand accepts besides its own (a subcommand must not define options
 * with these names: the common meaning wins).
 */
export const COMMON_OPTIONS = Object.freeze({
  json: { kind: 'flag', description: 'print machine-readable JSON instead of the table' },
  help: { kind: 'flag', description: 'show this help and exit' },
} as const satisfies Record<string, FlagOption>);

/** What {@link parseOptions} found on a subcommand's command line. */
export interface ParsedOptions<O extends OptionSpecs> {
  /** Every option of the subcommand: the given value, or its default (`false` for flags). */
  readonly values: OptionValues<O>;
  /** `--json` was given. */
  readonly json: boolean;
  /** `--help` (or `-h`) was given. */
  readonly help: boolean;
}

/** The option names of `specs` plus the common ones, as `--name` words, for messages. */
export function optionNames(specs: OptionSpecs): string[] {
  return [...Object.keys(specs), ...Object.keys(COMMON_OPTIONS)].map((name) => `--${name}`);
}

/**
 * The values `spec` accepts, in words (`an integer from 1 to 1000`, `one of: a, b`), for
 * `--help` and for error messages.
 */
export function describeExpectedValue(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'flag':
      return 'no value';
    case 'integer':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'choice':
      return `one of: ${spec.choices.join(', ')}`;
  }
}

function parseValue(spec: Exclude<OptionSpec, FlagOption>, raw: string): number | string | undefined {
  switch (spec.kind) {
    case 'integer': {
      if (!/^[+-]?\d+$/.test(raw)) return undefined;
      const value = Number(raw);
      return value >= spec.min && value <= spec.max ? value : undefined;
    }
    case 'number': {
      const value = raw.trim() === '' ? Number.NaN : Number(raw);
      return Number.isFinite(value) && value >= spec.min && value <= spec.max ? value : undefined;
    }
    case 'choice':
      return spec.choices.includes(raw) ? raw : undefined;
  }
}

/**
 * Parses the arguments after the subcommand name: `--name`, `--name value` and
 * `--name=value`, for the options in `specs` and {@link COMMON_OPTIONS}. A later occurrence
 * of an option overrides an earlier one.
 *
 * @param command - how the subcommand is named in messages (`singd-bench half`).
 * @throws UsageError naming the argument and listing the valid values for an unknown option,
 *   a positional argument, a missing or invalid value, or a value given to a flag.
 */
export function parseOptions<O extends OptionSpecs>(
  command: string,
  specs: O,
  args: readonly string[],
): ParsedOptions<O> {
  const values: Record<string, number | string | boolean> = {};
  for (const [name, spec] of Object.entries(specs))
    values[name] = spec.kind === 'flag' ? false : spec.default;
  let json = false;
  let help = false;

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(
        `${command}: unexpected argument '${arg}'; it takes only options: ${optionNames(specs).join(', ')}`,
      );
    }
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
    const inline = equals < 0 ? undefined : arg.slice(equals + 1);
    if (name === 'json' || name === 'help') {
      if (inline !== undefined) {
        throw new UsageError(`${command}: option '--${name}' takes no value; got '${inline}'`);
      }
      if (name === 'json') json = true;
      else help = true;
      continue;
    }
    const spec: OptionSpec | undefined = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec === undefined) {
      throw new UsageError(
        `${command}: unknown option '--${name}'; valid options: ${optionNames(specs).join(', ')}`,
      );
    }
    if (spec.kind === 'flag') {
      if (inline !== undefined) {
        throw new UsageError(`${command}: option '--${name}' takes no value; got '${inline}'`);
      }
      values[name] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        raw = next;
        i++;
      }
    }
    if (raw === undefined) {
      throw new UsageError(`${command}: option '--${name}' needs a value: ${describeExpectedValue(spec)}`);
    }
    const value = parseValue(spec, raw);
    if (value === undefined) {
      throw new UsageError(
        `${command}: invalid value '${raw}' for option '--${name}'; expected ${describeExpectedValue(spec)}`,
      );
    }
    values[name] = value;
  }
  return { values: values as OptionValues<O>, json, help };
}
