/**
 * Every ```ts block of every package README and of every page under docs/ runs as a test: an
 * example that drifts from the API fails here. Blocks use `node:assert/strict` for their claims.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = join(root, '.vitest', 'readme-examples');

function examples(readme: string): string[] {
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

const readmes = readdirSync(join(root, 'packages')).map((dir) => ({
  dir,
  text: readFileSync(join(root, 'packages', dir, 'README.md'), 'utf8'),
}));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // docs/api is generated from the TSDoc comments (checked by api-reference.test.ts).
    if (entry.isDirectory()) return ['node_modules', 'api'].includes(entry.name) ? [] : markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const docs = markdownFiles(join(root, 'docs')).map((path) => ({
  name: path
    .slice(root.length + 1)
    .replaceAll('/', '-')
    .replace(/\.md$/, ''),
  text: readFileSync(path, 'utf8'),
}));

describe('README examples', () => {
  it('every implemented package README has at least one runnable example', () => {
    const withExamples = readmes.filter((r) => examples(r.text).length > 0).map((r) => r.dir);
    const shells = readmes.filter((r) => r.text.includes('**Status: empty shell.**')).map((r) => r.dir);
    expect([...withExamples, ...shells].sort()).toEqual(readmes.map((r) => r.dir).sort());
  });

  for (const { dir, text } of readmes) {
    examples(text).forEach((code, index) => {
      it(`${dir} README example ${index + 1} runs`, async () => {
        mkdirSync(scratch, { recursive: true });
        const file = join(scratch, `${dir}-${index + 1}.ts`);
        writeFileSync(file, code);
        await import(pathToFileURL(file).href);
      });
    });
  }
});

describe('docs examples', () => {
  it('the guides hold runnable examples', () => {
    expect(docs.some((page) => page.name.startsWith('docs-guides-') && examples(page.text).length > 0)).toBe(
      true,
    );
  });

  for (const { name, text } of docs) {
    examples(text).forEach((code, index) => {
      it(`${name} example ${index + 1} runs`, async () => {
        mkdirSync(scratch, { recursive: true });
        const file = join(scratch, `${name}-${index + 1}.ts`);
        writeFileSync(file, code);
        await import(pathToFileURL(file).href);
      });
    });
  }
});
