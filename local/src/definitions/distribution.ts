import {
  propertiesOf,
  type CacheBehavior,
  type CloudFrontFunctionProperties,
  type CloudResource,
  type DistributionProperties,
  type ResolvedDistributionConfig,
  type ResponseHeadersPolicyConfig,
  type ResponseHeadersPolicyProperties,
} from './cloudformation';
import { hostOf } from './intrinsics';
import {
  DefinitionError,
  distributionEndpointKey,
  type BehaviorWiring,
  type CacheTtl,
  type DistributionWiring,
  type OriginWiring,
  type PolicyHeader,
  type ResponseHeadersWiring,
  type StackReader,
} from './service';

/** Managed cache policies: CachingOptimized honours Cache-Control within its TTLs; CachingDisabled keeps nothing. */
export const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
export const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHE_POLICIES: Record<string, CacheTtl> = {
  [CACHING_OPTIMIZED]: { min: 1, default: 86400, max: 31536000 },
  [CACHING_DISABLED]: { min: 0, default: 0, max: 0 },
};
/** A behaviour with no CachePolicyId (the legacy cache settings) has CloudFront's legacy defaults. */
const LEGACY_TTL: CacheTtl = { min: 0, default: 86400, max: 31536000 };
/** Managed AllViewerExceptHostHeader: every viewer header but Host, every cookie and the query string. */
export const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
/** The managed response-headers policies the services use, with the headers AWS's documentation lists for them. */
const MANAGED_RESPONSE_HEADERS: Record<string, Omit<ResponseHeadersWiring, 'id'>> = {
  // SimpleCORS
  '60669652-455b-4ae9-85a4-c4c02393f86c': {
    headers: [],
    corsHeaders: [{ name: 'access-control-allow-origin', value: '*', override: false }],
  },
  // SecurityHeadersPolicy
  '67f7725c-6f97-4210-82d7-5512b31e9d03': {
    headers: [
      { name: 'referrer-policy', value: 'strict-origin-when-cross-origin', override: false },
      { name: 'strict-transport-security', value: 'max-age=31536000', override: false },
      { name: 'x-content-type-options', value: 'nosniff', override: false },
      { name: 'x-frame-options', value: 'SAMEORIGIN', override: false },
      { name: 'x-xss-protection', value: '1; mode=block', override: false },
    ],
    corsHeaders: [],
  },
};
/** The three method sets CloudFront accepts for AllowedMethods. */
const METHOD_SETS = [
  ['GET', 'HEAD'],
  ['GET', 'HEAD', 'OPTIONS'],
  ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
];

interface DistributionContext {
  stack: StackReader;
  resources: Record<string, CloudResource>;
  /** `<service>: <logicalId>`, the start of every error about this distribution. */
  where: string;
  origins: Map<string, OriginWiring>;
}

/**
 * A distribution runs locally when each origin is a bucket of the stack or a local endpoint (a custom origin such as
 * the HTTP API's host), its functions and response-headers policies are of the same stack or managed ones the local
 * CloudFront knows, and a custom origin is not cached. Anything else is a DefinitionError naming what.
 */
export function distributionWiring(
  logicalId: string,
  properties: DistributionProperties,
  resources: Record<string, CloudResource>,
  stack: StackReader,
): DistributionWiring {
  const { name: service, intrinsics } = stack;
  const config = properties.DistributionConfig ?? {};
  const resolved = stack.resolve(config) as ResolvedDistributionConfig;
  const where = `${service}: ${logicalId}`;
  const origins = new Map<string, OriginWiring>();
  for (const [index, origin] of (resolved.Origins ?? []).entries())
    origins.set(String(origin.Id), originWiring(index, origin, where, stack));
  const context: DistributionContext = { stack, resources, where, origins };
  const behaviors = [
    ...(config.CacheBehaviors ?? []).map((b, i) => {
      if (typeof b.PathPattern !== 'string' || !b.PathPattern)
        throw new DefinitionError(`${where}: CacheBehaviors[${i}] has no PathPattern`);
      return behaviorWiring(b, `behaviour ${b.PathPattern}`, context, b.PathPattern);
    }),
    behaviorWiring(config.DefaultCacheBehavior ?? {}, 'default behaviour', context),
  ];
  const defaultOrigin = behaviors[behaviors.length - 1]!.origin;
  const bucketOrigin = defaultOrigin.kind === 's3' ? defaultOrigin : [...origins.values()].find((o) => o.kind === 's3');
  if (bucketOrigin?.kind !== 's3') throw new DefinitionError(`${where} must have an S3 bucket origin to run locally`);
  return {
    service,
    logicalId,
    id: intrinsics.ref(logicalId),
    endpointKey: distributionEndpointKey(logicalId),
    originBucket: bucketOrigin.bucket,
    ...(resolved.DefaultRootObject ? { defaultRootObject: String(resolved.DefaultRootObject) } : {}),
    behaviors,
    errorCachingMinTtl: errorCachingMinTtl(where, resolved),
    config: resolved,
  };
}

