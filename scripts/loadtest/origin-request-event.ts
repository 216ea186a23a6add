/**
 * Origin-request events for the in-process mode, shaped as CloudFront sends them to the function:
 * the distribution's default origin, the viewer's Host header, a request id.
 */
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { anOriginRequestEvent } from '../lib/origin-request-event.ts';

/** Builds the origin-request event of a GET for `host` and `uri`. A fresh object every call (the handler rewrites it in place). */
export function originRequestEvent(host: string, uri: string, requestId: string): CloudFrontRequestEvent {
  return anOriginRequestEvent({
    hosts: [host],
    uri,
    requestId,
    headers: { 'User-Agent': 'edge-tenant-router-loadtest', 'X-Forwarded-For': '203.0.113.178' },
    customHeaders: { 'x-origin-secret': 'loadtest' },
    originDomainName: 'default.origin.example.com',
  });
}
