/**
 * `--emit locust DIR`: writes the workload as a Locust test (locustfile.py, workload.json and a
 * README.md with the commands to run it distributed, on one machine or across regions), after
 * creating the generated tenants in a local edge when `--seed` asks for it. Returns what to print.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedTenantDomain } from '../../lib/generated-tenants.ts';
import { createProgress } from '../../lib/progress.ts';
import { loadRouterConfig } from '../../lib/router-config-file.ts';
import { EDGE_REGION_HEADER } from '../../local-edge/emulator-server.ts';
import type { LoadEngine } from '../engine-options.ts';
import type { LoadTestOptions } from '../load-test-options.ts';
import { seedThroughControl } from '../prepare-target.ts';
import { loadWorkload } from '../workload.ts';
import { ENGINE_WORKLOAD_VERSION, type EngineWorkload } from './engine-workload.ts';
import { locustReadme } from './locust-commands.ts';

const LOCUSTFILE = fileURLToPath(new URL('./locustfile.py', import.meta.url));

/** Writes the engine's test into `emit.dir`; resolves with the lines to print. */
export async function emitEngineTest(
  options: LoadTestOptions,
  emit: { readonly engine: LoadEngine; readonly dir: string },
  command: string,
): Promise<string> {
  const config = loadRouterConfig();
  const workload = await loadWorkload(options, () => generatedTenantDomain(config));
  if (options.seed && options.controlUrl !== undefined && workload.generated !== undefined) {
    const progress = createProgress({
      label: 'creating tenants',
      total: options.tenants,
      force: options.progress,
    });
    await seedThroughControl(options.controlUrl, options, config, (n) => progress.update(n));
    progress.finish();
  }
  const regions = options.edgeRegions ?? [];
  const engineWorkload: EngineWorkload = {
    version: ENGINE_WORKLOAD_VERSION,
    engine: emit.engine,
    emittedBy: command,
    ...(options.target !== undefined && { target: options.target.href }),
    ...(options.controlUrl !== undefined && {
      controlUrl: options.controlUrl.href,
      edgeRegionHeader: EDGE_REGION_HEADER,
    }),
    regions,
    users: Math.max(1, regions.length),
    hosts: workload.hosts,
    ...(workload.generated !== undefined && {
      hostKinds: workload.generated.map((g) => g.kind),
      hostsKind: options.hostsKind,
    }),
    zipf: options.zipf,
    seed: options.randomSeed,
    ratePerSecond: options.ratePerSecond,
    durationMs: options.durationMs,
    warmupMs: options.warmupMs,
    timeoutMs: options.timeoutMs,
    connections: options.connections,
    expect: options.expect,
    cache: {
      ttlMs: options.cacheTtlMs ?? config.cache.ttlMs,
      negativeTtlMs: config.cache.negativeTtlMs,
      maxTenants: options.cacheMaxEntries ?? config.cache.maxTenants,
    },
    runTimeSeconds: Math.ceil((options.warmupMs + options.durationMs + options.timeoutMs) / 1000) + 2,
  };
  await mkdir(emit.dir, { recursive: true });
  await copyFile(LOCUSTFILE, join(emit.dir, 'locustfile.py'));
  await writeFile(join(emit.dir, 'workload.json'), `${JSON.stringify(engineWorkload)}\n`);
  const readme = locustReadme(engineWorkload, emit.dir);
  await writeFile(join(emit.dir, 'README.md'), readme.markdown);
  return [
    `wrote ${join(emit.dir, 'locustfile.py')}, workload.json (${workload.hosts.length} hosts, ${options.ratePerSecond} req/s, ${engineWorkload.users} open-loop users) and README.md`,
    'run it distributed on this machine (master, then one worker per region):',
    ...readme.localCommands.map((line) => `  ${line}`),
    '',
  ].join('\n');
}
