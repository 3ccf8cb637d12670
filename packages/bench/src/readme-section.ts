/** The pair of HTML comments that delimit a generated section named `name` in a Markdown file. */
export function sectionMarkers(name: string): { readonly begin: string; readonly end: string } {
  return { begin: `<!-- ${name}:begin -->`, end: `<!-- ${name}:end -->` };
}

/**
 * Returns `text` with everything between the markers of section `name` replaced by
 * `content` (markers kept); when the markers are missing, the section is appended at the end.
 *
 * @example
 * ```ts
 * replaceSection('a\n<!-- t:begin -->\nold\n<!-- t:end -->\n', 't', 'new\n');
 * // 'a\n<!-- t:begin -->\nnew\n<!-- t:end -->\n'
 * ```
 * @throws RangeError when only one marker is present or they are out of order.
 */
export function replaceSection(text: string, name: string, content: string): string {
  const { begin, end } = sectionMarkers(name);
  const body = content.endsWith('\n') ? content : `${content}\n`;
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 && stop < 0) {
    const separator = text === '' || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    return `${text}${separator}${begin}\n${body}${end}\n`;
  }
  if (start < 0 || stop < start) {
    throw new RangeError(`section '${name}' needs '${begin}' followed by '${end}'`);
  }
  return `${text.slice(0, start + begin.length)}\n${body}${text.slice(stop)}`;
}
