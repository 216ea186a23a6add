/**
 * Errors of region migrations. All are printed as one line by `migrate` and `evacuate` (exit 1).
 */
import { ExpectedError } from '../errors.ts';
import { OperationRefusedError } from '../tenants/tenant-errors.ts';

/** The migration may not start or resume (preflight failed, one in progress elsewhere...). */
export class MigrationRefusedError extends OperationRefusedError {
  override readonly name = 'MigrationRefusedError';
}

/** The prepare or rollback hook failed; the message carries its exit status. */
export class HookFailedError extends ExpectedError {
  override readonly name = 'HookFailedError';
}

/** Another process took the migration over (or rolled it back) while this one ran. */
export class MigrationLostError extends ExpectedError {
  override readonly name = 'MigrationLostError';
}

/** `--verify-url` never saw the target region answer within its time limit. */
export class VerifyFailedError extends ExpectedError {
  override readonly name = 'VerifyFailedError';
}

/** A replica did not receive a migration's write within the replication lag allowance. */
export class PropagationTimeoutError extends ExpectedError {
  override readonly name = 'PropagationTimeoutError';
}

/** Thrown by the in-process crash hook of tests, right after a phase's write. */
export class InjectedCrashError extends Error {
  override readonly name = 'InjectedCrashError';
}