type ResolvedOrigin = NonNullable<ResolvedDistributionConfig['Origins']>[number];

/** `<bucket>.s3[.-]...` is a bucket of the stack; a custom origin's DomainName must be a local endpoint's host. */
function originWiring(index: number, origin: ResolvedOrigin, where: string, stack: StackReader): OriginWiring {
  const id = String(origin.Id ?? '');
  if (!id) throw new DefinitionError(`${where}: Origins[${index}] has no Id`);
  const domain = String(origin.DomainName ?? '');
  const path = origin.OriginPath ?? '';
  if (origin.CustomOriginConfig) {
    const endpoint = Object.values(stack.env.endpoints).find((url) => url && hostOf(url) === domain);
    if (!endpoint)
      throw new DefinitionError(
        `${where}: custom origin ${id} (${domain || 'no DomainName'}) is no local endpoint; ` +
          'the local cloud serves custom origins only on its own endpoints (e.g. the HTTP API host)',
      );
    return { kind: 'custom', id, endpoint, path };
  }
  const bucket = /^(.+)\.s3[.-]/.exec(domain)?.[1];
  if (!bucket) throw new DefinitionError(`${where}: origin ${id} (${domain}) is no S3 bucket of the stack`);
  return { kind: 's3', id, bucket, path };
}

function behaviorWiring(
  behavior: CacheBehavior,
  what: string,
  context: DistributionContext,
  pathPattern?: string,
): BehaviorWiring {
  const { where, origins } = context;
  const origin = origins.get(String(behavior.TargetOriginId));
  if (!origin)
    throw new DefinitionError(`${where}: the ${what}'s TargetOriginId ${behavior.TargetOriginId} is no origin of it`);
  const allowedMethods = (behavior.AllowedMethods ?? ['GET', 'HEAD']).map((m) => String(m).toUpperCase());
  const sorted = JSON.stringify([...allowedMethods].sort());
  if (!METHOD_SETS.some((set) => JSON.stringify([...set].sort()) === sorted))
    throw new DefinitionError(
      `${where}: the ${what}'s AllowedMethods ${allowedMethods.join(', ')} is no set CloudFront allows`,
    );
  const policy = behavior.CachePolicyId;
  const ttl = policy === undefined ? LEGACY_TTL : CACHE_POLICIES[policy];
  if (!ttl)
    throw new DefinitionError(`${where}: the ${what}'s CachePolicyId ${policy} is no managed policy known locally`);
  const requestPolicy = behavior.OriginRequestPolicyId;
  if (origin.kind === 'custom') {
    // Caching a custom origin (its cache key, Vary, revalidation) is not modelled: only CachingDisabled runs.
    if (policy !== CACHING_DISABLED)
      throw new DefinitionError(
        `${where}: the ${what} goes to custom origin ${origin.id}, which runs locally only with the managed ` +
          `CachingDisabled cache policy (${CACHING_DISABLED}), not ${policy ?? 'none'}`,
      );
    if (requestPolicy !== undefined && requestPolicy !== ALL_VIEWER_EXCEPT_HOST_HEADER)
      throw new DefinitionError(
        `${where}: the ${what}'s OriginRequestPolicyId ${requestPolicy} is not run locally ` +
          `(only none or AllViewerExceptHostHeader, ${ALL_VIEWER_EXCEPT_HOST_HEADER})`,
      );
  }
  const viewerRequestFunction = viewerFunction(behavior, what, context);
  const responseHeaders = responseHeadersWiring(behavior.ResponseHeadersPolicyId, what, context);
  return {
    ...(pathPattern !== undefined ? { pathPattern } : {}),
    origin,
    allowedMethods,
    ttl,
    forward: requestPolicy === ALL_VIEWER_EXCEPT_HOST_HEADER ? 'all-except-host' : 'nothing',
    ...(viewerRequestFunction ? { viewerRequestFunction } : {}),
    ...(responseHeaders ? { responseHeaders } : {}),
  };
}

function viewerFunction(behavior: CacheBehavior, what: string, { where, resources, stack }: DistributionContext) {
  const association = (behavior.FunctionAssociations ?? []).find((a) => a.EventType === 'viewer-request');
  if (!association) return undefined;
  const arn = association.FunctionARN;
  const target = typeof arn === 'object' ? (arn['Fn::GetAtt'] as [string, string] | undefined)?.[0] : undefined;
  const fnResource = target ? resources[target] : undefined;
  if (fnResource?.Type !== 'AWS::CloudFront::Function')
    throw new DefinitionError(
      `${where}'s viewer-request function (${what}) must be an AWS::CloudFront::Function of the same stack`,
    );
  const fn = propertiesOf<CloudFrontFunctionProperties>(fnResource);
  return {
    name: stack.intrinsics.resolve(fn.Name) as string,
    code: stack.intrinsics.resolve(fn.FunctionCode) as string,
  };
}

