// Writing benchmark results with the machine and versions they were measured on.
import { cpus, totalmem, platform, arch } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';

/** Read from node_modules directly: some packages' exports maps hide their package.json. */
export function packageVersion(name: string, modules = new URL('../node_modules/', import.meta.url)): string {
  try {
    return (JSON.parse(readFileSync(new URL(`${name}/package.json`, modules), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function machineLines(packages: string[]): string[] {
  return [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${arch()}`,
    `- node ${process.version}; ${packages.map((p) => `${p} ${packageVersion(p)}`).join('; ')}`,
  ];
}

export function markdownTable(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** Replace the section between `<!-- name -->` markers in a results file (or append it). */
export function writeSection(path: string, name: string, lines: string[]): void {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '# Benchmark results\n\nWritten by `npm run bench`; each section is replaced when its suite runs again.\n';
  }
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const block = [start, ...lines, end].join('\n');
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, text);
}
