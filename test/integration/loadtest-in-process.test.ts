import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicaTiming } from '../../edge/lookup-timing.ts';
import type { Region } from '../../edge/model.ts';
import { createOriginRequestHandler } from '../../edge/origin-request.ts';
import { routerStoreSettings } from '../../edge/router-assembly.ts';
import { loadTestHost } from '../../scripts/lib/generated-tenants.ts';
import { loadRouterConfig } from '../../scripts/lib/router-config-file.ts';
import { type InProcessTarget, startInProcessTarget } from '../../scripts/loadtest/in-process-target.ts';

describe('the in-process load-test target', () => {
  const config = loadRouterConfig();
  let target: InProcessTarget;

  beforeAll(async () => {
    target = await startInProcessTarget({ config, tenants: 5, edgeRegion: 'eu-central-1' });
  });
  afterAll(async () => {
    await target?.close();
  });

  it('routes through the production assembly, with the store settings the deployed handler uses', () => {
    const production = createOriginRequestHandler({ config: target.config, edgeRegion: 'eu-central-1' });
    expect(target.assembly.settings).toEqual(production.assembly.settings);
    expect(target.assembly.settings).toEqual(routerStoreSettings(target.config, 'eu-central-1'));
    // The refresh wait is one request to the nearest replica, as in Lambda, not the whole budget.
    expect(target.assembly.settings.refreshWaitMs).toBe(
      replicaTiming(target.config, 'eu-central-1', 'eu-west-1' as Region).requestTimeoutMs,
    );
    expect(target.assembly.edgeRegion).toBe('eu-central-1');
  });

  it('reports a miss that reads the table, then a hit that does not', async () => {
    const host = loadTestHost(0, config.platformDomains[0] as string);
    const readsBefore = target.reads;
    const first = await target.send(host, 1);
    const readsAfterMiss = target.reads;
    const second = await target.send(host, 2);

    expect(first).toMatchObject({ status: 200, cacheOutcome: 'miss' });
    expect(readsAfterMiss).toBeGreaterThan(readsBefore);
    expect(second).toMatchObject({ status: 200, cacheOutcome: 'hit' });
    expect(target.reads).toBe(readsAfterMiss);
  });
});
