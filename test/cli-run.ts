// Running `backprop …` as a user does, for the CLI specs: a process through tsx from the repo's
// sources, not on a terminal and with CI set (so progress is plain lines).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ADMISSIONS = join(ROOT, 'data/admissions/binary.csv');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function backprop(...args: string[]): Run {
  return backpropWith({}, ...args);
}

/** backprop with more environment variables. */
export function backpropWith(env: Record<string, string>, ...args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', BACKPROP_DEBUG: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
