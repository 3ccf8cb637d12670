/**
 * A small XML well-formedness check for the SVG tests (no XML parser is a dependency): the
 * prolog, balanced and properly nested tags, quoted attributes without duplicates, and text
 * without raw `<` or unescaped `&`.
 */

/** The elements of `xml` in document order (name and attributes), after checking it is well formed. */
export function parseXmlElements(xml: string): { name: string; attributes: Record<string, string> }[] {
  let rest = xml;
  if (rest.startsWith('<?xml')) {
    const end = rest.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    rest = rest.slice(end + 2);
  }
  const elements: { name: string; attributes: Record<string, string> }[] = [];
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const attribute = /([\w:-]+)="([^"<]*)"/g;
  let position = 0;
  let roots = 0;
  while (position < rest.length) {
    const next = rest.indexOf('<', position);
    const text = rest.slice(position, next < 0 ? rest.length : next);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text))
      throw new Error(`unescaped & in text '${text}'`);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: '${text.trim()}'`);
    if (next < 0) break;
    token.lastIndex = next;
    const match = token.exec(rest);
    if (match === null) throw new Error(`malformed tag at '${rest.slice(next, next + 40)}'`);
    const [whole, closing, name, attrs, selfClosing] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (closing === '/') {
      if (attrs !== '' || selfClosing === '/') throw new Error(`bad closing tag ${whole}`);
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      if (stack.length === 0) roots++;
      const attributes: Record<string, string> = {};
      for (const [, key, value] of attrs.matchAll(attribute)) {
        if (Object.hasOwn(attributes, key!)) throw new Error(`duplicate attribute ${key} in <${name}>`);
        if (/&(?!(amp|lt|gt|quot|apos);)/.test(value!)) throw new Error(`unescaped & in attribute ${key}`);
        attributes[key!] = value!;
      }
      elements.push({ name, attributes });
      if (selfClosing !== '/') stack.push(name);
    }
    position = next + whole.length;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`expected one root element; got ${roots}`);
  return elements;
}
