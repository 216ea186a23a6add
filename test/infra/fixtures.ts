/**
 * Typed factories for infra tests: a valid deployment configuration input, and apps that synth
 * fast (no bundling, no CloudFormation validation, no cdk-nag) for template assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/build-app.ts';
import { CONFIG_CONTEXT_KEY } from '../../infra/load-infra-config.ts';
import type { TenantRouterStack } from '../../infra/tenant-router-stack.ts';

/** A valid configuration input (JSON form), primary in eu-west-1, overridable per test. */
export function infraConfigInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account: '123456789012',
    primaryRegion: 'eu-west-1',
    replicaRegions: ['us-east-1', 'ap-southeast-2'],
    tableName: 'tenant-routes-test',
    platformDomains: ['app.example.com'],
    allowedOriginSuffixes: ['.origin.example.com'],
    regionalOrigins: {
      'eu-west-1': { domainName: 'eu-west-1.origin.example.com' },
      'us-east-1': { domainName: 'us-east-1.origin.example.com' },
      'ap-southeast-2': { domainName: 'ap-southeast-2.origin.example.com' },
    },
    routerCache: { ttlMs: 20_000, negativeTtlMs: 4_000 },
    ...overrides,
  };
}

/** A synthesized app and the templates of its stacks. */
export interface SynthResult {
  readonly stack: TenantRouterStack;
  readonly main: Template;
  /** The function's stack: the main stack when the primary region is us-east-1. */
  readonly edge: Template;
}

/**
 * Synthesizes the app for a configuration without bundling, cdk-nag or CloudFormation validation:
 * template assertions need none of them, and they make synth about ten times slower.
 */
export function synthTemplates(input: Record<string, unknown>): SynthResult {
  return withFastApp(input, ({ stack }) => {
    const edgeStack = stack.router.edgeFunction.function.lambda.stack;
    return { stack, main: Template.fromStack(stack), edge: Template.fromStack(edgeStack) };
  });
}

/** Builds the app for `input` with no bundling, validation or cdk-nag, and reads it with `read`. */
function withFastApp<T>(input: Record<string, unknown>, read: (built: ReturnType<typeof buildApp>) => T): T {
  process.env.CDK_VALIDATION = 'false';
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'tenant-router-cdk-')),
    context: { [CONFIG_CONTEXT_KEY]: input, 'aws:cdk:bundling-stacks': [] },
  });
  try {
    return read(buildApp({ app, nag: false }));
  } finally {
    // The templates are in memory by now; the cloud assembly on disk is not needed.
    rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** The main stack's template and each regional observability stack's, by region. */
export interface ObservabilitySynth {
  readonly main: Template;
  readonly regional: ReadonlyMap<string, Template>;
}

/** Synthesizes the app like {@link synthTemplates} and reads every regional observability stack. */
export function synthObservability(input: Record<string, unknown>): ObservabilitySynth {
  return withFastApp(input, ({ stack, observability }) => ({
    main: Template.fromStack(stack),
    regional: new Map([...observability].map(([region, s]) => [region as string, Template.fromStack(s)])),
  }));
}

/** Synthesizes the app like {@link synthTemplates} and reads the main stack's annotations and router. */
export function synthAnnotations(input: Record<string, unknown>): {
  readonly annotations: Annotations;
  readonly stack: TenantRouterStack;
} {
  return withFastApp(input, ({ stack }) => ({ annotations: Annotations.fromStack(stack), stack }));
}

/** A resource of a template as `findResources` returns it. */
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are untyped JSON.
export type CfnResourceJson = { Type: string; Properties: any; DeletionPolicy?: string };

/** The one resource of a type in a template, failing the test when there is not exactly one. */
export function onlyResource(template: Template, type: string): CfnResourceJson & { logicalId: string } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [logicalId, resource] = found[0] as [string, CfnResourceJson];
  return { ...resource, logicalId };
}
