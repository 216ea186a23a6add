/**
 * What every tenant operation needs: the table, the router configuration and who is acting.
 */
import { hostname, userInfo } from 'node:os';
import type { RouterConfig } from '../../../edge/config.ts';
import type { TenantTable } from './tenant-table.ts';

/** Dependencies of the tenant operations. */
export interface OperationContext {
  readonly table: TenantTable;
  readonly config: RouterConfig;
  /** Recorded in audit entries, e.g. `alice@ops-1`. */
  readonly actor: string;
}

/** `user@host` of this process, for audit entries. */
export function currentActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep 'unknown'.
  }
  return `${user}@${hostname()}`;
}
