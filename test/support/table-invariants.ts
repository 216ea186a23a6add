/**
 * The table's invariants as a test assertion: a whole-table scan through `tenants check`'s own
 * checker (scripts/lib/tenants/table-check.ts), its violations returned as plain lines.
 */
import { checkItems } from '../../scripts/lib/tenants/table-check.ts';
import { scanTable } from '../../scripts/lib/tenants/table-scan.ts';
import type { TenantTable } from '../../scripts/lib/tenants/tenant-table.ts';

/** Every violation in the table now (`kind pk: message`); empty when the invariants hold. */
export async function violations(table: TenantTable, now = Date.now()): Promise<string[]> {
  const items = await scanTable(table, { itemsPerSecond: 100_000 });
  return checkItems(items, { now })
    .findings.filter((f) => f.violation)
    .map((f) => `${f.kind} ${f.pk}: ${f.message}`);
}
