/**
 * The operator tools run in-process by a scale run (adding tenants, the checks), with their output
 * kept for the run to read.
 */
import type { CliIO } from '../lib/cli-io.ts';

/** An in-process tool entry (`runTenantsCli`, `runDomainsCli`). */
export type CliEntry = (argv: readonly string[], io: CliIO) => Promise<number>;

/** Runs `entry` with `env`; resolves its exit code and what it wrote. */
export async function runCaptured(
  entry: CliEntry,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const sink = (into: string[]) => ({
    write: (text: string) => {
      into.push(text);
      return true;
    },
  });
  const code = await entry(argv, { stdout: sink(stdout), stderr: sink(stderr), env });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}
