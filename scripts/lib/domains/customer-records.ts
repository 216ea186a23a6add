/**
 * The DNS records a customer creates for a domain, as `domains add` prints them, and (local edge
 * only) publishing them in the local DNS through its control API, standing in for the customer.
 */
import { UsageError } from '../cli.ts';
import { challengeName, challengeValue } from './ownership-proof.ts';

/** One record the customer must create. */
export interface CustomerRecord {
  readonly type: 'TXT' | 'CNAME';
  readonly name: string;
  readonly value: string;
  readonly why: string;
}

/** The records for `host`: the ownership proof, then the CNAME (traffic and the certificate's HTTP validation). */
export function customerRecords(host: string, token: string, routingEndpoint: string): CustomerRecord[] {
  return [
    { type: 'TXT', name: challengeName(host), value: challengeValue(token), why: 'ownership proof' },
    {
      type: 'CNAME',
      name: host,
      value: routingEndpoint,
      why: 'traffic; CloudFront validates the certificate over HTTP through it',
    },
  ];
}

/** The records as aligned lines for a person. */
export function formatRecords(records: readonly CustomerRecord[]): string {
  const width = Math.max(...records.map((r) => r.name.length));
  return records
    .map(
      (r) =>
        `  ${r.type.padEnd(5)} ${r.name.padEnd(width)}  ${r.type === 'TXT' ? JSON.stringify(r.value) : r.value}   (${r.why})`,
    )
    .join('\n');
}

/** The local edge's control API, for `--simulate-customer-dns`; refused against AWS. */
export function localControlUrl(env: NodeJS.ProcessEnv, option: string | undefined): string {
  const url = option ?? (env.LOCAL_EDGE_CONTROL || undefined);
  if (url === undefined || !URL.canParse(url))
    throw new UsageError(
      '--simulate-customer-dns needs the local edge: LOCAL_EDGE_CONTROL (npm start prints it) or --local-edge URL',
    );
  return url;
}

/** Publishes the records in the local DNS, as the customer would at their DNS provider. */
export async function publishInLocalDns(
  controlUrl: string,
  records: readonly CustomerRecord[],
): Promise<void> {
  for (const record of records) {
    const res = await fetch(`${controlUrl}/dns`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: record.name, type: record.type, value: record.value }),
    });
    if (!res.ok) throw new Error(`local DNS at ${controlUrl}: HTTP ${res.status} ${await res.text()}`);
  }
}
