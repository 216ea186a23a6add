/**
 * The distribution tenants of customer domains, through `@aws-sdk/client-cloudfront`: one tenant
 * per host, named after the host (so a create is idempotent: the same name again is
 * EntityAlreadyExists, and the tool reads the tenant it made), tagged with the router tenant, with
 * a CloudFront-managed certificate validated over HTTP (CloudFront answers ACM's token itself), in
 * the connection group customers point their CNAME at. Updates and deletes carry the ETag.
 */
import { createHash } from 'node:crypto';
import {
  CreateDistributionTenantCommand,
  type CreateDistributionTenantCommandOutput,
  DeleteDistributionTenantCommand,
  type DistributionTenant,
  GetConnectionGroupCommand,
  type GetConnectionGroupCommandOutput,
  GetDistributionTenantByDomainCommand,
  GetDistributionTenantCommand,
  type GetDistributionTenantCommandOutput,
  GetManagedCertificateDetailsCommand,
  type GetManagedCertificateDetailsCommandOutput,
  UpdateDistributionTenantCommand,
  type UpdateDistributionTenantCommandOutput,
} from '@aws-sdk/client-cloudfront';
import type { TenantId } from '../../../edge/model.ts';
import { OperationRefusedError } from '../tenants/tenant-errors.ts';
import type { SendCall } from './cloudfront-calls.ts';
import type { CdnTenantView, CertificateState } from './onboarding-machine.ts';

/** Where the tenants go. */
export interface CdnTarget {
  readonly distributionId: string;
  /** Connection group id, name or ARN. */
  readonly connectionGroup: string;
}

/** The distribution tenants of customer domains. */
export interface DomainCdn {
  /** The connection group's routing endpoint (the CNAME target), read once. */
  routingEndpoint(): Promise<string>;
  /** The host's tenant, undefined when there is none. */
  find(host: string): Promise<CdnTenantView | undefined>;
  /** Creates the host's tenant (or returns the one a cut-short run created). */
  create(host: string, tenantId: TenantId): Promise<CdnTenantView>;
  /** The managed certificate's status. */
  certificate(view: CdnTenantView): Promise<CertificateState | undefined>;
  /** Asks for a new managed certificate (after a failed one). */
  renewCertificate(view: CdnTenantView, host: string): Promise<CdnTenantView>;
  /** Stops serving the host (Enabled false). */
  disable(view: CdnTenantView, host: string): Promise<CdnTenantView>;
  /** Deletes a disabled tenant. */
  delete(view: CdnTenantView): Promise<void>;
}

/** The distribution tenant's name for a host: the host itself, or a hash when it is too long. */
export function cdnTenantName(host: string): string {
  // A tenant name has at most 128 characters; a hashed name has no dot, so it is never a host.
  return host.length <= 128 ? host : `etr-${createHash('sha256').update(host).digest('hex').slice(0, 40)}`;
}

/** Tag naming the router tenant that onboarded the host. */
export const TENANT_TAG = 'edge-tenant-router:tenant';

