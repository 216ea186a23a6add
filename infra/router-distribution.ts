/**
 * The CloudFront distribution in front of every tenant: the edge function on origin-request, a
 * cache key that includes Host (one tenant is never served another's page), the origin secret
 * header regional origins check, HTTPS only and access logs. Multi-tenant by default
 * (`distribution.mode`, tenant-only-distribution.ts), standard with aliases otherwise.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  type experimental,
  HttpVersion,
  LambdaEdgeEventType,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  OriginSslPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  type CloudFrontPolicies,
  cloudFrontPolicies,
  ROUTER_INPUT_HEADER,
  type Selection,
} from './cloudfront-policies.ts';
import type { InfraConfig } from './infra-config.ts';
import { makeTenantOnly } from './tenant-only-distribution.ts';

/** Props of {@link RouterDistribution}. */
export interface RouterDistributionProps {
  /** The validated deployment configuration. */
  readonly config: InfraConfig;
  /** The origin-request function. */
  readonly edgeFunction: experimental.EdgeFunction;
}

/**
 * The distribution and its policies, log bucket and origin secret.
 *
 * @example
 * const { distribution } = new RouterDistribution(this, 'Cdn', { config, edgeFunction });
 */
export class RouterDistribution extends Construct {
  /** The distribution every tenant domain points at. */
  readonly distribution: Distribution;
  /** Cache key: Host, path, query strings. */
  readonly cachePolicy: CachePolicy;
  /** What reaches the origin-request function and the origin besides the cache key. */
  readonly originRequestPolicy: OriginRequestPolicy;
  /** Generated shared secret sent to origins in `config.router.originSecretHeader`. */
  readonly originSecret: Secret;
  /** Bucket of the distribution's standard access logs. */
  readonly logBucket: Bucket;

