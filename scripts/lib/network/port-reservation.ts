/**
 * Ports reserved across every process of this machine that runs the local world: a file per port
 * in the temporary folder, created exclusively and naming its owner's pid. A replica endpoint that
 * the `refuse` fault stops must be able to listen on its port again; while it is stopped, nothing
 * else may take the port, and the kernel's own allocation cannot promise that (another test
 * worker's listener could draw it). A reservation whose owner died (SIGKILL) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the reservations are: one folder per user (another user's may not be writable in a shared /tmp). */
export const PORT_RESERVATIONS_DIR = join(
  tmpdir(),
  `edge-tenant-router-ports-${process.getuid?.() ?? 'user'}`,
);
const held = new Set<number>();
let exitHookInstalled = false;

const fileOf = (port: number) => join(PORT_RESERVATIONS_DIR, String(port));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function createExclusively(port: number): boolean {
  try {
    const fd = openSync(fileOf(port), 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The pid in an existing reservation, or undefined when it is unreadable (being written). */
function ownerOf(port: number): number | undefined {
  try {
    const pid = Number(readFileSync(fileOf(port), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reserves `port` for this process; false when a live process holds it. Reservations are released
 * by {@link releasePort} or when this process exits.
 */
export function reservePort(port: number): boolean {
  mkdirSync(PORT_RESERVATIONS_DIR, { recursive: true });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const p of held) releasePort(p);
    });
  }
  if (!createExclusively(port)) {
    const owner = ownerOf(port);
    if (owner === undefined || owner === process.pid || alive(owner)) return false;
    try {
      unlinkSync(fileOf(port));
    } catch {
      // Another process took the stale reservation over first.
    }
    if (!createExclusively(port)) return false;
  }
  held.add(port);
  return true;
}

/** Gives a reservation of this process back. */
export function releasePort(port: number): void {
  if (!held.delete(port)) return;
  try {
    unlinkSync(fileOf(port));
  } catch {
    // Already gone (the folder was cleared): nothing to give back.
  }
}
