import type {
  ChoiceListOption,
  FlagOption,
  IntegerListOption,
  OptionSpec,
  OptionSpecs,
  OptionValues,
} from './api.js';
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
    case 'integer-list':
      return `a comma-separated list of integers from ${spec.min} to ${spec.max}`;
    case 'choice-list':
      return `a comma-separated list of: ${spec.choices.join(', ')}`;
  }
}

/** A parsed option value, or the reason `raw` is not one. */
type ParsedValue =
  | { readonly value: number | string | readonly (number | string)[] }
  | { readonly error: string };

function parseInteger(raw: string, min: number, max: number): number | undefined {
  if (!/^[+-]?\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

function parseList(raw: string, parseItem: (item: string) => number | string | undefined): ParsedValue {
  const items = raw.split(',').map((item) => item.trim());
  const values: (number | string)[] = [];
  for (const item of items) {
    const value = item === '' ? undefined : parseItem(item);
    if (value === undefined) return { error: item === '' ? 'an empty item' : `the item '${item}'` };
    values.push(value);
  }
  return { value: values };
}

function parseValue(spec: Exclude<OptionSpec, FlagOption>, raw: string): ParsedValue {
  switch (spec.kind) {
    case 'integer-list':
      return parseList(raw, (item) => parseInteger(item, spec.min, spec.max));
    case 'choice-list':
      return parseList(raw, (item) => (spec.choices.includes(item) ? item : undefined));
    default: {
      const value = parseScalar(spec, raw);
      return value === undefined ? { error: '' } : { value };
    }
  }
}

function parseScalar(
  spec: Exclude<OptionSpec, FlagOption | IntegerListOption | ChoiceListOption>,
  raw: string,
): number | string | undefined {
  switch (spec.kind) {
    case 'integer':
      return parseInteger(raw, spec.min, spec.max);
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
  const values: Record<string, number | string | boolean | readonly (number | string)[]> = {};
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
    const parsed = parseValue(spec, raw);
    if ('error' in parsed) {
      const where = parsed.error === '' ? '' : ` (${parsed.error} is not valid)`;
      throw new UsageError(
        `${command}: invalid value '${raw}' for option '--${name}'${where}; expected ${describeExpectedValue(spec)}`,
      );
    }
    values[name] = parsed.value;
  }
  return { values: values as OptionValues<O>, json, help };
}
