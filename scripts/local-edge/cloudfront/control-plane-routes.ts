/**
 * The routes of the local CloudFront control plane: method, path under /2020-05-31, operation
 * name, handler; request bodies and responses in CloudFront's REST-XML shapes (control-plane-xml.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { CertificateValidator } from './certificate-validator.ts';
import { ControlPlaneError, invalidArgument } from './control-plane-errors.ts';
import type { ControlPlaneModel, TenantState } from './control-plane-model.ts';
import {
  connectionGroupXml,
  parseRequestBody,
  tenantRequestOf,
  tenantSummaryXml,
  tenantXml,
  textOf,
  xmlDocument,
} from './control-plane-xml.ts';
import type { LocalDnsTable } from './local-dns.ts';
import { newValidationToken } from './validation-token.ts';

/** What a route answers: status, XML body, ETag. */
export type Reply = { status: number; body?: string; etag?: string | undefined };
/** One operation's handler. */
export type Route = (
  req: IncomingMessage,
  body: string,
  params: string[],
  url: URL,
) => Promise<Reply> | Reply;
/** Method, path pattern, operation name, handler. */
export type RouteEntry = [string, RegExp, string, Route];

/** What the routes work on. */
export interface RouteSources {
  readonly model: ControlPlaneModel;
  readonly dns: LocalDnsTable;
  readonly validator: CertificateValidator;
}

function ifMatchOf(req: IncomingMessage): string | undefined {
  const value = req.headers['if-match'];
  return typeof value === 'string' ? value : undefined;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

// Reads of a tenant give its pending certificate a validation attempt first, as ACM keeps trying.
async function fresh(validator: CertificateValidator, tenant: TenantState): Promise<TenantState> {
  await validator.validate(tenant);
  return tenant;
}

function tenantReply(root: string, tenant: TenantState, status = 200): Reply {
  return { status, body: xmlDocument(root, tenantXml(tenant)), etag: tenant.etag };
}

/** CreateConnectionGroup, GetConnectionGroup. */
export function connectionGroupRoutes({ model }: RouteSources): RouteEntry[] {
  return [
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
  ];
}

/** Create/Get/GetByDomain/Update/Delete/ListDistributionTenants. */
export function tenantRoutes({ model, validator }: RouteSources): RouteEntry[] {
  return [
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
        return tenantReply('DistributionTenant', await fresh(validator, model.tenantByDomain(domain)));
      },
    ],
    [
      'GET',
      /^\/distribution-tenant\/([^/]+)$/,
      'GetDistributionTenant',
      async (_req, _body, [id]) =>
        tenantReply('DistributionTenant', await fresh(validator, model.tenant(id as string))),
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
  ];
}

/** GetManagedCertificateDetails, VerifyDnsConfiguration. */
export function certificateRoutes({ model, validator, dns }: RouteSources): RouteEntry[] {
  return [
    [
      'GET',
      /^\/managed-certificate\/([^/]+)$/,
      'GetManagedCertificateDetails',
      async (_req, _body, [id]) => {
        const tenant = await fresh(validator, model.tenant(id as string));
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
                const target = dns.lookup(domain, 'CNAME')[0];
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
}
