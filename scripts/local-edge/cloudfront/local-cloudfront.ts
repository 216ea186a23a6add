/**
 * The local edge's CloudFront control plane, assembled: the model (one multi-tenant distribution,
 * one connection group), the local DNS (table and UDP server), the certificate validator that
 * fetches tokens through the emulator, and the HTTP API. What the emulator asks before the
 * function runs: {@link LocalCloudFront.servingTenant} (CloudFront serves only hosts of an enabled
 * tenant with a valid certificate) and {@link LocalCloudFront.validationAnswer} (the token
 * CloudFront answers ACM with).
 */
import { request } from 'node:http';
import { type CertificateValidator, createCertificateValidator } from './certificate-validator.ts';
import { type ControlPlaneLimits, ControlPlaneModel, type TenantState } from './control-plane-model.ts';
import {
  type ControlPlaneServer,
  newValidationToken,
  startControlPlaneServer,
  type ThrottleSetting,
} from './control-plane-server.ts';
import { type LocalDnsServer, LocalDnsTable, startLocalDnsServer } from './local-dns.ts';

/** The connection group the local edge creates (the CDK app names its own `<stackName>-domains`). */
export const LOCAL_CONNECTION_GROUP = 'TenantRouter-domains';

/** Options of {@link startLocalCloudFront}. */
export interface LocalCloudFrontOptions {
  /** Base URL of the CloudFront emulator, for validation fetches; set once the emulator listens. */
  readonly edgeUrl: () => string;
  readonly host?: string;
  /** Port of the control plane's HTTP API. @default 0 */
  readonly port?: number;
  /** Port of the local DNS (UDP). @default 0 */
  readonly dnsPort?: number;
  /** Hosts served from the start (demo tenants): a tenant each, with a certificate of its own. */
  readonly activeHosts?: readonly string[];
  /** @default ControlPlaneModel's */
  readonly limits?: ControlPlaneLimits;
}

/** A running local control plane. */
export interface LocalCloudFront {
  /** The CloudFront API endpoint (`CLOUDFRONT_ENDPOINT`). */
  readonly url: string;
  /** The local DNS server (`ETR_DNS_SERVER`), `127.0.0.1:<port>`. */
  readonly dnsServer: string;
  readonly distributionId: string;
  readonly connectionGroupId: string;
  /** Where customers point their CNAME. */
  readonly routingEndpoint: string;
  readonly model: ControlPlaneModel;
  readonly dns: LocalDnsTable;
  readonly validator: CertificateValidator;
  /** API calls by operation (and `throttled`). */
  readonly calls: Readonly<Record<string, number>>;
  /** The tenant CloudFront serves `host` with, or undefined (CloudFront's 403). */
  servingTenant(host: string): TenantState | undefined;
  /** The body CloudFront answers ACM's HTTP validation fetch with, if `path` is a pending token of `host`. */
  validationAnswer(host: string, path: string): string | undefined;
  /**
   * Makes hosts served at once: set-up, as distribution tenants created before the run (each
   * with a certificate of its own; a `*.parent` wildcard too). Hosts served already (by a
   * wildcard, or held by a tenant) are skipped; a host CloudFront would refuse as a domain
   * (malformed, an IP) throws its `InvalidArgument`. The one way the local edge's callers make
   * their hosts reachable: demo data, generated load-test tenants, test fixtures.
   *
   * @example
   * edge.cloudFront.activate(['nobody.example.com', '*.flood.example.org']);
   */
  activate(hosts: readonly string[]): void;
  setThrottle(setting: ThrottleSetting | undefined): void;
  close(): Promise<void>;
}

/** Starts the control plane and the local DNS. */
export async function startLocalCloudFront(options: LocalCloudFrontOptions): Promise<LocalCloudFront> {
  const model = new ControlPlaneModel(options.limits === undefined ? {} : { limits: options.limits });
  const group = model.createConnectionGroup(LOCAL_CONNECTION_GROUP);
  const dns = new LocalDnsTable();
  const validator = createCertificateValidator({
    model,
    dns,
    fetchThroughEdge: (host, path) => fetchThroughEdge(options.edgeUrl(), host, path),
  });
  const host = options.host ?? '127.0.0.1';
  const dnsServer: LocalDnsServer = await startLocalDnsServer(dns, { host, port: options.dnsPort ?? 0 });
  let server: ControlPlaneServer;
  try {
    server = await startControlPlaneServer({ model, dns, validator, host, port: options.port ?? 0 });
  } catch (error) {
    await dnsServer.close();
    throw error;
  }
  const activate = (hosts: readonly string[]) => {
    for (const h of hosts) {
      // Served already (itself, or a wildcard over it, as the platform subdomains are).
      if (model.servingTenant(h) !== undefined || model.tenantWithDomain(h) !== undefined) continue;
      model.createTenant(
        {
          distributionId: model.distributionId,
          name: setupTenantName(h),
          domains: [h],
          connectionGroupId: group.id,
          enabled: true,
          certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/local-demo',
        },
        newValidationToken,
        { setup: true },
      );
      dns.add(h.replace(/^\*\./, 'any.'), 'CNAME', group.routingEndpoint);
    }
  };
  activate(options.activeHosts ?? []);
  return {
    url: server.url,
    dnsServer: dnsServer.address,
    distributionId: model.distributionId,
    connectionGroupId: group.id,
    routingEndpoint: group.routingEndpoint,
    model,
    dns,
    validator,
    calls: server.calls,
    servingTenant: (h) => model.servingTenant(h),
    validationAnswer(h, path) {
      // Asked on every viewer request: a lookup by domain, never a scan of the tenants.
      const tenant = model.tenantWithDomain(h);
      const certificate = tenant?.enabled === true ? tenant.managedCertificate : undefined;
      if (certificate?.status !== 'pending-validation' || certificate.validationTokenHost !== 'cloudfront')
        return undefined;
      const token = certificate.tokens.get(h);
      return token?.path === path ? token.content : undefined;
    },
    activate,
    setThrottle: (setting) => server.setThrottle(setting),
    async close() {
      await server.close();
      await dnsServer.close();
    },
  };
}

/** The name of a tenant created at set-up (demo hosts): never a name the `domains` tool uses. */
function setupTenantName(host: string): string {
  return `setup-${host.replace(/^\*\./, 'wildcard.')}`
    .slice(0, 128)
    .replace(/[^a-zA-Z0-9-.]/g, '-')
    .replace(/[-.]+$/, '');
}

/** GET `path` from the emulator with `host` as Host: how ACM's validation reaches CloudFront here. */
function fetchThroughEdge(
  edgeUrl: string,
  host: string,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${edgeUrl}${path}`, { headers: { host }, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('validation fetch timed out')));
    req.on('error', reject);
    req.end();
  });
}
