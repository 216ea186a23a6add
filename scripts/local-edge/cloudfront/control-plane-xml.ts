/**
 * CloudFront's REST-XML shapes for the calls the local control plane serves: request bodies read,
 * responses and errors written as the SDK (`@aws-sdk/client-cloudfront`) reads them. Lists are
 * written with the element names the SDK's schemas use (`member`, `DistributionTenantSummary`,
 * `DnsConfiguration`, `Tag`); requests are read with either `member` (what the SDK sends) or the
 * API reference's `DomainItem` / `Parameter` names.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { ConnectionGroupState, TenantRequest, TenantState } from './control-plane-model.ts';

/** CloudFront's XML namespace. */
export const CLOUDFRONT_XMLNS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => ['member', 'DomainItem', 'Parameter', 'Tag'].includes(name),
});
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });

type Node = Record<string, unknown>;

function child(node: unknown, name: string): Node | undefined {
  const value = (node as Node | undefined)?.[name];
  return typeof value === 'object' && value !== null ? (value as Node) : undefined;
}

function text(node: unknown, name: string): string | undefined {
  const value = (node as Node | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

function items(node: Node | undefined, ...names: string[]): Node[] {
  for (const name of names) {
    const value = node?.[name];
    if (Array.isArray(value)) return value as Node[];
  }
  return [];
}

/** Parses a request body; throws on XML that is not well formed. */
export function parseRequestBody(body: string, root: string): Node {
  if (body.trim() === '') return {};
  const document = parser.parse(body, true) as Node;
  const node = child(document, root);
  if (node === undefined) throw new SyntaxError(`expected a ${root} document`);
  return node;
}

/** A Create/UpdateDistributionTenantRequest as the model takes it. */
export function tenantRequestOf(node: Node): TenantRequest {
  const enabled = text(node, 'Enabled');
  const managed = child(node, 'ManagedCertificateRequest');
  const domains = child(node, 'Domains');
  return {
    distributionId: text(node, 'DistributionId'),
    name: text(node, 'Name'),
    domains:
      domains === undefined
        ? undefined
        : items(domains, 'member', 'DomainItem').map((d) => text(d, 'Domain') ?? ''),
    connectionGroupId: text(node, 'ConnectionGroupId'),
    enabled: enabled === undefined ? undefined : enabled === 'true',
    certificateArn: text(child(child(node, 'Customizations'), 'Certificate'), 'Arn'),
    managedCertificate:
      managed === undefined
        ? undefined
        : {
            validationTokenHost: text(managed, 'ValidationTokenHost') ?? '',
            primaryDomainName: text(managed, 'PrimaryDomainName'),
          },
    tags: items(child(child(node, 'Tags'), 'Items'), 'Tag').map((t) => ({
      Key: text(t, 'Key') ?? '',
      Value: text(t, 'Value'),
    })),
  };
}

/** Reads a child's text (for ListDistributionTenants and VerifyDnsConfiguration bodies). */
export function textOf(node: Node, path: readonly string[]): string | undefined {
  let at: unknown = node;
  for (const name of path.slice(0, -1)) at = child(at, name);
  return text(at, path.at(-1) as string);
}

/** A document with the namespace on its root. */
export function xmlDocument(root: string, content: Node): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ [root]: { '@_xmlns': CLOUDFRONT_XMLNS, ...content } })}`;
}

function customizationsOf(tenant: TenantState): Node | undefined {
  return tenant.certificateArn === undefined ? undefined : { Certificate: { Arn: tenant.certificateArn } };
}

function domainResults(tenant: TenantState): Node {
  return {
    member: tenant.domains.map((d) => ({
      Domain: d,
      Status: tenant.activeDomains.has(d) ? 'active' : 'inactive',
    })),
  };
}

/** Whether a tenant is deployed: every domain with a valid certificate, as CloudFront reports `Deployed`. */
export function tenantStatus(tenant: TenantState): 'Deployed' | 'InProgress' {
  return tenant.domains.every((d) => tenant.activeDomains.has(d)) ? 'Deployed' : 'InProgress';
}

/** The DistributionTenant element's content. */
export function tenantXml(tenant: TenantState): Node {
  return {
    Id: tenant.id,
    DistributionId: tenant.distributionId,
    Name: tenant.name,
    Arn: tenant.arn,
    Domains: domainResults(tenant),
    ...(tenant.tags.length > 0 && { Tags: { Items: { Tag: tenant.tags } } }),
    ...(customizationsOf(tenant) !== undefined && { Customizations: customizationsOf(tenant) }),
    ConnectionGroupId: tenant.connectionGroupId,
    CreatedTime: tenant.createdTime.toISOString(),
    LastModifiedTime: tenant.lastModifiedTime.toISOString(),
    Enabled: String(tenant.enabled),
    Status: tenantStatus(tenant),
  };
}

/** A DistributionTenantSummary element's content. */
export function tenantSummaryXml(tenant: TenantState): Node {
  return {
    Id: tenant.id,
    DistributionId: tenant.distributionId,
    Name: tenant.name,
    Arn: tenant.arn,
    Domains: domainResults(tenant),
    ConnectionGroupId: tenant.connectionGroupId,
    ...(customizationsOf(tenant) !== undefined && { Customizations: customizationsOf(tenant) }),
    CreatedTime: tenant.createdTime.toISOString(),
    LastModifiedTime: tenant.lastModifiedTime.toISOString(),
    ETag: tenant.etag,
    Enabled: String(tenant.enabled),
    Status: tenantStatus(tenant),
  };
}

/** The ConnectionGroup element's content. */
export function connectionGroupXml(group: ConnectionGroupState): Node {
  return {
    Id: group.id,
    Name: group.name,
    Arn: group.arn,
    CreatedTime: group.createdTime.toISOString(),
    LastModifiedTime: group.createdTime.toISOString(),
    Ipv6Enabled: String(group.ipv6Enabled),
    RoutingEndpoint: group.routingEndpoint,
    Status: 'Deployed',
    Enabled: String(group.enabled),
    IsDefault: String(group.isDefault),
  };
}

/** An `ErrorResponse` document (REST-XML errors: the SDK reads `Error/Code`). */
export function errorXml(code: string, message: string, requestId: string): string {
  return xmlDocument('ErrorResponse', {
    Error: { Type: 'Sender', Code: code, Message: message },
    RequestId: requestId,
  });
}
