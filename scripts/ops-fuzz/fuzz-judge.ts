/**
 * The end of an ops-fuzz run: `tenants check --json` as the real command line (zero violations
 * wanted), and each claim a tenant was last told it owns requested through the local edge (it
 * must reach that tenant: its origin, or its 403 / 503 when it is suspended / in maintenance).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { asTenantId } from '../../edge/model.ts';
import { claimOf } from '../lib/tenants/claims.ts';
import { createDynamoDBTenantTable } from '../lib/tenants/dynamodb-tenant-table.ts';
import type { LocalEdge } from '../local-edge/start-local-edge.ts';
import { viewerRequest } from '../local-edge/viewer-client.ts';
import { type Attempt, expectedOwners } from './fuzz-verdict.ts';

const TENANTS_ENTRY = fileURLToPath(new URL('../tenants.ts', import.meta.url));

/** What the end of a run found. */
export interface FuzzVerdict {
  /** `tenants check` violations (kind and item), and its exit code. */
  readonly violations: readonly string[];
  readonly checkExitCode: number;
  /** Claims checked through the edge, and those that did not reach an allowed owner. */
  readonly routesChecked: number;
  readonly misrouted: readonly string[];
  /** Claims left out: touched by a killed command whose rerun did not succeed. */
  readonly uncertain: number;
}

/** Runs `tenants check --json` in its own process. */
function runCheck(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', TENANTS_ENTRY, 'check', '--json'], {
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
  });
}

/** Who answered a request: the tenant (from the echo origin) or the router's status. */
async function answerFor(edge: LocalEdge, claim: string): Promise<{ tenant: string | null; status: number }> {
  const { host, path } = claimOf(claim);
  const res = await viewerRequest(edge.url, {
    host: host.replace(/^\*\./, 'any.'),
    path: `${path ?? ''}/fuzz-probe`,
  });
  const tenant = (res.json as { xTenantId?: unknown } | undefined)?.xTenantId;
  return { tenant: typeof tenant === 'string' ? tenant : null, status: res.status };
}

/** Judges a finished run. */
export async function judgeRun(options: {
  readonly edge: LocalEdge;
  readonly attempts: readonly Attempt[];
  readonly env: NodeJS.ProcessEnv;
}): Promise<FuzzVerdict> {
  const check = await runCheck(options.env);
  const report = JSON.parse(check.stdout || '{"violations":[]}') as {
    violations: { kind: string; pk: string }[];
  };
  const violations = report.violations.map((v) => `${v.kind} ${v.pk}`);
  const { expectations, uncertain } = expectedOwners(options.attempts);
  const table = createDynamoDBTenantTable({
    client: options.edge.client,
    tableName: options.edge.config.tableName,
  });
  const misrouted: string[] = [];
  let routesChecked = 0;
  for (const [claim, owners] of expectations) {
    // Only claims somebody must own: a released prefix falls back to its host's tenant.
    if (owners.has(null) && claim.includes('/')) continue;
    routesChecked++;
    const answer = await answerFor(options.edge, claim);
    let ok = owners.has(answer.tenant) && (answer.tenant !== null || answer.status === 404);
    if (!ok && (answer.status === 403 || answer.status === 503)) {
      // A suspended or frozen owner answers itself: it is the owner's answer if its status says so.
      for (const owner of owners) {
        const id = owner === null ? undefined : asTenantId(owner);
        const status = id === undefined ? undefined : (await table.getTenant(id))?.record.status;
        if (
          (answer.status === 403 && status === 'suspended') ||
          (answer.status === 503 && status === 'maintenance')
        )
          ok = true;
      }
    }
    if (!ok)
      misrouted.push(
        `${claim}: expected ${[...owners].map((o) => o ?? 'nobody').join(' or ')}, got ${answer.status} ${answer.tenant ?? ''}`.trim(),
      );
  }
  return { violations, checkExitCode: check.code, routesChecked, misrouted, uncertain: uncertain.size };
}
