/**
 * Applying a validated bulk file: every line is an idempotent `add` (created / repaired /
 * unchanged), run with bounded concurrency; a line that fails is reported and the others go on.
 */
import { forEachConcurrently } from '../bounded-concurrency.ts';
import type { OperationContext } from './operation-context.ts';
import { type AddOutcome, addTenant, type TenantSpec } from './tenant-lifecycle.ts';

/** Counts and failures of an import. */
export interface ImportSummary {
  readonly total: number;
  readonly created: number;
  readonly repaired: number;
  readonly unchanged: number;
  readonly failed: number;
  readonly failures: readonly {
    readonly line: number;
    readonly tenantId: string;
    readonly message: string;
  }[];
}

/** Options of {@link importTenants}. */
export interface ImportOptions {
  /** Writes in flight. @default 8 */
  readonly concurrency?: number;
  /** Called after each line with the number done and failed so far. */
  readonly onProgress?: (done: number, failed: number) => void;
}

/** Imports validated specs. */
export async function importTenants(
  ctx: OperationContext,
  specs: readonly { readonly line: number; readonly spec: TenantSpec }[],
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const counts: Record<AddOutcome, number> = { created: 0, repaired: 0, unchanged: 0 };
  const failures: { line: number; tenantId: string; message: string }[] = [];
  let done = 0;
  await forEachConcurrently(specs, options.concurrency ?? 8, async ({ line, spec }) => {
    try {
      const { outcome } = await addTenant(ctx, spec);
      counts[outcome]++;
    } catch (error) {
      failures.push({ line, tenantId: spec.tenantId, message: (error as Error).message });
    }
    done++;
    options.onProgress?.(done, failures.length);
  });
  failures.sort((a, b) => a.line - b.line);
  return { total: specs.length, ...counts, failed: failures.length, failures };
}
