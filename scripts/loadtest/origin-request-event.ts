/**
 * Origin-request events for the in-process mode, shaped as CloudFront sends them to the function:
 * the distribution's default origin, the viewer's Host header, a request id.
 */
import type { CloudFrontRequestEvent } from 'aws-lambda';

/** Builds the origin-request event of a GET for `host` and `uri`. A fresh object every call (the handler rewrites it in place). */
export function originRequestEvent(host: string, uri: string, requestId: string): CloudFrontRequestEvent {
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: 'd111111abcdef8.cloudfront.net',
            distributionId: 'EDFDVBD6EXAMPLE',
            eventType: 'origin-request',
            requestId,
          },
          request: {
            clientIp: '203.0.113.178',
            method: 'GET',
            uri,
            querystring: '',
            headers: {
              host: [{ key: 'Host', value: host }],
              'user-agent': [{ key: 'User-Agent', value: 'edge-tenant-router-loadtest' }],
              'x-forwarded-for': [{ key: 'X-Forwarded-For', value: '203.0.113.178' }],
            },
            origin: {
              custom: {
                customHeaders: { 'x-origin-secret': [{ key: 'x-origin-secret', value: 'loadtest' }] },
                domainName: 'default.origin.example.com',
                keepaliveTimeout: 5,
                path: '',
                port: 443,
                protocol: 'https',
                readTimeout: 30,
                sslProtocols: ['TLSv1.2'],
              },
            },
          },
        },
      },
    ],
  };
}
