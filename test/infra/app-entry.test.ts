/**
 * The app entry the CDK CLI runs: a bad configuration is a one-line error and a non-zero exit.
 * (The successful path is the full synth in synth.test.ts.)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_CONTEXT_KEY } from '../../infra/load-infra-config.ts';
import { infraConfigInput } from './fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs `infra/app.ts` the way the CLI does: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR. */
function runApp(context: Record<string, unknown>, outdir: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['infra/app.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CDK_CONTEXT_JSON: JSON.stringify(context),
          CDK_OUTDIR: outdir,
        },
      },
      (error, _stdout, stderr) => done({ code: error === null ? 0 : Number(error.code ?? 1), stderr }),
    );
  });
}

describe('infra/app.ts', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'tenant-router-app-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('answers a bad configuration with one line on stderr and exit code 1', async () => {
    const { code, stderr } = await runApp(
      { [CONFIG_CONTEXT_KEY]: infraConfigInput({ account: 'nope' }) },
      outdir,
    );
    expect(code).toBe(1);
    expect(stderr).toBe(
      'context tenantRouter:config: infra config: account must be a 12-digit AWS account id\n',
    );
  });
});
