/**
 * Errors of the tenant operations. Each is printed as one line by the command-line tools.
 */
import { ExpectedError, UsageError } from '../errors.ts';

/** A conditional write lost to a concurrent writer (the item's `version` moved on). Exit 1. */
export class VersionConflictError extends ExpectedError {
  override readonly name = 'VersionConflictError';
}

/** The operation is not allowed in the current state (domain claimed elsewhere, tenant missing...). Exit 1. */
export class OperationRefusedError extends ExpectedError {
  override readonly name: string = 'OperationRefusedError';
}

/** Input failed validation before anything was written. Exit 2. */
export class InvalidInputError extends UsageError {
  override readonly name: string = 'InvalidInputError';
}

/**
 * A write the router would refuse to read (its own item parser rejected the encoded record): it
 * is refused before it reaches the table. Input validation should catch it first; this is the
 * last line, so a tool can never store an item that turns a tenant's traffic into 502s.
 */
export class UnroutableRecordError extends InvalidInputError {
  override readonly name = 'UnroutableRecordError';
}

/**
 * A refusal that says nothing about the request: the tenant's conditional writes kept losing to
 * concurrent writers. Nothing was left half done; the same operation a moment later may pass.
 */
export class TenantContentionError extends OperationRefusedError {
  override readonly name = 'TenantContentionError';
}

/** The refusal once a tenant's conditional writes kept losing to concurrent writers. */
export function tenantKeptChanging(tenantId: string, detail = 'rerun'): TenantContentionError {
  return new TenantContentionError(`tenant ${tenantId} kept changing concurrently; ${detail}`);
}
