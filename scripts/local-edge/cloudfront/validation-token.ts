/**
 * ACM's HTTP validation tokens of a managed certificate, as the local control plane issues them.
 */
import { randomBytes } from 'node:crypto';
import { VALIDATION_PATH_PREFIX } from './certificate-validator.ts';

/** A token for ACM's HTTP validation of one domain: the file path and the content CloudFront serves. */
export function newValidationToken(): { path: string; content: string } {
  return {
    path: `${VALIDATION_PATH_PREFIX}${randomBytes(16).toString('hex')}.txt`,
    content: randomBytes(24).toString('hex'),
  };
}
