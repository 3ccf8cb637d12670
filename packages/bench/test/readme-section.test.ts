import { describe, expect, it } from 'vitest';
import { replaceSection, sectionMarkers } from '../src/readme-section.js';

describe('replaceSection', () => {
  const { begin, end } = sectionMarkers('t');

  it('replaces what is between the markers and keeps the rest', () => {
    const text = `# Title\n\n${begin}\nold\nlines\n${end}\n\nafter\n`;
    expect(replaceSection(text, 't', 'new')).toBe(`# Title\n\n${begin}\nnew\n${end}\n\nafter\n`);
    expect(replaceSection(replaceSection(text, 't', 'x\n'), 't', 'x\n')).toBe(
      replaceSection(text, 't', 'x\n'),
    );
  });

  it('appends the section when the markers are missing', () => {
    expect(replaceSection('', 't', 'body\n')).toBe(`${begin}\nbody\n${end}\n`);
    expect(replaceSection('# Title\n', 't', 'body\n')).toBe(`# Title\n\n${begin}\nbody\n${end}\n`);
  });

  it('rejects a lone or misplaced marker', () => {
    expect(() => replaceSection(`${begin}\n`, 't', 'x')).toThrow(RangeError);
    expect(() => replaceSection(`${end}\n${begin}\n`, 't', 'x')).toThrow(
      /needs '<!-- t:begin -->' followed by/,
    );
  });
});
