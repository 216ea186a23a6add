/**
 * The errors the local CloudFront control plane answers with: CloudFront's own codes and HTTP
 * statuses for the calls it serves (API reference, each operation's Errors section), as REST-XML
 * `ErrorResponse` documents the SDK turns into its exception classes.
 */

/** A CloudFront API error: the code the SDK maps to an exception class, and its HTTP status. */
export class ControlPlaneError extends Error {
  override readonly name = 'ControlPlaneError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 404 EntityNotFound. */
export const entityNotFound = (what: string) =>
  new ControlPlaneError(404, 'EntityNotFound', `The entity was not found: ${what}`);
/** 409 EntityAlreadyExists. */
export const entityAlreadyExists = (what: string) =>
  new ControlPlaneError(409, 'EntityAlreadyExists', `The entity already exists: ${what}`);
/** 409 CNAMEAlreadyExists: a domain another distribution tenant (or distribution) already has. */
export const cnameAlreadyExists = (domain: string) =>
  new ControlPlaneError(
    409,
    'CNAMEAlreadyExists',
    `One or more of the CNAMEs you provided are already associated with a different resource: ${domain}`,
  );
/** 400 InvalidArgument. */
export const invalidArgument = (message: string) => new ControlPlaneError(400, 'InvalidArgument', message);
/** 400 InvalidIfMatchVersion: If-Match missing. */
export const invalidIfMatch = () =>
  new ControlPlaneError(400, 'InvalidIfMatchVersion', 'The If-Match version is missing or not valid.');
/** 412 PreconditionFailed: If-Match names another version. */
export const preconditionFailed = () =>
  new ControlPlaneError(
    412,
    'PreconditionFailed',
    'The precondition in one or more of the request fields evaluated to false.',
  );
/** 409 ResourceNotDisabled: a tenant must be disabled before it is deleted. */
export const resourceNotDisabled = () =>
  new ControlPlaneError(
    409,
    'ResourceNotDisabled',
    "The specified CloudFront resource hasn't been disabled yet.",
  );
/** 400 EntityLimitExceeded. */
export const entityLimitExceeded = (what: string) =>
  new ControlPlaneError(400, 'EntityLimitExceeded', `The entity limit has been exceeded: ${what}`);
/** 400 Throttling, "Rate exceeded", as AWS's control planes answer; the SDK classifies it as throttling. */
export const throttling = () => new ControlPlaneError(400, 'Throttling', 'Rate exceeded');
