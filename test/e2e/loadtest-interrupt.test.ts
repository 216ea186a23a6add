/**
 * Ctrl-C in the middle of `npm run loadtest`, as a terminal sends it: SIGINT to the whole process
 * group (npm, the load test, its own local edge). The load test writes its partial report (JSON and
 * HTML, marked partial) and stops its local edge, which removes its temporary folder.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoadTestResult } from '../../scripts/loadtest/load-result.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm run loadtest interrupted with Ctrl-C', () => {
  let dir: string | undefined;
  let pid: number | undefined;

  afterAll(async () => {
    // Only if the test failed half-way: the group it started, nothing else.
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('writes a partial report and cleans up its local edge', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lt-interrupt-'));
    const temp = join(dir, 'tmp');
    await import('node:fs/promises').then((fs) => fs.mkdir(temp));
    const json = join(dir, 'run.json');
    const html = join(dir, 'run.html');
    const child = spawn(
      'npm',
      [
        'run',
        '--silent',
        'loadtest',
        '--',
        '--rate',
        '40',
        '--duration',
        '120',
        '--warmup',
        '0.5',
        '--tenants',
        '40',
        '--hosts-kind',
        'custom',
        '--progress',
        '--json',
        json,
        '--html',
        html,
      ],
      // Its own process group, as a terminal's foreground job; TMPDIR shows what it leaves behind.
      { cwd: ROOT, detached: true, env: { ...process.env, TMPDIR: temp }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    pid = child.pid;
    let stderr = '';
    child.stdout.on('data', () => {});
    const exited = new Promise<string>((done) =>
      child.on('exit', (code, signal) => done(signal ?? String(code))),
    );
    // Measured requests are being sent once the progress line shows a rate.
    await new Promise<void>((measuring, failed) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/loadtest .*\d+ req\/s/.test(stderr)) measuring();
      });
      exited.then((code) => failed(new Error(`exited ${code} before measuring: ${stderr.slice(-500)}`)));
    });
    expect((await readdir(temp)).some((name) => name.startsWith('local-edge-'))).toBe(true);

    process.kill(-(pid as number), 'SIGINT');
    const exit = await exited;
    pid = undefined;

    // The load test exits 130; npm then re-raises the SIGINT it got, and a shell shows 130 either way.
    expect(['130', 'SIGINT']).toContain(exit);
    expect(stderr).toContain('interrupted: stopping, writing the partial report');
    const result = JSON.parse(await readFile(json, 'utf8')) as LoadTestResult;
    expect(result.partial).toMatchObject({ reason: 'interrupted' });
    expect(result.partial?.sent).toBeLessThan(result.requests.scheduled);
    expect(result.requests.completed).toBeGreaterThan(0);
    expect(await readFile(html, 'utf8')).toContain('data-partial="true"');
    // The local edge's bundle folder is gone: it was stopped, not killed.
    expect((await readdir(temp)).filter((name) => name.startsWith('local-edge-'))).toEqual([]);
  }, 120_000);
});
