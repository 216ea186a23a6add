/**
 * Errors of the tenant operations. Each is printed as one line by the command-line tools.
 */

/** A conditional write lost to a concurrent writer (the item's `version` moved on). */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
}

/** The operation is not allowed in the current state (domain claimed elsewhere, tenant missing...). */
export class OperationRefusedError extends Error {
  override readonly name: string = 'OperationRefusedError';
}

/** Input failed validation before anything was written. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}
