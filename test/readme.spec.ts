// The README's ```ts blocks are what users copy first, so each one is type-checked and run as
// written, but for the import: 'backprop' becomes this checkout's src/index.ts. A block after the
// first continues it, as the README says: `net`, `X` and `Y` are the first block's (imported
// from it unless the block declares its own). A block whose fence follows the line
// `<!-- readme-test: typecheck-only -->` is type-checked only; the README says why beside it.
// Blocks run in a scratch folder under test-output/ (git-ignored) holding a link to data/, so
// files they write stay out of the checkout and the paths they read are the README's.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const CONTEXT_NAMES = ['net', 'X', 'Y'];
const MARKER = /^<!--\s*readme-test:\s*(.*?)\s*-->$/;

interface Block {
  /** README line of the block's first line of code (1-based). */
  line: number;
  section: string;
  code: string;
  typecheckOnly: boolean;
}

function readmeBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#+\s+(.*)$/.exec(lines[i]);
    if (heading) section = heading[1];
    if (lines[i].trim() !== '```ts') continue;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const marker = before >= 0 ? MARKER.exec(lines[before].trim()) : null;
    if (marker && marker[1] !== 'typecheck-only') throw new Error(`README.md:${before + 1}: unknown readme-test marker '${marker[1]}'`);
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: unclosed code block`);
    blocks.push({ line: i + 2, section, code: lines.slice(i + 1, end).join('\n'), typecheckOnly: marker !== null });
    i = end;
  }
  return blocks;
}

const blocks = readmeBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
const fileOf = (b: Block) => `block-${b.line}.ts`;
const declared = (code: string, name: string) => new RegExp(`\\b(?:const|let|var)\\s+${name}\\b`).test(code);

/** The block as a module: one first line (the context import, or a comment), then the code. */
function moduleSource(b: Block, dir: string): string {
  const specifier = (entry: string) => `'${relative(dir, join(root, 'src', entry)).replaceAll('\\', '/')}'`; // '../../src/…'
  const entries: Record<string, string> = { backprop: 'index.js', 'backprop/exchange': 'exchange/index.js', 'backprop/brain': 'brain/index.js' };
  const code = b.code.replace(/from '(backprop(?:\/exchange|\/brain)?)'/g, (_, s: string) => `from ${specifier(entries[s])}`);
  const first = blocks[0];
  if (b === first) return `// README.md:${b.line} (${b.section})\n${code}\nexport { ${CONTEXT_NAMES.join(', ')} };\n`;
  const names = CONTEXT_NAMES.filter((n) => !declared(b.code, n));
  return `import { ${names.join(', ')} } from './${fileOf(first).replace(/\.ts$/, '.js')}';\n${code}\n`;
}

describe('README code blocks', () => {
  let dir = '';
  const problems = new Map<Block, string[]>();

  beforeAll(() => {
    mkdirSync(join(root, 'test-output'), { recursive: true });
    dir = mkdtempSync(join(root, 'test-output', 'readme-'));
    symlinkSync(join(root, 'data'), join(dir, 'data'));
    for (const b of blocks) writeFileSync(join(dir, fileOf(b)), moduleSource(b, dir));
    // The repository's compiler options, but unused names allowed: a snippet shows a result it does not use.
    const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d: ts.Diagnostic) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } };
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), { noEmit: true, noUnusedLocals: false }, host)!;
    const program = ts.createProgram(blocks.map((b) => join(dir, fileOf(b))), config.options);
    for (const b of blocks) {
      const source = program.getSourceFile(join(dir, fileOf(b)))!;
      const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
      problems.set(b, diagnostics.map((d) => {
        const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line; // line 0 is the added first line
        return `README.md:${b.line + line - 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      }));
    }
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the blocks, the first one defining the net, X and Y the others continue from', () => {
    expect(blocks.length).toBeGreaterThan(3);
    for (const name of CONTEXT_NAMES) expect(declared(blocks[0].code, name), `the first block declares ${name}`).toBe(true);
  });

  it('reads the typecheck-only marker on the last non-blank line before a fence, and refuses a misspelt one', () => {
    const marked = readmeBlocks('## A\n\n<!-- readme-test: typecheck-only -->\n\n```ts\nx;\n```\n\n```ts\ny;\n```\n');
    expect(marked.map((b) => [b.line, b.section, b.code, b.typecheckOnly])).toEqual([[6, 'A', 'x;', true], [10, 'A', 'y;', false]]);
    expect(() => readmeBlocks('<!-- readme-test: skip -->\n```ts\nx;\n```\n')).toThrow("README.md:1: unknown readme-test marker 'skip'");
  });

  it.each(blocks.map((b) => [`README.md:${b.line} (${b.section})${b.typecheckOnly ? ', type-checked only' : ''}`, b] as const))('%s', async (_, b) => {
    expect(problems.get(b)).toEqual([]);
    if (b.typecheckOnly) return;
    try {
      await promisify(execFile)(process.execPath, ['--import', 'tsx', fileOf(b)], { cwd: dir, timeout: 120_000 });
    } catch (e) {
      const { stderr, message } = e as { stderr?: string; message: string };
      expect.fail(`README.md:${b.line} (${b.section}) threw when run:\n${stderr || message}`);
    }
  }, 180_000);
});
