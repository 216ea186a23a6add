/**
 * Where a run was made: the command as typed, the machine (CPU, cores, load), Node.js and the
 * project's version and commit, so a report says what it can be compared with.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import type { RunEnvironment } from './load-result.ts';

const ROOT = new URL('../../', import.meta.url);

/**
 * Quotes one argument for a POSIX shell when it needs it, so the printed command can be pasted
 * back.
 */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The `npm run <script> -- ...` line of a script run with `argv`. */
export function commandLine(script: string, argv: readonly string[]): string {
  return [`npm run ${script}`, ...(argv.length > 0 ? ['--', ...argv.map(shellQuote)] : [])].join(' ');
}

/** `0.1.0 (abc1234)`, `(abc1234, modified)` with uncommitted changes; the version alone outside git. */
export function projectVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string };
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git(['rev-parse', '--short', 'HEAD']);
    const modified = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    return `${version} (${commit}${modified ? ', modified' : ''})`;
  } catch {
    return version;
  }
}

/** This machine and process, for the run made by `command`. */
export function currentEnvironment(command: string): RunEnvironment {
  const cpu = cpus();
  return {
    command,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    node: process.version,
    platform: `${platform()} ${release()}`,
    version: projectVersion(),
  };
}
