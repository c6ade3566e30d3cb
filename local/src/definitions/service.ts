import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CloudResource,
  CorsRule,
  ResolvedDistributionConfig,
  GenerateSecretString,
  TableProperties,
} from './cloudformation';
import { functionWirings, httpApiCors } from './functions';
import { IntrinsicResolver, localScheme, type LocalEnvironment } from './intrinsics';
import { resourceWirings, siteUploads } from './resources';
import type { ServerlessConfig } from './serverless-config';
import { VariableResolver } from './variables';
import { readYaml } from './yaml';

export type { GenerateSecretString, TableProperties } from './cloudformation';

/** Everything the local cloud needs from one serverless.yml, with every variable and intrinsic resolved. */
export interface ServiceWiring {
  name: string;
  dir: string;
  stage: string;
  functions: FunctionWiring[];
  routes: RouteWiring[];
  rules: RuleWiring[];
  cors?: CorsWiring;
  tables: TableWiring[];
  buckets: BucketWiring[];
  queues: QueueWiring[];
  secrets: SecretWiring[];
  buses: { name: string; arn: string }[];
  distributions: DistributionWiring[];
  siteUploads: SiteUploadWiring[];
  outputs: Record<string, unknown>;
  exports: Record<string, unknown>;
}

export interface FunctionWiring {
  service: string;
  key: string;
  name: string;
  logicalId: string;
  arn: string;
  handlerFile: string;
  handlerExport: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySize: number;
  /** Asynchronous invocations only (rules, schedules, Invoke with InvocationType Event). */
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  onFailureArn?: string;
  /** ReservedConcurrentExecutions: the runtime gives the function no more environments than this. */
  reservedConcurrency?: number;
}

export interface RouteWiring {
  service: string;
  routeKey: string;
  method: string;
  path: string;
  functionName: string;
  /** The HTTP API stage's throttling of this route: its RouteSettings, else the stage's DefaultRouteSettings. */
  throttle?: RouteThrottle;
}

/** API Gateway's token bucket for one route: `burstLimit` requests at once, refilled at `rateLimit` per second. */
export interface RouteThrottle {
  rateLimit: number;
  burstLimit: number;
}

export interface RuleWiring {
  service: string;
  name: string;
  functionName: string;
  /** Rules on a bus have a pattern; scheduled rules (on the default bus) a schedule. */
  busName: string;
  pattern?: Record<string, unknown>;
  schedule?: string;
  enabled: boolean;
  input?: unknown;
  retryPolicy?: { maximumRetryAttempts?: number; maximumEventAge?: number };
  deadLetterArn?: string;
}

export interface CorsWiring {
  allowedOrigins: string[];
  allowedHeaders: string[];
  allowedMethods: string[];
  allowCredentials: boolean;
  exposedResponseHeaders: string[];
  maxAge?: number;
}

export interface TableWiring {
  name: string;
  properties: TableProperties;
}
export interface BucketWiring {
  name: string;
  corsRules: CorsRule[];
}
export interface QueueWiring {
  name: string;
  arn: string;
  url: string;
}
export interface SecretWiring {
  name: string;
  arn: string;
  description?: string;
  generate?: GenerateSecretString;
  secretString?: string;
}
export interface DistributionWiring {
  service: string;
  logicalId: string;
  id: string;
  endpointKey: string;
  /** The bucket of the default behaviour's origin if it is S3, else of the first S3 origin. */
  originBucket: string;
  /** What a request for `/` is served as (`/<DefaultRootObject>`). */
  defaultRootObject?: string;
  /** The CacheBehaviors in order, then the default behaviour (no pathPattern): the first that matches serves. */
  behaviors: BehaviorWiring[];
  /** Seconds an error status stays cached, where CustomErrorResponses sets its ErrorCachingMinTTL (else 10). */
  errorCachingMinTtl: Record<number, number>;
  /** The DistributionConfig as the stack defines it, its intrinsics resolved: what the CloudFront API describes. */
  config: ResolvedDistributionConfig;
}

/** One cache behaviour as the local CloudFront serves it. */
export interface BehaviorWiring {
  /** CloudFront's path pattern (`*` and `?` wildcards, case-sensitive); none for the default behaviour. */
  pathPattern?: string;
  origin: OriginWiring;
  /** The methods the behaviour takes; any other is CloudFront's 403. */
  allowedMethods: string[];
  /** The cache policy's TTLs, in seconds. */
  ttl: CacheTtl;
  /** What of the viewer's request reaches a custom origin: nothing (no origin request policy), or all but Host. */
  forward: 'nothing' | 'all-except-host';
  viewerRequestFunction?: { name: string; code: string };
  responseHeaders?: ResponseHeadersWiring;
}

/** An S3 bucket of the stack, or a local endpoint standing for a custom origin (an HTTP API's host). */
export type OriginWiring =
  | { kind: 's3'; id: string; bucket: string; path: string }
  | { kind: 'custom'; id: string; endpoint: string; path: string };

/** A cache policy's MinTTL, DefaultTTL and MaxTTL. */
export interface CacheTtl {
  min: number;
  default: number;
  max: number;
}

