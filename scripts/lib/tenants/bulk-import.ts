/**
 * Applying a validated bulk file: every line is an idempotent `add` (created / repaired /
 * unchanged), run with bounded concurrency. A line refused by the table's state (a domain held by
 * another tenant, a tenant that differs) is reported and the others go on; an infrastructure error
 * (table unreachable, throttled past retries) stops the import at once, since every further line
 * would fail the same way; a rerun continues where it stopped.
 */
import type { RegionsRecord } from '../../../edge/model.ts';
import { forEachConcurrently } from '../bounded-concurrency.ts';
import { InterruptedError } from '../errors.ts';
import type { OperationContext } from './operation-context.ts';
import { InvalidInputError, OperationRefusedError } from './tenant-errors.ts';
import { type AddOutcome, addTenant, type TenantSpec } from './tenant-lifecycle.ts';

/** An infrastructure error stopped the import; lines before it are written, a rerun continues. */
export class ImportStoppedError extends Error {
  override readonly name = 'ImportStoppedError';
}

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
  /** The regions item, read once by the caller. @default read once here */
  readonly regions?: RegionsRecord | undefined;
  /** Called after each line with the number done and failed so far. */
  readonly onProgress?: (done: number, failed: number) => void;
  /** The operator's stop: no further line is started; those in flight finish. */
  readonly signal?: AbortSignal | undefined;
}

/** Imports validated specs. */
export async function importTenants(
  ctx: OperationContext,
  specs: readonly { readonly line: number; readonly spec: TenantSpec }[],
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const counts: Record<AddOutcome, number> = { created: 0, repaired: 0, unchanged: 0 };
  const failures: { line: number; tenantId: string; message: string }[] = [];
  const regions = options.regions ?? (await ctx.table.getRegions());
  let done = 0;
  let stopped: { line: number; error: unknown } | undefined;
  // A path prefix needs its host held first: lines claiming only hosts go in a first pass.
  const hasPath = (s: TenantSpec) => s.domains.some((d) => d.includes('/'));
  const passes = [specs.filter((s) => !hasPath(s.spec)), specs.filter((s) => hasPath(s.spec))];
  const run = (pass: typeof specs) =>
    forEachConcurrently(pass, options.concurrency ?? 8, async ({ line, spec }) => {
      if (stopped !== undefined || options.signal?.aborted === true) return;
      try {
        const { outcome } = await addTenant(ctx, spec, { regions });
        counts[outcome]++;
      } catch (error) {
        if (!(error instanceof OperationRefusedError || error instanceof InvalidInputError)) {
          stopped ??= { line, error };
          return;
        }
        failures.push({ line, tenantId: spec.tenantId, message: error.message });
      }
      done++;
      options.onProgress?.(done, failures.length);
    });
  for (const pass of passes) await run(pass);
  if (stopped !== undefined) {
    throw new ImportStoppedError(
      `import stopped at line ${stopped.line} after ${done} line(s): ${(stopped.error as Error).message}; rerun to continue (the import is idempotent)`,
      { cause: stopped.error },
    );
  }
  if (options.signal?.aborted === true) {
    throw new InterruptedError(
      `import interrupted after ${done} of ${specs.length} line(s) (those in flight finished); rerun the same import to continue (it is idempotent)`,
    );
  }
  failures.sort((a, b) => a.line - b.line);
  return { total: specs.length, ...counts, failed: failures.length, failures };
}
