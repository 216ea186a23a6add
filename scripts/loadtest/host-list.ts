/**
 * The hosts a load test requests: read from a file (a real deployment) or generated load-test
 * tenants. Pure apart from reading the file.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../lib/cli.ts';
import { loadTestHost } from '../lib/generated-tenants.ts';

const HOST_PATTERN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Parses a hosts file: one host per line, in popularity order (the first is the most requested
 * under Zipf); blank lines and `#` comments are skipped. Throws {@link UsageError} on a bad line.
 */
export function parseHostList(text: string, source = 'hosts file'): string[] {
  const hosts: string[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*/, '').trim().toLowerCase();
    if (line === '') continue;
    if (!HOST_PATTERN.test(line)) {
      throw new UsageError(`${source}:${index + 1}: ${JSON.stringify(raw.trim())} is not a host name`);
    }
    hosts.push(line);
  }
  if (hosts.length === 0) throw new UsageError(`${source}: no hosts`);
  return hosts;
}

/** Reads and parses a hosts file. */
export async function readHostList(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--hosts: cannot read ${path}: ${(error as Error).message}`);
  }
  return parseHostList(text, path);
}

/** Hosts of `count` generated load-test tenants under a platform domain. */
export function generatedHosts(count: number, platformDomain: string): string[] {
  return Array.from({ length: count }, (_, i) => loadTestHost(i, platformDomain));
}
