function replaceSpecialNumber(_key: string, item: unknown): unknown {
  if (typeof item !== 'number') return item;
  if (Object.is(item, -0)) return '-0';
  return Number.isFinite(item) ? item : String(item);
}

/**
 * `JSON.stringify` that keeps the numbers JSON cannot hold: `NaN`, `Infinity`, `-Infinity`
 * and `-0` become the strings `"NaN"`, `"Infinity"`, `"-Infinity"` and `"-0"` (plain JSON
 * would write `null`, `null`, `null` and `0`). Indented by two spaces, newline-terminated.
 */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, replaceSpecialNumber, 2)}\n`;
}
