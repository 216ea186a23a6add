/**
 * Replica layout advice: each edge region's nearest replica from the round-trip matrix, the far
 * ones warned about at synth (or failing it), and the recommended layouts table of the docs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { layoutTable, RECOMMENDED_LAYOUTS, replicaLayoutReport } from '../../infra/replica-layout.ts';
import { infraConfigInput, synthAnnotations } from './fixtures.ts';

const DEMO = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

describe('replicaLayoutReport', () => {
  it('names each edge region’s nearest replica and its round trip', () => {
    const report = replicaLayoutReport(DEMO, 100);
    expect(report.edgeRegions).toHaveLength(13);
    expect(report.edgeRegions.find((r) => r.edgeRegion === 'eu-central-1')).toMatchObject({
      nearest: 'eu-west-1',
      basis: 'measured',
    });
    expect(report.edgeRegions.find((r) => r.edgeRegion === 'ap-northeast-2')).toMatchObject({
      nearest: 'ap-southeast-2',
      rttMs: 144.9,
    });
  });

  it('lists the edge regions farther than the bound from every replica', () => {
    expect(replicaLayoutReport(DEMO, 100).far.map((r) => r.edgeRegion)).toEqual([
      'sa-east-1',
      'ap-south-1',
      'ap-northeast-1',
      'ap-northeast-2',
    ]);
    expect(replicaLayoutReport(DEMO, 200).far).toEqual([]);
  });

  it('finds no far edge region for the layouts recommended within 100 ms', () => {
    for (const layout of RECOMMENDED_LAYOUTS.slice(1))
      expect(replicaLayoutReport(layout.replicas, 100).far, layout.replicas.join()).toEqual([]);
  });

  it('is the table docs/deploying.md shows', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/deploying.md'), 'utf8');
    const begin = '<!-- replica-layouts -->\n';
    const start = doc.indexOf(begin);
    const end = doc.indexOf('<!-- /replica-layouts -->', start);
    expect(start, 'docs/deploying.md needs the replica-layouts markers').toBeGreaterThan(0);
    expect(doc.slice(start + begin.length, end)).toBe(layoutTable());
  });
});

describe('the TenantRouter construct at synth', () => {
  it('reports every edge region’s nearest replica and warns about the far ones', () => {
    const { stack, annotations } = synthAnnotations(infraConfigInput());
    annotations.hasInfo('*', Match.stringLikeRegexp('ap-northeast-2 +ap-southeast-2 +144.9 ms +FAR'));
    annotations.hasWarning('*', Match.stringLikeRegexp('4 of 13 edge regions are farther than 100 ms'));
    annotations.hasNoError('*', Match.anyValue());
    expect(stack.router.replicaLayout.far.map((r) => r.edgeRegion)).toContain('sa-east-1');
  });

  it('fails the synth instead when asked to', () => {
    const { annotations } = synthAnnotations(infraConfigInput({ replicaLayout: { failWhenFar: true } }));
    annotations.hasError('*', Match.stringLikeRegexp('sa-east-1 \\(us-east-1 115.4 ms\\)'));
  });

  it('says nothing when every edge region is within the bound', () => {
    const { annotations } = synthAnnotations(infraConfigInput({ replicaLayout: { maxRoundTripMs: 150 } }));
    annotations.hasNoWarning('*', Match.stringLikeRegexp('farther than'));
  });
});
