import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../scripts/lib/cli.ts';
import { type CliIO, runCommand } from '../../scripts/lib/cli-io.ts';
import { ExpectedError } from '../../scripts/lib/errors.ts';
import { HookFailedError, MigrationRefusedError } from '../../scripts/lib/migration/migration-errors.ts';
import {
  InvalidInputError,
  OperationRefusedError,
  UnroutableRecordError,
  VersionConflictError,
} from '../../scripts/lib/tenants/tenant-errors.ts';

const SPEC = {
  name: 'demo',
  usage: 'Usage: demo [--count N]\n',
  allowPositionals: true,
  options: { count: { type: 'string' } },
} as const;

/** Runs a body that throws `error`, capturing what the policy prints and returns. */
async function failWith(error: unknown, env: NodeJS.ProcessEnv = {}) {
  let stderr = '';
  const io: CliIO = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, env };
  const code = await runCommand(io, async () => {
    throw error;
  });
  return { code, stderr };
}

describe('parseCommandLine', () => {
  it.each([['--help'], ['-h']])('returns the usage on %s instead of exiting', (flag) => {
    expect(parseCommandLine(SPEC, ['x', flag, '--bogus'])).toEqual({ kind: 'help', text: SPEC.usage });
  });

  it('returns the parsed values and positionals', () => {
    expect(parseCommandLine(SPEC, ['a', '--count', '3'])).toMatchObject({
      kind: 'run',
      values: { count: '3' },
      positionals: ['a'],
    });
  });

  it('refuses an unknown option with a one-line UsageError naming the command', () => {
    expect(() => parseCommandLine(SPEC, ['--bogus'])).toThrow(UsageError);
    expect(() => parseCommandLine(SPEC, ['--bogus'])).toThrow(
      /^demo: Unknown option '--bogus'.* \(see --help\)$/,
    );
  });

  it('says on its one line how to pass a value that starts with a dash, and takes it with =', () => {
    expect(() => parseCommandLine(SPEC, ['--count', '-3'])).toThrow(
      /^demo: Option '--count' argument is ambiguous\..* use '--count=-XYZ'\. \(see --help\)$/,
    );
    expect(parseCommandLine(SPEC, ['--count=-3'])).toMatchObject({ values: { count: '-3' } });
  });
});

describe('the error-to-exit-code policy (runCommand)', () => {
  it.each([
    ['a usage error', new UsageError('bad flag'), 2],
    ['invalid input', new InvalidInputError('bad region'), 2],
    ['a write the router would refuse', new UnroutableRecordError('refused before writing'), 2],
    ['a refusal', new OperationRefusedError('no tenant acme'), 1],
    ['a migration refusal', new MigrationRefusedError('lease held'), 1],
    ['a lost race', new VersionConflictError('stale'), 1],
    ['a failed hook', new HookFailedError('exit code 3'), 1],
    ['any expected error', new ExpectedError('refused'), 1],
    ['a bug', new TypeError('x is undefined'), 1],
    ['a thrown string', 'boom', 1],
  ])('answers %s with one line and exit %i', async (_what, error, code) => {
    const out = await failWith(error);
    expect(out.code).toBe(code);
    expect(out.stderr).toBe(`error: ${error instanceof Error ? error.message : error}\n`);
  });

  it('prints only the first line of a long message', async () => {
    expect((await failWith(new Error('first\nsecond'))).stderr).toBe('error: first\n');
  });

  it('adds the stack under DEBUG=1 for a bug, never for an expected error', async () => {
    expect((await failWith(new TypeError('x is undefined'), { DEBUG: '1' })).stderr).toMatch(
      /^error: x is undefined\nTypeError: x is undefined\n\s+at /,
    );
    expect((await failWith(new OperationRefusedError('no tenant acme'), { DEBUG: '1' })).stderr).toBe(
      'error: no tenant acme\n',
    );
  });
});
