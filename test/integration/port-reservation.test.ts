/**
 * Port reservations across processes: one owner at a time, a dead owner's reservation taken over,
 * a live one's never.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PORT_RESERVATIONS_DIR,
  releasePort,
  reservePort,
} from '../../scripts/lib/network/port-reservation.ts';

const DIR = PORT_RESERVATIONS_DIR;
// Ports per test process (parallel workers do not share one); a listener drawing one meanwhile just draws again.
const port = (offset: number) => 1_024 + (process.pid % 500) * 10 + offset;
const reserveAs = (p: number, pid: number) => {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, String(p)), String(pid));
};

describe('port reservation', () => {
  it('holds a port for one owner until released', () => {
    const p = port(0);
    expect(reservePort(p)).toBe(true);
    expect(reservePort(p)).toBe(false);
    expect(existsSync(join(DIR, String(p)))).toBe(true);
    releasePort(p);
    expect(existsSync(join(DIR, String(p)))).toBe(false);
    expect(reservePort(p)).toBe(true);
    releasePort(p);
  });

  it('never takes a port a live process holds', () => {
    const p = port(1);
    reserveAs(p, process.ppid);
    expect(reservePort(p)).toBe(false);
    rmSync(join(DIR, String(p)));
  });

  it('takes over the reservation of a process that died without releasing it', () => {
    const p = port(2);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    reserveAs(p, Number(dead.stdout.toString()));
    expect(reservePort(p)).toBe(true);
    releasePort(p);
  });
});
