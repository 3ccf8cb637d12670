/**
 * Every ```ts block of every package README runs as a test: a README example that drifts
 * from the API fails here. Blocks use `node:assert/strict` for their claims.
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
