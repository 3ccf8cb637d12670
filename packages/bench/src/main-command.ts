import { FORMATS } from '@singd/half';
import { defineSubcommand } from './define-subcommand.js';
import { formatBits16 } from './format.js';
import { toJson } from './json.js';
import {
  formatConstantsLine,
  type RoundedValue,
  type RoundingDemoRow,
  roundingDemoRows,
  roundingDemoTable,
} from './rounding-demo.js';
import { renderTextTable } from './table.js';

function roundedToJson(rounded: RoundedValue) {
  return { value: rounded.value, bits: formatBits16(rounded.bits), relativeError: rounded.relativeError };
}

function rowToJson(row: RoundingDemoRow) {
  return {
    label: row.label,
    value: row.value,
    note: row.note,
    float16: roundedToJson(row.float16),
    bfloat16: roundedToJson(row.bfloat16),
  };
}

/**
 * `singd-bench main`: the repository's main job. Until the optimizer lands it is the
 * half-precision demo: how float16 and bfloat16 round sample values, computed by
 * `@singd/half` at run time. `--json` prints `{ formats, rows }`.
 */
export const mainCommand = defineSubcommand({
  name: 'main',
  summary: 'the main job: how float16 and bfloat16 round sample values (a table)',
  description:
    'Rounds sample values (ties, float16 overflow, subnormals, underflow, specials) to float16 and\n' +
    'bfloat16 with @singd/half and prints the results, their bit patterns and relative errors,\n' +
    'followed by the constants of both formats.',
  options: {},
  run(_options, context) {
    const rows = roundingDemoRows();
    if (context.json) {
      context.stdout(
        toJson({
          formats: { float16: FORMATS.float16, bfloat16: FORMATS.bfloat16 },
          rows: rows.map(rowToJson),
        }),
      );
      return 0;
    }
    context.stdout('Rounding to float16 and bfloat16 (nearest, ties to even), computed by @singd/half\n\n');
    context.stdout(renderTextTable(roundingDemoTable(rows)));
    context.stdout(`\n${formatConstantsLine('float16')}\n${formatConstantsLine('bfloat16')}\n`);
    return 0;
  },
});