/** A response-headers policy: the headers it sets (`override` false: the origin's own value wins). */
export interface ResponseHeadersWiring {
  id: string;
  headers: PolicyHeader[];
  /** Headers set only on a CORS request (one with an Origin header): SimpleCORS's. */
  corsHeaders: PolicyHeader[];
}
export interface PolicyHeader {
  name: string;
  value: string;
  override: boolean;
}

/** `custom.siteUploads`: files put in a bucket of the stack after it exists (the site-uploads deploy plugin). */
export interface SiteUploadWiring {
  bucket: string;
  cacheControl: string;
  /** Each file's absolute path, the key it is stored at and its Content-Type. */
  files: { key: string; file: string; contentType: string }[];
}

export interface LoadServiceOptions {
  stage: string;
  region: string;
  accountId: string;
  params: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  local: Omit<LocalEnvironment, 'stage' | 'region' | 'accountId'>;
}

export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

/** One stack being read: its name and stage, and how its values resolve locally. */
export interface StackReader {
  name: string;
  dir: string;
  stage: string;
  region: string;
  accountId: string;
  env: LocalEnvironment;
  intrinsics: IntrinsicResolver;
  /** Intrinsics evaluated, then https:// to a local endpoint turned into http://. */
  resolve(value: unknown): unknown;
  /** As resolve, for a value that must be there; `what` names it in the error. */
  resolveString(value: unknown, what: string): string;
}

/** Serverless's logical id for a function: `my-fn` -> `MyDashfnLambdaFunction`. */
export function functionLogicalId(key: string): string {
  const normalized = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized.charAt(0).toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

export const distributionEndpointKey = (logicalId: string) => {
  const stem = logicalId.replace(/Distribution$/, '');
  return stem.charAt(0).toLowerCase() + stem.slice(1);
};

/** An event bus given as an ARN is named by what follows `event-bus/`. */
export const busNameOf = (nameOrArn: string) =>
  nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf('/') + 1) : nameOrArn;

/** Reads `<dir>/serverless.yml` as Serverless would deploy it, with local values for what AWS would generate. */
export function loadService(dir: string, options: LoadServiceOptions): ServiceWiring {
  const config = readConfig(dir, options);
  const stack = stackReader(dir, config, options);
  const { functions, routes, rules } = functionWirings(config, stack);
  const cors = httpApiCors(config.provider?.httpApi?.cors, stack);
  const resources = resourceWirings(config.resources?.Resources ?? {}, stack);
  const outputs: Record<string, unknown> = {};
  const exported: Record<string, unknown> = {};
  for (const [outputName, output] of Object.entries(config.resources?.Outputs ?? {})) {
    const value = stack.resolve(output.Value);
    outputs[outputName] = value;
    if (output.Export?.Name) exported[String(stack.resolve(output.Export.Name))] = value;
  }
  // Serverless adds this output to every stack with an HTTP API.
  if (routes.length > 0) outputs.HttpApiUrl = stack.env.endpoints.api;
  return {
    name: stack.name,
    dir,
    stage: stack.stage,
    functions,
    routes,
    rules,
    ...(cors ? { cors } : {}),
    ...resources,
    siteUploads: siteUploads(config.custom?.siteUploads, resources.buckets, stack),
    outputs,
    exports: exported,
  };
}

/** serverless.yml with its variables resolved; its shape is Serverless's, trusted as the deploy would trust it. */
function readConfig(dir: string, options: LoadServiceOptions): ServerlessConfig {
  const file = join(dir, 'serverless.yml');
  if (!existsSync(file)) throw new DefinitionError(`${dir} has no serverless.yml`);
  const raw = readYaml(file) as Record<string, unknown>;
  const variables = new VariableResolver({
    config: raw,
    serviceDir: dir,
    stage: options.stage,
    region: options.region,
    accountId: options.accountId,
    params: options.params,
    env: options.env ?? process.env,
  });
  return variables.resolveValue(raw) as ServerlessConfig;
}

function stackReader(dir: string, config: ServerlessConfig, options: LoadServiceOptions): StackReader {
  const name = String(config.service);
  const { stage, region, accountId } = options;
  const functionNames = new Map(
    Object.entries(config.functions ?? {}).map(([key, fn]) => [
      functionLogicalId(key),
      fn.name ?? `${name}-${stage}-${key}`,
    ]),
  );
  const env: LocalEnvironment = { ...options.local, stage, region, accountId };
  const resources: Record<string, CloudResource> = config.resources?.Resources ?? {};
  const intrinsics = new IntrinsicResolver(resources, env, { name, functionNames });
  const resolve = (value: unknown) => localScheme(intrinsics.resolve(value), env.endpoints);
  const resolveString = (value: unknown, what: string) => {
    const resolved = resolve(value);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new DefinitionError(
      `${name}: ${what} resolves to ${resolved == null ? 'nothing' : 'an object, not a value'}`,
    );
  };

  return { name, dir, stage, region, accountId, env, intrinsics, resolve, resolveString };
}