function viewOf(
  tenant: DistributionTenant | undefined,
  etag: string | undefined,
  host: string,
): CdnTenantView {
  if (tenant?.Id === undefined || etag === undefined)
    throw new Error('CloudFront returned a tenant without Id or ETag');
  return {
    id: tenant.Id,
    etag,
    enabled: tenant.Enabled === true,
    deployed: tenant.Status === 'Deployed',
    domainActive: (tenant.Domains ?? []).some((d) => d.Domain === host && d.Status === 'active'),
  };
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

/** The adapter over a call runner. */
export function createDomainCdn(send: SendCall, target: CdnTarget): DomainCdn {
  let endpoint: Promise<string> | undefined;
  let groupId: string | undefined;
  const group = async () => {
    const out = await send<GetConnectionGroupCommandOutput>(
      'GetConnectionGroup',
      new GetConnectionGroupCommand({ Identifier: target.connectionGroup }),
    );
    groupId = out.ConnectionGroup?.Id;
    const value = out.ConnectionGroup?.RoutingEndpoint;
    if (value === undefined || groupId === undefined)
      throw new Error('the connection group has no routing endpoint');
    return value;
  };
  const routingEndpoint = () => {
    endpoint ??= group().catch((error: unknown) => {
      endpoint = undefined;
      throw error;
    });
    return endpoint;
  };
  const find = async (host: string) => {
    try {
      const out = await send<GetDistributionTenantCommandOutput>(
        'GetDistributionTenant',
        new GetDistributionTenantCommand({ Identifier: cdnTenantName(host) }),
      );
      return viewOf(out.DistributionTenant, out.ETag, host);
    } catch (error) {
      if (errorName(error) === 'EntityNotFound') return undefined;
      throw error;
    }
  };
  const update = async (
    view: CdnTenantView,
    host: string,
    change: { Enabled?: boolean; renew?: boolean },
  ) => {
    const out = await send<UpdateDistributionTenantCommandOutput>(
      'UpdateDistributionTenant',
      new UpdateDistributionTenantCommand({
        Id: view.id,
        IfMatch: view.etag,
        Domains: [{ Domain: host }],
        ...(change.Enabled !== undefined && { Enabled: change.Enabled }),
        ...(change.renew === true && {
          ManagedCertificateRequest: { ValidationTokenHost: 'cloudfront', PrimaryDomainName: host },
        }),
      }),
    );
    return viewOf(out.DistributionTenant, out.ETag, host);
  };
  return {
    routingEndpoint,
    find,
    async create(host, tenantId) {
      await routingEndpoint();
      return createTenant(send, { ...target, connectionGroupId: groupId }, host, tenantId, find);
    },
    async certificate(view) {
      try {
        const out = await send<GetManagedCertificateDetailsCommandOutput>(
          'GetManagedCertificateDetails',
          new GetManagedCertificateDetailsCommand({ Identifier: view.id }),
        );
        return out.ManagedCertificateDetails?.CertificateStatus;
      } catch (error) {
        if (errorName(error) === 'EntityNotFound') return undefined;
        throw error;
      }
    },
    renewCertificate: (view, host) => update(view, host, { renew: true }),
    disable: (view, host) => (view.enabled ? update(view, host, { Enabled: false }) : Promise.resolve(view)),
    async delete(view) {
      try {
        await send(
          'DeleteDistributionTenant',
          new DeleteDistributionTenantCommand({ Id: view.id, IfMatch: view.etag }),
        );
      } catch (error) {
        if (errorName(error) !== 'EntityNotFound') throw error;
      }
    },
  };
}

/** CreateDistributionTenant, idempotent: a tenant of the host's name made by a cut-short run is ours. */
async function createTenant(
  send: SendCall,
  target: { readonly distributionId: string; readonly connectionGroupId: string | undefined },
  host: string,
  tenantId: TenantId,
  find: (host: string) => Promise<CdnTenantView | undefined>,
): Promise<CdnTenantView> {
  try {
    const out = await send<CreateDistributionTenantCommandOutput>(
      'CreateDistributionTenant',
      new CreateDistributionTenantCommand({
        DistributionId: target.distributionId,
        Name: cdnTenantName(host),
        Domains: [{ Domain: host }],
        ConnectionGroupId: target.connectionGroupId,
        Enabled: true,
        ManagedCertificateRequest: { ValidationTokenHost: 'cloudfront', PrimaryDomainName: host },
        Tags: { Items: [{ Key: TENANT_TAG, Value: tenantId }] },
      }),
    );
    return viewOf(out.DistributionTenant, out.ETag, host);
  } catch (error) {
    const name = errorName(error);
    // A cut-short run created it: the name is the host's, so it is ours.
    if (name === 'EntityAlreadyExists' || name === 'CNAMEAlreadyExists') {
      const mine = await find(host);
      if (mine !== undefined) return mine;
    }
    if (name === 'CNAMEAlreadyExists') throw await cnameHolder(send, host);
    throw error;
  }
}

/** The refusal of a host another distribution tenant (in this account or another) already has. */
async function cnameHolder(send: SendCall, host: string): Promise<OperationRefusedError> {
  try {
    const out = await send<GetDistributionTenantCommandOutput>(
      'GetDistributionTenantByDomain',
      new GetDistributionTenantByDomainCommand({ Domain: host }),
    );
    return new OperationRefusedError(
      `${host} is already a domain of distribution tenant ${out.DistributionTenant?.Name ?? out.DistributionTenant?.Id} in this account`,
    );
  } catch (error) {
    if (errorName(error) !== 'EntityNotFound') throw error;
    return new OperationRefusedError(
      `${host} is attached to a CloudFront distribution outside this account (CNAMEAlreadyExists): its owner must remove it there first`,
    );
  }
}
