/** Small helpers to write SVG markup as text (no DOM needed). */

/** `text` with `&`, `<`, `>`, `"` and `'` escaped, safe inside SVG text and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** A coordinate rounded to 0.01 for compact markup (`12.35`, `-0`→`0`). */
export function coordinate(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/**
 * One SVG element: `<name a="…" …/>` or `<name …>children</name>`. Attribute values are
 * escaped; `undefined` attributes are left out; children are inserted as given (already markup).
 */
export function element(
  name: string,
  attributes: Readonly<Record<string, string | number | undefined>>,
  children?: string,
): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(typeof value === 'number' ? coordinate(value) : value)}"`)
    .join('');
  return children === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
}

/** A `<text>` element with escaped content. */
export function textElement(
  content: string,
  attributes: Readonly<Record<string, string | number | undefined>>,
): string {
  return element('text', attributes, escapeXml(content));
}

/**
 * A complete standalone SVG document of `width × height` (with `viewBox`, the SVG namespace and
 * a white background) around `body`, titled `title` (shown by browsers as the tooltip).
 */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif" font-size="12">\n` +
    `${element('title', {}, escapeXml(title))}\n` +
    `${element('rect', { x: 0, y: 0, width, height, fill: 'white' })}\n` +
    `${body}\n</svg>\n`
  );
}
