/**
 * The local CloudFront control plane over HTTP: the REST-XML API of exactly the calls the
 * `domains` tool makes (CreateConnectionGroup, GetConnectionGroup, Create/Get/GetByDomain/Update/
 * Delete/ListDistributionTenants, GetManagedCertificateDetails, VerifyDnsConfiguration), so the
 * real `@aws-sdk/client-cloudfront` talks to it through an endpoint override, as dynalite stands
 * in for DynamoDB. Throttling on demand (a request rate, or a share of requests, answered
 * `Throttling`), and a count of calls per operation.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOn } from '../../lib/listening-server.ts';
import type { CertificateValidator } from './certificate-validator.ts';
import { VALIDATION_PATH_PREFIX } from './certificate-validator.ts';
import { ControlPlaneError, invalidArgument, throttling } from './control-plane-errors.ts';
import type { ControlPlaneModel, TenantState } from './control-plane-model.ts';
import {
  connectionGroupXml,
  errorXml,
  parseRequestBody,
  tenantRequestOf,
  tenantSummaryXml,
  tenantXml,
  textOf,
  xmlDocument,
} from './control-plane-xml.ts';
import type { LocalDnsTable } from './local-dns.ts';

/** Throttling on demand: at most `ratePerSecond` calls (a token bucket), and/or a `share` refused. */
export interface ThrottleSetting {
  readonly ratePerSecond?: number | undefined;
  readonly share?: number | undefined;
}

/** A running control plane. */
export interface ControlPlaneServer {
  /** `http://127.0.0.1:<port>`: the CloudFront client's endpoint. */
  readonly url: string;
  /** Calls served, by operation; `throttled` counts refusals. */
  readonly calls: Record<string, number>;
  setThrottle(setting: ThrottleSetting | undefined): void;
  close(): Promise<void>;
}

/** Options of {@link startControlPlaneServer}. */
export interface ControlPlaneServerOptions {
  readonly model: ControlPlaneModel;
  readonly dns: LocalDnsTable;
  readonly validator: CertificateValidator;
  readonly port?: number;
  readonly host?: string;
  /** @default Math.random */
  readonly random?: () => number;
}

type Reply = { status: number; body?: string; etag?: string | undefined };
type Route = (req: IncomingMessage, body: string, params: string[], url: URL) => Promise<Reply> | Reply;

const API = '/2020-05-31';

/** A token for ACM's HTTP validation of one domain: the file path and the content CloudFront serves. */
export function newValidationToken(): { path: string; content: string } {
  return {
    path: `${VALIDATION_PATH_PREFIX}${randomBytes(16).toString('hex')}.txt`,
    content: randomBytes(24).toString('hex'),
  };
}

