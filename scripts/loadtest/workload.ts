/**
 * What a load test asks for: the hosts (generated, of a kind, or read from a file), their
 * popularity, and the trace, the host of every scheduled request drawn before the run, so the
 * run, its minimum read count and an engine's test all describe the same traffic.
 */
import type { GeneratedHost, HostsKindChoice } from '../lib/generated-hosts.ts';
import { generatedHostList } from '../lib/generated-hosts.ts';
import { seededRandom } from '../lib/seeded-random.ts';
import { zipfSampler } from '../lib/zipf-sampler.ts';
import { readHostList } from './host-list.ts';

/** The hosts of a run, most popular first. */
export interface Workload {
  readonly hosts: readonly string[];
  /** Set for generated hosts: kind, tenant and DOMAIN item of each. */
  readonly generated?: readonly GeneratedHost[];
}

/** The hosts of generated tenants of one kind, or of a hosts file. */
export async function loadWorkload(
  source: { hostsFile?: string; tenants: number; hostsKind: HostsKindChoice },
  platformDomain: () => string,
): Promise<Workload> {
  if (source.hostsFile !== undefined) return { hosts: await readHostList(source.hostsFile) };
  const generated = generatedHostList(source.tenants, source.hostsKind, platformDomain());
  return { hosts: generated.map((g) => g.host), generated };
}

/**
 * The host index of each of `count` requests: Zipf with exponent `zipf` (0: uniform) over
 * `hosts` indexes, from the seeded random source, so a run's trace is reproducible.
 *
 * @example
 * const trace = sampleTrace({ hosts: 10_000, zipf: 1.1, seed: 1 }, 15_000);
 */
export function sampleTrace(
  options: { hosts: number; zipf: number; seed: number },
  count: number,
): Int32Array {
  const sampler = zipfSampler({ n: options.hosts, s: options.zipf, random: seededRandom(options.seed) });
  const trace = new Int32Array(count);
  for (let i = 0; i < count; i++) trace[i] = sampler.next();
  return trace;
}
