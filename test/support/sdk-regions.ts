/**
 * The region names of the commercial `aws` partition, read from the partition data the AWS SDK
 * ships: the list the geography tests hold the data to, so an SDK upgrade that adds a region
 * fails them until the region is added.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Region names of the `aws` partition (without `aws-global`). */
export function sdkCommercialRegions(): string[] {
  const require = createRequire(import.meta.url);
  const clientEntry = require.resolve('@aws-sdk/core/client'); // .../dist-cjs/submodules/client/index.js
  const file = join(
    dirname(clientEntry),
    '../../../dist-es/submodules/client/util-endpoints/lib/aws/partitions.js',
  );
  const source = readFileSync(file, 'utf8');
  const json = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
  const info = JSON.parse(json) as { partitions: { id: string; regions: Record<string, unknown> }[] };
  const aws = info.partitions.find((p) => p.id === 'aws');
  if (aws === undefined) throw new Error('no aws partition in the SDK partition data');
  return Object.keys(aws.regions).filter((name) => name !== 'aws-global');
}
