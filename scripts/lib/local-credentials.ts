/**
 * Static credentials for local DynamoDB-compatible servers, which accept any key.
 */

/** Credentials the local servers accept; never valid against AWS. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