/** A managed policy the local CloudFront knows, or `!Ref` to an AWS::CloudFront::ResponseHeadersPolicy of the stack. */
function responseHeadersWiring(
  id: CacheBehavior['ResponseHeadersPolicyId'],
  what: string,
  { where, resources, stack }: DistributionContext,
): ResponseHeadersWiring | undefined {
  if (id === undefined) return undefined;
  if (typeof id === 'string') {
    const managed = MANAGED_RESPONSE_HEADERS[id];
    if (!managed)
      throw new DefinitionError(
        `${where}: the ${what}'s ResponseHeadersPolicyId ${id} is no managed policy known locally`,
      );
    return { id, ...managed };
  }
  const target = typeof id.Ref === 'string' ? id.Ref : undefined;
  const resource = target ? resources[target] : undefined;
  if (!target || resource?.Type !== 'AWS::CloudFront::ResponseHeadersPolicy')
    throw new DefinitionError(
      `${where}: the ${what}'s ResponseHeadersPolicyId must be a managed id or !Ref to an ` +
        'AWS::CloudFront::ResponseHeadersPolicy of the same stack',
    );
  const config = (stack.resolve(propertiesOf<ResponseHeadersPolicyProperties>(resource).ResponseHeadersPolicyConfig) ??
    {}) as ResponseHeadersPolicyConfig;
  return {
    id: stack.intrinsics.ref(target),
    headers: policyHeaders(config, `${stack.name}: ${target}`),
    corsHeaders: [],
  };
}

/** The headers of a policy's SecurityHeadersConfig and CustomHeadersConfig, named as CloudFront sends them. */
function policyHeaders(config: ResponseHeadersPolicyConfig, where: string): PolicyHeader[] {
  for (const part of ['CorsConfig', 'RemoveHeadersConfig', 'ServerTimingHeadersConfig'] as const)
    if (config[part] !== undefined) throw new DefinitionError(`${where}: ${part} is not run by the local CloudFront`);
  const security = config.SecurityHeadersConfig ?? {};
  const headers: PolicyHeader[] = [];
  const add = (name: string, value: string | undefined, override: boolean | undefined) => {
    if (value === undefined || value === '') throw new DefinitionError(`${where}: ${name} has no value`);
    headers.push({ name, value, override: override === true });
  };
  const { ContentSecurityPolicy: csp, ContentTypeOptions: cto, FrameOptions: frame } = security;
  if (csp) add('content-security-policy', csp.ContentSecurityPolicy, csp.Override);
  if (cto) add('x-content-type-options', 'nosniff', cto.Override);
  if (frame) add('x-frame-options', frame.FrameOption, frame.Override);
  if (security.ReferrerPolicy)
    add('referrer-policy', security.ReferrerPolicy.ReferrerPolicy, security.ReferrerPolicy.Override);
  const sts = security.StrictTransportSecurity;
  if (sts) {
    const value = `max-age=${Number(sts.AccessControlMaxAgeSec)}${sts.IncludeSubdomains ? '; includeSubDomains' : ''}`;
    add('strict-transport-security', `${value}${sts.Preload ? '; preload' : ''}`, sts.Override);
  }
  const xss = security.XSSProtection;
  if (xss) {
    const on = `1${xss.ModeBlock ? '; mode=block' : ''}${xss.ReportUri ? `; report=${xss.ReportUri}` : ''}`;
    add('x-xss-protection', xss.Protection ? on : '0', xss.Override);
  }
  for (const item of config.CustomHeadersConfig?.Items ?? []) {
    const name = String(item.Header ?? '').toLowerCase();
    if (!name) throw new DefinitionError(`${where}: a CustomHeadersConfig item has no Header`);
    if (headers.some((h) => h.name === name)) throw new DefinitionError(`${where}: header ${name} is set twice`);
    add(name, item.Value === undefined ? undefined : String(item.Value), item.Override);
  }
  return headers;
}

/** ErrorCachingMinTTL by error code, for the CustomErrorResponses that set one; a code given twice is an error. */
function errorCachingMinTtl(where: string, config: ResolvedDistributionConfig) {
  const ttls: Record<number, number> = {};
  const seen = new Set<number>();
  for (const response of config.CustomErrorResponses ?? []) {
    const code = Number(response.ErrorCode);
    if (!Number.isInteger(code) || code < 400 || code > 599)
      throw new DefinitionError(`${where} has a CustomErrorResponse without a 4xx/5xx ErrorCode`);
    // CloudFormation refuses a distribution that names a code twice.
    if (seen.has(code)) throw new DefinitionError(`${where} lists ErrorCode ${code} twice`);
    seen.add(code);
    if (response.ErrorCachingMinTTL === undefined) continue;
    const ttl = Number(response.ErrorCachingMinTTL);
    if (!Number.isInteger(ttl) || ttl < 0)
      throw new DefinitionError(`${where}'s ErrorCachingMinTTL for ${code} must be whole seconds >= 0`);
    ttls[code] = ttl;
  }
  return ttls;
}
