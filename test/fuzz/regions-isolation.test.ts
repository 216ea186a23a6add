/**
 * REGIONS isolation: whichever entries of the REGIONS item are corrupted, and however, the router
 * reads every other entry exactly as if the bad ones were not there, routes those regions' tenants
 * as before, and answers a clean 502 (with the problem for the log) only for the bad entries'.
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseOrigin } from '../../edge/choose-origin.ts';
import { type Item, parseRegionsItem } from '../../edge/items.ts';
import type { Region } from '../../edge/model.ts';
import { aTenantRecord, region, tenantId } from '../support/records.ts';
import { aRouterConfig } from '../support/router-config.ts';
import { fuzzParameters, fuzzTimeoutMs } from './fuzz-runs.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1', 'sa-east-1'] as const;
const config = aRouterConfig({ decisionLogSampleRate: 0 });
const S = (value: string): AttributeValue => ({ S: value });

const goodEntry = (name: string): AttributeValue => ({
  M: { origin: { M: { domainName: S(`pool.${name}.origin.example.com`) } }, status: S('active') },
});

/** Ways an entry gets corrupted: by a tool bug, a raw write, a partial migration of the format. */
const corruption = fc.constantFrom<(name: string) => AttributeValue>(
  () => S('not a map'),
  (name) => ({ M: { ...(goodEntry(name).M as Item), status: S('open') } }),
  (name) => ({
    M: { ...(goodEntry(name).M as Item), healthUrl: S(`https://h.example.com/${'x'.repeat(2100)}`) },
  }),
  (name) => ({ M: { ...(goodEntry(name).M as Item), failover: S('moon-1') } }),
  () => ({ M: { origin: { M: { domainName: S('10.0.0.1') } }, status: S('active') } }),
  () => ({ M: { status: S('active') } }),
  (name) => ({
    M: {
      ...(goodEntry(name).M as Item),
      origin: { M: { domainName: S(`pool.${name}.origin.example.com`), port: { N: '22' } } },
    },
  }),
);

const entries = fc
  .uniqueArray(fc.constantFrom(...REGIONS), { minLength: 1, maxLength: REGIONS.length })
  .chain((names) =>
    fc.tuple(...names.map((name) => fc.option(corruption, { nil: undefined }).map((bad) => ({ name, bad })))),
  );

describe('REGIONS isolation', () => {
  it(
    'a corrupted entry fails only its own region; every other entry reads and routes as before',
    () => {
      fc.assert(
        fc.property(entries, (chosen) => {
          const item = (withBad: boolean): Item => ({
            pk: S('REGIONS'),
            version: { N: '3' },
            regions: {
              M: Object.fromEntries(
                chosen
                  .filter((e) => withBad || e.bad === undefined)
                  .map((e) => [e.name, e.bad === undefined ? goodEntry(e.name) : e.bad(e.name)]),
              ),
            },
          });
          const parsed = parseRegionsItem(item(true));
          const cleanOnly = parseRegionsItem(item(false));
          expect(parsed.regions).toEqual(cleanOnly.regions);
          expect([...(parsed.malformed?.keys() ?? [])].sort()).toEqual(
            chosen
              .filter((e) => e.bad !== undefined)
              .map((e) => e.name)
              .sort(),
          );
          for (const { name, bad } of chosen) {
            const tenant = aTenantRecord({ tenantId: tenantId('t'), region: region(name) });
            const { decision, problem } = chooseOrigin(tenant, parsed, 'h.example.com', '/', config);
            if (bad === undefined) {
              expect(decision).toMatchObject({
                kind: 'forward',
                origin: { domainName: `pool.${name}.origin.example.com` },
              });
            } else {
              expect(decision).toMatchObject({ kind: 'respond', status: 502, reason: 'malformed-item' });
              expect(problem).toContain(`REGIONS entry of ${name as Region}`);
            }
          }
        }),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs(),
  );
});
