/**
 * The end of the chaos scenario: once faults are cleared and the staleness bound has passed,
 * every cached tenant must be answered by exactly the region the table names. A tenant still wrong
 * is probed again until it comes right (or 40 s pass), so a late convergence is reported with
 * its duration.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { forEachConcurrently } from '../lib/bounded-concurrency.ts';
import type { Observation } from './viewer-probe.ts';
import { judgeViewerResponse } from './viewer-verdict.ts';

/** A tenant and the one region that must answer for it now. */
export interface FinalRoute {
  readonly tenantId: string;
  readonly host: string;
  readonly region: string;
}

/** Options of {@link checkFinalRoutes}. */
export interface FinalCheckOptions {
  readonly tenants: readonly FinalRoute[];
  /** Sends one request for a host. */
  readonly probe: (host: string) => Promise<Observation>;
  /** How long a wrong tenant is probed again. @default 40000 */
  readonly convergeWithinMs?: number;
  /** @default 16 */
  readonly concurrency?: number;
}

/** The result of the final check. */
export interface FinalCheck {
  readonly requested: number;
  readonly ok: number;
  /** One line per tenant not right at once, with how long it took to come right, if it did. */
  readonly problems: readonly string[];
}

/** Requests every tenant once and judges the answer strictly. */
export async function checkFinalRoutes(options: FinalCheckOptions): Promise<FinalCheck> {
  const limit = options.convergeWithinMs ?? 40_000;
  const problems: string[] = [];
  let ok = 0;
  await forEachConcurrently(options.tenants, options.concurrency ?? 16, async (route) => {
    const judge = async () =>
      judgeViewerResponse(
        { host: route.host, tenantId: route.tenantId, regions: [route.region], cached: true },
        await options.probe(route.host),
      );
    const verdict = await judge();
    if (verdict.kind === 'ok') {
      ok++;
      return;
    }
    const checkedAt = performance.now();
    let converged = `never within ${limit / 1000} s`;
    while (performance.now() - checkedAt < limit) {
      await sleep(250);
      if ((await judge()).kind === 'ok') {
        converged = `right ${((performance.now() - checkedAt) / 1000).toFixed(1)} s later`;
        break;
      }
    }
    problems.push(
      `${route.host}: ${verdict.kind === 'unavailable' ? 'unavailable' : verdict.why} (${converged})`,
    );
  });
  return { requested: options.tenants.length, ok, problems };
}