/** Starts the control plane. */
export async function startControlPlaneServer(
  options: ControlPlaneServerOptions,
): Promise<ControlPlaneServer> {
  const { model, validator } = options;
  const calls: Record<string, number> = { throttled: 0 };
  let throttle: ThrottleSetting | undefined;
  let tokens = 0;
  let refilledAt = Date.now();
  const random = options.random ?? Math.random;

  const throttled = (): boolean => {
    if (throttle === undefined) return false;
    if (throttle.share !== undefined && random() < throttle.share) return true;
    const rate = throttle.ratePerSecond;
    if (rate === undefined) return false;
    const now = Date.now();
    tokens = Math.min(rate, tokens + ((now - refilledAt) / 1000) * rate);
    refilledAt = now;
    if (tokens < 1) return true;
    tokens -= 1;
    return false;
  };

  // Reads of a tenant give its pending certificate a validation attempt first, as ACM keeps trying.
  const fresh = async (tenant: TenantState): Promise<TenantState> => {
    await validator.validate(tenant);
    return tenant;
  };
  const tenantReply = (root: string, tenant: TenantState, status = 200): Reply => ({
    status,
    body: xmlDocument(root, tenantXml(tenant)),
    etag: tenant.etag,
  });

  const routes: Array<[string, RegExp, string, Route]> = [
    [
      'POST',
      /^\/connection-group$/,
      'CreateConnectionGroup',
      (_req, body) => {
        const node = parseRequestBody(body, 'CreateConnectionGroupRequest');
        const group = model.createConnectionGroup(textOf(node, ['Name']) ?? '', {
          ipv6Enabled: textOf(node, ['Ipv6Enabled']) !== 'false',
          enabled: textOf(node, ['Enabled']) !== 'false',
        });
        return {
          status: 201,
          body: xmlDocument('ConnectionGroup', connectionGroupXml(group)),
          etag: group.etag,
        };
      },
    ],
    [
      'GET',
      /^\/connection-group\/(.+)$/,
      'GetConnectionGroup',
      (_req, _body, [id]) => {
        const group = model.connectionGroup(id as string);
        return {
          status: 200,
          body: xmlDocument('ConnectionGroup', connectionGroupXml(group)),
          etag: group.etag,
        };
      },
    ],
    [
      'POST',
      /^\/distribution-tenant$/,
      'CreateDistributionTenant',
      (_req, body) => {
        const request = tenantRequestOf(parseRequestBody(body, 'CreateDistributionTenantRequest'));
        return tenantReply('DistributionTenant', model.createTenant(request, newValidationToken), 201);
      },
    ],
    [
      'GET',
      /^\/distribution-tenant$/,
      'GetDistributionTenantByDomain',
      async (_req, _body, _p, url) => {
        const domain = url.searchParams.get('domain');
        if (domain === null) throw invalidArgument('domain is required');
        return tenantReply('DistributionTenant', await fresh(model.tenantByDomain(domain)));
      },
    ],
    [
      'GET',
      /^\/distribution-tenant\/([^/]+)$/,
      'GetDistributionTenant',
      async (_req, _body, [id]) => tenantReply('DistributionTenant', await fresh(model.tenant(id as string))),
    ],
    [
      'PUT',
      /^\/distribution-tenant\/([^/]+)$/,
      'UpdateDistributionTenant',
      (req, body, [id]) => {
        const request = tenantRequestOf(parseRequestBody(body, 'UpdateDistributionTenantRequest'));
        return tenantReply(
          'DistributionTenant',
          model.updateTenant(id as string, ifMatchOf(req), request, newValidationToken),
        );
      },
    ],
    [
      'DELETE',
      /^\/distribution-tenant\/([^/]+)$/,
      'DeleteDistributionTenant',
      (req, _body, [id]) => {
        model.deleteTenant(id as string, ifMatchOf(req));
        return { status: 204 };
      },
    ],
    [
      'POST',
      /^\/distribution-tenants$/,
      'ListDistributionTenants',
      (_req, body) => {
        const node = parseRequestBody(body, 'ListDistributionTenantsRequest');
        const maxItems = Number(textOf(node, ['MaxItems']) ?? '100');
        if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000)
          throw invalidArgument('MaxItems is not valid');
        const filter = {
          ...optional('distributionId', textOf(node, ['AssociationFilter', 'DistributionId'])),
          ...optional('connectionGroupId', textOf(node, ['AssociationFilter', 'ConnectionGroupId'])),
        };
        const page = model.listTenants(filter, textOf(node, ['Marker']), maxItems);
        return {
          status: 200,
          body: xmlDocument('ListDistributionTenantsResult', {
            ...(page.nextMarker !== undefined && { NextMarker: page.nextMarker }),
            DistributionTenantList: { DistributionTenantSummary: page.tenants.map(tenantSummaryXml) },
          }),
        };
      },
    ],
    [
      'GET',
      /^\/managed-certificate\/([^/]+)$/,
      'GetManagedCertificateDetails',
      async (_req, _body, [id]) => {
        const tenant = await fresh(model.tenant(id as string));
        const certificate = tenant.managedCertificate;
        if (certificate === undefined)
          throw new ControlPlaneError(404, 'EntityNotFound', 'The entity was not found: managed certificate');
        return {
          status: 200,
          body: xmlDocument('ManagedCertificateDetails', {
            CertificateArn: certificate.arn,
            CertificateStatus: certificate.status,
            ValidationTokenHost: certificate.validationTokenHost,
            ValidationTokenDetails: {
              member: [...certificate.tokens].map(([domain, token]) => ({
                Domain: domain,
                RedirectTo: `validation.${domain}${token.path}`,
                RedirectFrom: `${domain}${token.path}`,
              })),
            },
          }),
        };
      },
    ],
    [
      'POST',
      /^\/verify-dns-configuration$/,
      'VerifyDnsConfiguration',
      (_req, body) => {
        const node = parseRequestBody(body, 'VerifyDnsConfigurationRequest');
        const tenant = model.tenant(textOf(node, ['Identifier']) ?? '');
        const only = textOf(node, ['Domain']);
        const endpoint = model.connectionGroup(tenant.connectionGroupId).routingEndpoint;
        const domains = only === undefined ? tenant.domains : [only];
        return {
          status: 200,
          body: xmlDocument('VerifyDnsConfigurationResult', {
            DnsConfigurationList: {
              DnsConfiguration: domains.map((domain) => {
                const target = options.dns.lookup(domain, 'CNAME')[0];
                return target === endpoint
                  ? { Domain: domain, Status: 'valid-configuration' }
                  : {
                      Domain: domain,
                      Status: 'invalid-configuration',
                      Reason:
                        target === undefined
                          ? `no CNAME record for ${domain}`
                          : `${domain} points to ${target}, not ${endpoint}`,
                    };
              }),
            },
          }),
        };
      },
    ],
  ];

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      void answer(req, res, body);
    });
  });

  const answer = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname.startsWith(API) ? url.pathname.slice(API.length) : '';
    const route = routes.find(([method, pattern]) => method === req.method && pattern.test(path));
    let reply: Reply;
    try {
      if (route === undefined)
        throw new ControlPlaneError(404, 'NotFound', `no operation ${req.method} ${url.pathname}`);
      if (throttled()) {
        calls.throttled = (calls.throttled ?? 0) + 1;
        throw throttling();
      }
      const [, pattern, operation, handle] = route;
      calls[operation] = (calls[operation] ?? 0) + 1;
      const params = (pattern.exec(path) ?? []).slice(1).map(decodeURIComponent);
      reply = await handle(req, body, params, url);
    } catch (error) {
      const failure =
        error instanceof ControlPlaneError
          ? error
          : error instanceof SyntaxError
            ? new ControlPlaneError(400, 'MalformedXML', error.message)
            : new ControlPlaneError(
                500,
                'InternalError',
                error instanceof Error ? error.message : String(error),
              );
      reply = { status: failure.status, body: errorXml(failure.code, failure.message, requestId) };
    }
    res.writeHead(reply.status, {
      'x-amzn-requestid': requestId,
      ...(reply.body !== undefined && { 'content-type': 'text/xml' }),
      ...(reply.etag !== undefined && { etag: reply.etag }),
    });
    res.end(reply.body);
  };

  const listening = await listenOn(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: listening.url,
    calls,
    setThrottle(setting) {
      throttle = setting;
      tokens = setting?.ratePerSecond ?? 0;
      refilledAt = Date.now();
    },
    close: listening.close,
  };
}

function ifMatchOf(req: IncomingMessage): string | undefined {
  const value = req.headers['if-match'];
  return typeof value === 'string' ? value : undefined;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
