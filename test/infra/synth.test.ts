/**
 * The one full synth: `cdk synth` through the real CLI with cdk.json, the example configuration,
 * esbuild bundling, CloudFormation validation and cdk-nag, without AWS credentials. Then the
 * produced bundle is checked for the baked configuration and loaded.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { App, type Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';
import { resolveInfraConfig } from '../../infra/infra-config.ts';
import { CONFIG_CONTEXT_KEY } from '../../infra/load-infra-config.ts';
import { type CfnResourceJson, infraConfigInput } from './fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE_CONFIG = resolveInfraConfig(
  JSON.parse(readFileSync(join(ROOT, 'infra/config/example.json'), 'utf8')),
);

/** What cdk-nag's `writeSuppressionsToCloudFormation` writes into a resource's Metadata. */
interface NagMetadata {
  readonly cdk_nag?: { readonly rules_to_suppress?: readonly { id: string; reason: string }[] };
}

interface CliResult {
  readonly code: number;
  readonly stderr: string;
}

/** Runs `cdk synth --quiet` like `npm run synth`, into `outdir`, with no AWS credentials in the env. */
function cdkSynth(outdir: string): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith('AWS_') && key !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') delete env[key];
  delete env.CDK_VALIDATION; // the CI synth keeps CloudFormation validation on
  return new Promise((done) => {
    execFile(
      join(ROOT, 'node_modules/.bin/cdk'),
      ['synth', '--quiet', '--output', outdir],
      { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => done({ code: error === null ? 0 : Number(error.code ?? 1), stderr }),
    );
  });
}

/**
 * Reads the configuration esbuild's `define` inlined: the object literal starting at
 * `{tableName:"`, cut at its matching brace (strings skipped) and evaluated in an empty context.
 */
function bakedConfigOf(bundle: string): unknown {
  const start = bundle.indexOf('{tableName:"');
  if (start < 0) throw new Error('no baked configuration literal in the bundle');
  let depth = 0;
  for (let i = start; i < bundle.length; i++) {
    const char = bundle[i];
    if (char === '"') {
      for (i++; bundle[i] !== '"'; i++) if (bundle[i] === '\\') i++;
    } else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return runInNewContext(`(${bundle.slice(start, i + 1)})`, {});
    }
  }
  throw new Error('unterminated configuration literal');
}

