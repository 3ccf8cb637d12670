/**
 * The shared types of the `singd-bench` command line: option specifications, the values
 * parsed from them, and the subcommand contract every entry of the subcommand table meets.
 */

/** A boolean switch: present means `true` (`--no-write`, `--json`). It takes no value. */
export interface FlagOption {
  readonly kind: 'flag';
  /** One line for `--help`. */
  readonly description: string;
}

/** An integer in `[min, max]` (`--iterations 20` or `--iterations=20`). */
export interface IntegerOption {
  readonly kind: 'integer';
  readonly description: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** How the value is named in `--help` (`<count>`); `<integer>` when absent. */
  readonly placeholder?: string;
}

/** A finite number in `[min, max]` (`--time 500`). */
export interface NumberOption {
  readonly kind: 'number';
  readonly description: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** How the value is named in `--help` (`<ms>`); `<number>` when absent. */
  readonly placeholder?: string;
}

/** One of a fixed list of strings (`--dtype float16`). */
export interface ChoiceOption<C extends string = string> {
  readonly kind: 'choice';
  readonly description: string;
  readonly choices: readonly C[];
  readonly default: C;
}

/**
 * A comma-separated list of integers, each in `[min, max]` (`--sizes 256,512,1024`). The
 * parsed value keeps the given order and repeats; an empty item is an error.
 */
export interface IntegerListOption {
  readonly kind: 'integer-list';
  readonly description: string;
  readonly default: readonly number[];
  readonly min: number;
  readonly max: number;
  /** How the value is named in `--help` (`<d,d,…>`); `<n,n,…>` when absent. */
  readonly placeholder?: string;
}

/**
 * A comma-separated list of strings from a fixed list (`--structures diagonal,dense`). The
 * parsed value keeps the given order and repeats; an empty item is an error.
 */
export interface ChoiceListOption<C extends string = string> {
  readonly kind: 'choice-list';
  readonly description: string;
  readonly choices: readonly C[];
  readonly default: readonly C[];
  /** How the value is named in `--help` (`<kind,kind,…>`); `<name,name,…>` when absent. */
  readonly placeholder?: string;
}

/** The specification of one command-line option; `kind` picks the parser. */
export type OptionSpec =
  | FlagOption
  | IntegerOption
  | NumberOption
  | ChoiceOption
  | IntegerListOption
  | ChoiceListOption;

/** The options of a subcommand, keyed by their name without the leading `--`. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/**
 * The parsed value type of one option: `boolean` for flags, the choice literal, an array for
 * the list kinds, else `number`.
 */
export type OptionValue<S extends OptionSpec> = S extends FlagOption
  ? boolean
  : S extends ChoiceOption<infer C>
    ? C
    : S extends ChoiceListOption<infer C>
      ? readonly C[]
      : S extends IntegerListOption
        ? readonly number[]
        : number;

/** Parsed values for every option of `O` (defaults filled in, flags `false` when absent). */
export type OptionValues<O extends OptionSpecs> = { readonly [K in keyof O]: OptionValue<O[K]> };

/** Where a command's text goes: `process.stdout` / `process.stderr` in the CLI, buffers in tests. */
export interface CommandIo {
  /** Writes `text` (the caller adds newlines) to standard output. */
  readonly stdout: (text: string) => void;
  /** Writes `text` to standard error: progress, warnings and error messages. */
  readonly stderr: (text: string) => void;
}

/** What a running subcommand gets besides its own options. */
export interface CommandContext extends CommandIo {
  /** True when `--json` was given: print machine-readable JSON instead of tables. */
  readonly json: boolean;
}

/**
 * One entry of the subcommand table: a name, its help text, its options, and what it does.
 * `run` returns the process exit code (`0` or `undefined` for success); it may throw a
 * `UsageError` (exit code 2) or any other error (exit code 1).
 */
export interface Subcommand<O extends OptionSpecs = OptionSpecs> {
  /** The word after `singd-bench` (`main`, `half`). */
  readonly name: string;
  /** One line for the global `--help` list. */
  readonly summary: string;
  /** A paragraph for the subcommand's own `--help`. */
  readonly description: string;
  /** The subcommand's own options; `--json` and `--help` are added to every subcommand. */
  readonly options: O;
  run(options: OptionValues<O>, context: CommandContext): Promise<number | undefined> | number | undefined;
}
