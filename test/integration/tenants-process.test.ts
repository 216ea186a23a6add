import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, type OpsHarness, processOutput, startOpsHarness } from '../support/ops-harness.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let h: OpsHarness;

/** Runs a real script with tsx, optionally through `| head -n 1`. */
function script(file: string, argv: readonly string[], pipeToHead = false): Promise<CliRun> {
  const command = [join(ROOT, 'node_modules/.bin/tsx'), join(ROOT, file), ...argv]
    .map((a) => `'${a}'`)
    .join(' ');
  const child = spawn('/bin/sh', ['-c', pipeToHead ? `${command} | head -n 1` : command], {
    cwd: ROOT,
    env: h.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return processOutput(child);
}

beforeAll(async () => {
  h = await startOpsHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('the scripts as processes', () => {
  it.each(['scripts/tenants.ts', 'scripts/migrate.ts', 'scripts/evacuate.ts', 'scripts/logs.ts'])(
    '%s --help exits 0',
    async (file) => {
      const r = await script(file, ['--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: npm run/);
      expect(r.stderr).toBe('');
    },
  );

  it('answers bad input with one line on stderr and exit 2, and a refusal with exit 1', async () => {
    const bad = await script('scripts/tenants.ts', ['add', 'acme', 'not-a-region']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'error: "not-a-region" is not an AWS region name\n' });
    const refused = await script('scripts/tenants.ts', ['show', 'nobody']);
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'error: no tenant nobody\n' });
  });

  it('stops quietly when its output pipe closes early', async () => {
    const region = await script('scripts/tenants.ts', [
      'region',
      'set',
      'eu-west-1',
      '--origin',
      'https://pool.eu-west-1.origin.example.com',
    ]);
    expect(region.code).toBe(0);
    const lines = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ tenantId: `p-${i}`, region: 'eu-west-1' }),
    );
    const file = `${h.configPath}.pipe.jsonl`;
    await import('node:fs/promises').then((fs) => fs.writeFile(file, lines.join('\n')));
    expect((await script('scripts/tenants.ts', ['import', file])).code).toBe(0);
    // One Query per line, so most lines are written after `head` has exited.
    const piped = await script('scripts/tenants.ts', ['list', '--all', '--limit', '1'], true);
    expect(piped.stdout.trim().split('\n')).toHaveLength(1);
    expect(piped.stderr).not.toMatch(/EPIPE/);
  });
});