describe('npm run synth (full synth with bundling and cdk-nag)', () => {
  let outdir: string;
  let result: CliResult;
  let bundlePath: string;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'tenant-router-synth-'));
    result = await cdkSynth(outdir);
    const edgeTemplate = JSON.parse(
      readFileSync(join(outdir, `${EXAMPLE_CONFIG.stackName}-edge-function.template.json`), 'utf8'),
    );
    const fn = Object.values(edgeTemplate.Resources as Record<string, CfnResourceJson>).find(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    const assetHash = String(fn?.Properties.Code.S3Key).replace(/\.zip$/, '');
    bundlePath = join(outdir, `asset.${assetHash}`, 'index.js');
  }, 180_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('succeeds without credentials and with no unacknowledged cdk-nag finding', () => {
    expect(result.stderr).not.toMatch(/AwsSolutions-/);
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const violations = (
      report.pluginReports as Array<{ pluginName: string; violations?: unknown[] }>
    ).flatMap((plugin) => (plugin.violations ?? []).map((v) => ({ plugin: plugin.pluginName, v })));
    expect(violations).toEqual([]);
  });

  it('records every acknowledgement with its reason in the templates (audit trail)', () => {
    const acknowledged = (stackName: string) => {
      const template = JSON.parse(readFileSync(join(outdir, `${stackName}.template.json`), 'utf8'));
      return Object.values(
        template.Resources as Record<string, { Type: string; Metadata?: NagMetadata }>,
      ).flatMap((resource) =>
        (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((rule: { id: string; reason: string }) => ({
          type: resource.Type,
          id: rule.id,
          hasReason: rule.reason.length > 40,
        })),
      );
    };
    const main = acknowledged(EXAMPLE_CONFIG.stackName);
    const edge = acknowledged(`${EXAMPLE_CONFIG.stackName}-edge-function`);
    expect(main).toEqual(
      expect.arrayContaining([
        { type: 'AWS::SecretsManager::Secret', id: 'AwsSolutions-SMG4', hasReason: true },
        { type: 'AWS::S3::Bucket', id: 'AwsSolutions-S1', hasReason: true },
        { type: 'AWS::CloudFront::Distribution', id: 'AwsSolutions-CFR1', hasReason: true },
        { type: 'AWS::CloudFront::Distribution', id: 'AwsSolutions-CFR2', hasReason: true },
        // The example is multi-tenant: the tenants carry the certificates.
        { type: 'AWS::CloudFront::Distribution', id: 'AwsSolutions-CFR4', hasReason: true },
        { type: 'AWS::IAM::ManagedPolicy', id: 'AwsSolutions-IAM5[Resource::*]', hasReason: true },
        {
          type: 'AWS::IAM::ManagedPolicy',
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudfront::111111111111:distribution-tenant/*]',
          hasReason: true,
        },
      ]),
    );
    expect(edge).toEqual(
      expect.arrayContaining([
        {
          type: 'AWS::IAM::Role',
          id: expect.stringMatching(
            /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:logs:eu-west-2:.*:\*\]$/,
          ),
          hasReason: true,
        },
      ]),
    );
    expect([...main, ...edge].every((rule) => rule.hasReason)).toBe(true);
  });

  it('bakes exactly the router configuration derived from the app configuration', () => {
    const baked = bakedConfigOf(readFileSync(bundlePath, 'utf8'));
    expect(JSON.parse(JSON.stringify(baked))).toEqual(JSON.parse(JSON.stringify(EXAMPLE_CONFIG.router)));
  });

  it('produces a CommonJS bundle whose handler runs with the baked config and answers a bad Host itself', async () => {
    const bundle = createRequire(import.meta.url)(bundlePath) as {
      handler: (event: CloudFrontRequestEvent) => Promise<{ status?: string }>;
      createOriginRequestHandler: unknown;
    };
    expect(typeof bundle.createOriginRequestHandler).toBe('function');
    const event = {
      Records: [
        {
          cf: {
            config: {
              distributionDomainName: 'd.cloudfront.net',
              distributionId: 'E1',
              eventType: 'origin-request',
              requestId: 'r1',
            },
            request: {
              clientIp: '192.0.2.1',
              method: 'GET',
              uri: '/',
              querystring: '',
              headers: { host: [{ key: 'Host', value: 'not a host!' }] },
              origin: {
                custom: {
                  domainName: 'eu-west-1.origin.example.com',
                  port: 443,
                  protocol: 'https',
                  path: '',
                  sslProtocols: ['TLSv1.2'],
                  readTimeout: 30,
                  keepaliveTimeout: 5,
                  customHeaders: {},
                },
              },
            },
          },
        },
      ],
    } as unknown as CloudFrontRequestEvent;
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const savedRegion = process.env.AWS_REGION;
    // Lambda sets AWS_REGION to the executing region; the handler reads it on its first call.
    process.env.AWS_REGION = 'ap-southeast-2';
    try {
      const response = await bundle.handler(event);
      expect(response.status).toBe('400');
    } finally {
      write.mockRestore();
      if (savedRegion === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = savedRegion;
    }
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ msg: 'route-problem', reason: 'bad-host', edgeRegion: 'ap-southeast-2' }),
    ]);
  });
});

describe('cdk-nag on the app', () => {
  it.each(['multi-tenant', 'standard'])(
    'passes a us-east-1 primary without certificate or web ACL, %s distribution (the other acknowledgement paths)',
    (mode) => {
      process.env.CDK_VALIDATION = 'false';
      const input = infraConfigInput({
        primaryRegion: 'us-east-1',
        replicaRegions: ['eu-west-1', 'ap-southeast-2'],
        distribution: { mode },
      });
      const app = new App({
        outdir: mkdtempSync(join(tmpdir(), 'tenant-router-nag-')),
        context: { [CONFIG_CONTEXT_KEY]: input, 'aws:cdk:bundling-stacks': [] },
      });
      buildApp({ app });
      try {
        expect(() => app.synth()).not.toThrow();
      } finally {
        rmSync(app.outdir, { recursive: true, force: true });
      }
    },
  );

  it('fails the synth on a finding nobody acknowledged', () => {
    process.env.CDK_VALIDATION = 'false';
    const app = new App({
      outdir: mkdtempSync(join(tmpdir(), 'tenant-router-nag-')),
      context: { [CONFIG_CONTEXT_KEY]: infraConfigInput(), 'aws:cdk:bundling-stacks': [] },
    });
    const { stack } = buildApp({ app });
    new Bucket(stack as Stack, 'UnloggedBucket');
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = String(error);
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
    expect(message).toMatch(/AwsSolutions-S1'/);
    // Everything the router creates is compliant or acknowledged: only the stray bucket is named.
    const paths = [...message.matchAll(/^\s+(TenantRouter\S*) /gm)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((path) => path?.startsWith('TenantRouter/UnloggedBucket/'))).toBe(true);
  });
});