  constructor(scope: Construct, id: string, props: RouterDistributionProps) {
    super(scope, id);
    const { config } = props;
    // The same policies the local CloudFront emulator applies (infra/cloudfront-policies.ts).
    const policies = cloudFrontPolicies(config);
    this.originSecret = originSecret(this, config);
    this.logBucket = accessLogBucket(this, config);
    this.cachePolicy = new CachePolicy(this, 'CachePolicy', {
      comment: 'Tenant router: Host is part of the cache key, so tenants never share cached pages',
      headerBehavior: CacheHeaderBehavior.allowList(...policies.cacheKey.headers),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      // Cookies stay out of the key (they would defeat caching); origins mark personal pages private.
      cookieBehavior: CacheCookieBehavior.none(),
      minTtl: Duration.seconds(config.cdnCache.minTtlSeconds),
      defaultTtl: Duration.seconds(config.cdnCache.defaultTtlSeconds),
      maxTtl: Duration.seconds(config.cdnCache.maxTtlSeconds),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    this.originRequestPolicy = originRequestPolicy(this, policies);
    this.distribution = this.#distribution(config, props.edgeFunction);
  }

  /** The distribution: the default origin with the origin secret, the function on origin-request. */
  #distribution(config: InfraConfig, edgeFunction: experimental.EdgeFunction): Distribution {
    const defaultOrigin = config.regionalOrigins.get(config.defaultOriginRegion);
    if (defaultOrigin === undefined) throw new Error('validated config has no default origin');
    // Multi-tenant: the platform's domains and certificate belong to a distribution tenant
    // (customer-domains.ts), never to the distribution.
    const standard = config.distribution.mode === 'standard';
    const certificate =
      config.certificateArn === undefined || !standard
        ? undefined
        : Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn);
    const distribution = new Distribution(this, 'Distribution', {
      comment: `Tenant router (${config.stackName})`,
      defaultBehavior: {
        // Replaced per request by the router; this one serves requests it answers "forward as is".
        origin: new HttpOrigin(defaultOrigin.domainName, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          httpsPort: defaultOrigin.port,
          ...(defaultOrigin.path === '' ? {} : { originPath: defaultOrigin.path }),
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          customHeaders: {
            [config.router.originSecretHeader]: this.originSecret.secretValue.unsafeUnwrap(),
          },
        }),
        edgeLambdas: [
          {
            functionVersion: edgeFunction.currentVersion,
            eventType: LambdaEdgeEventType.ORIGIN_REQUEST,
            includeBody: false,
          },
        ],
        cachePolicy: this.cachePolicy,
        originRequestPolicy: this.originRequestPolicy,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        compress: true,
      },
      ...(certificate === undefined
        ? {}
        : {
            certificate,
            domainNames: [...config.domainNames],
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      priceClass: PriceClass[priceClassKey(config.priceClass)],
      ...(config.webAclArn === undefined ? {} : { webAclId: config.webAclArn }),
    });
    if (!standard) makeTenantOnly(distribution);
    acknowledgeDistributionFindings(distribution, config);
    return distribution;
  }
}

/** The shared secret CloudFront sends to every origin, replicated to each pool region. */
function originSecret(scope: Construct, config: InfraConfig): Secret {
  const secret = new Secret(scope, 'OriginSecret', {
    description: `Value of the ${config.router.originSecretHeader} header CloudFront sends to tenant origins`,
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    // Origins in every pool region read the value locally, so a primary-region outage does not
    // stop them from starting.
    replicaRegions: [...config.regionalOrigins.keys()]
      .filter((region) => region !== config.primaryRegion)
      .map((region) => ({ region })),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The value lives in the distribution config as an origin custom header (a CloudFormation dynamic ' +
      'reference); a Secrets Manager rotation would not reach CloudFront. Rotate by redeploying with a new ' +
      'secret version while origins accept both values (docs/deploying.md).',
  });
  return secret;
}

/** The bucket of the distribution's standard access logs. */
function accessLogBucket(scope: Construct, config: InfraConfig): Bucket {
  const bucket = new Bucket(scope, 'AccessLogs', {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    // CloudFront standard logging writes through an ACL grant to its log delivery account.
    objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ expiration: Duration.days(config.accessLogRetentionDays) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'This bucket only receives CloudFront access logs; logging its own access would need another bucket ' +
      'and logs of logs. CloudTrail data events cover it where an account requires that.',
  });
  return bucket;
}

/** The cdk-nag findings on the distribution that this design accepts, each with its reason. */
function acknowledgeDistributionFindings(distribution: Distribution, config: InfraConfig): void {
  if (config.distribution.mode === 'multi-tenant') {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'A multi-tenant distribution has no endpoint of its own: viewers reach its distribution tenants, ' +
        'each serving its domains with its own certificate (CloudFront-managed, or the platform certificate).',
    });
  } else if (config.certificateArn === undefined) {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'No certificateArn configured: the distribution serves only its *.cloudfront.net name, whose TLS ' +
        'policy CloudFront fixes. With a certificate the stack sets TLSv1.2_2021.',
    });
  }
  if (config.webAclArn === undefined) {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No webAclArn configured. A platform team attaches its shared CLOUDFRONT-scope web ACL through ' +
        'the webAclArn setting; the router itself rejects bad hosts before any origin is reached.',
    });
  }
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions-CFR1',
    reason:
      'Tenants serve viewers worldwide; geo restrictions, where a tenant needs them, belong to its origin.',
  });
}

function priceClassKey(value: InfraConfig['priceClass']): keyof typeof PriceClass {
  switch (value) {
    case 'PriceClass_100':
      return 'PRICE_CLASS_100';
    case 'PriceClass_200':
      return 'PRICE_CLASS_200';
    case 'PriceClass_All':
      return 'PRICE_CLASS_ALL';
  }
}

/**
 * The origin request policy: by default every viewer header, cookie and query string (the settings
 * of CloudFront's managed AllViewer policy), plus the configured CloudFront headers.
 */
function originRequestPolicy(scope: Construct, policies: CloudFrontPolicies): OriginRequestPolicy {
  const { headers, cloudFrontHeaders, cookies, queryStrings } = policies.originRequest;
  return new OriginRequestPolicy(scope, 'OriginRequestPolicy', {
    comment: 'Tenant router: the viewer request as tenant applications need it (Host for routing)',
    headerBehavior:
      headers === 'allViewer'
        ? OriginRequestHeaderBehavior.all(...cloudFrontHeaders)
        : // Host only of the cache key's headers: the cache key's reach the origin anyway, and naming
          // one such as Authorization here is what CloudFront refuses.
          OriginRequestHeaderBehavior.allowList(ROUTER_INPUT_HEADER, ...headers, ...cloudFrontHeaders),
    cookieBehavior: pick(cookies, OriginRequestCookieBehavior),
    queryStringBehavior: pick(queryStrings, OriginRequestQueryStringBehavior),
  });
}

function pick<B>(
  selection: Selection,
  behaviors: { all(): B; none(): B; allowList(...names: string[]): B },
): B {
  return selection === 'all'
    ? behaviors.all()
    : selection === 'none'
      ? behaviors.none()
      : behaviors.allowList(...selection);
}
