import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IntrinsicResolver, localScheme, secretArn, type CloudResource, type LocalEnvironment } from './intrinsics';
import { VariableResolver } from './variables';
import { readYaml } from './yaml';

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
}

export interface RouteWiring {
  service: string;
  routeKey: string;
  method: string;
  path: string;
  functionName: string;
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
  properties: Record<string, any>;
}
export interface BucketWiring {
  name: string;
  corsRules: Record<string, any>[];
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
  generate?: Record<string, any>;
  secretString?: string;
}
export interface DistributionWiring {
  service: string;
  logicalId: string;
  id: string;
  endpointKey: string;
  originBucket: string;
  viewerRequestFunction?: { name: string; code: string };
  /** Managed response-headers policy ids, e.g. SimpleCORS. */
  responseHeadersPolicyId?: string;
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

/** Serverless's logical id for a function: `my-fn` -> `MyDashfnLambdaFunction`. */
export function functionLogicalId(key: string): string {
  const normalized = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized.charAt(0).toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

/** Serverless's defaults for `httpApi.cors: true`. */
const DEFAULT_CORS: CorsWiring = {
  allowedOrigins: ['*'],
  allowedHeaders: [
    'Content-Type',
    'X-Amz-Date',
    'Authorization',
    'X-Api-Key',
    'X-Amz-Security-Token',
    'X-Amz-User-Agent',
    'X-Amzn-Trace-Id',
  ],
  allowedMethods: ['OPTIONS', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'],
  allowCredentials: false,
  exposedResponseHeaders: [],
};

export const distributionEndpointKey = (logicalId: string) => {
  const stem = logicalId.replace(/Distribution$/, '');
  return stem.charAt(0).toLowerCase() + stem.slice(1);
};

export function loadService(dir: string, options: LoadServiceOptions): ServiceWiring {
  const file = join(dir, 'serverless.yml');
  if (!existsSync(file)) throw new DefinitionError(`${dir} has no serverless.yml`);
  const raw = readYaml(file) as Record<string, any>;
  const variables = new VariableResolver({
    config: raw,
    serviceDir: dir,
    stage: options.stage,
    region: options.region,
    accountId: options.accountId,
    params: options.params,
    env: options.env ?? process.env,
  });
  const config = variables.resolveValue(raw) as Record<string, any>;
  const name = String(config.service);
  const stage = options.stage;
  const provider = config.provider ?? {};
  const functionsConfig = (config.functions ?? {}) as Record<string, Record<string, any>>;
  const resources = ((config.resources ?? {}).Resources ?? {}) as Record<string, CloudResource>;

  const functionNames = new Map<string, string>();
  for (const [key, fn] of Object.entries(functionsConfig)) {
    functionNames.set(functionLogicalId(key), fn.name ?? `${name}-${stage}-${key}`);
  }
  const env: LocalEnvironment = { ...options.local, stage, region: options.region, accountId: options.accountId };
  const intrinsics = new IntrinsicResolver(resources, env, { name, functionNames });
  const resolve = (value: unknown) => localScheme(intrinsics.resolve(value), env.endpoints);
  const resolveString = (value: unknown, what: string) => {
    const resolved = resolve(value);
    if (resolved === undefined || resolved === null) throw new DefinitionError(`${name}: ${what} resolves to nothing`);
    return String(resolved);
  };

  const functions: FunctionWiring[] = [];
  const routes: RouteWiring[] = [];
  const rules: RuleWiring[] = [];
  for (const [key, fn] of Object.entries(functionsConfig)) {
    const functionName = functionNames.get(functionLogicalId(key))!;
    const [handlerPath, handlerExport] = splitHandler(String(fn.handler), name, key);
    const handlerFile = ['.ts', '.js'].map((ext) => join(dir, `${handlerPath}${ext}`)).find(existsSync);
    if (!handlerFile) throw new DefinitionError(`${name}.${key}: handler file ${handlerPath}.ts does not exist`);
    const environment: Record<string, string> = {};
    for (const [variable, value] of Object.entries({ ...(provider.environment ?? {}), ...(fn.environment ?? {}) })) {
      environment[variable] = resolveString(value, `environment ${variable} of ${key}`);
    }
    const onFailure = fn.destinations?.onFailure;
    functions.push({
      service: name,
      key,
      name: functionName,
      logicalId: functionLogicalId(key),
      arn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${functionName}`,
      handlerFile,
      handlerExport,
      environment,
      timeoutSeconds: Number(fn.timeout ?? provider.timeout ?? 6),
      memorySize: Number(fn.memorySize ?? provider.memorySize ?? 1024),
      maximumRetryAttempts: Number(fn.maximumRetryAttempts ?? 2),
      maximumEventAgeSeconds: Number(fn.maximumEventAge ?? 21600),
      ...(onFailure
        ? {
            onFailureArn: resolveString(
              typeof onFailure === 'string' ? onFailure : onFailure.arn,
              `destinations.onFailure of ${key}`,
            ),
          }
        : {}),
    });

    let ruleIndex = 0;
    let scheduleIndex = 0;
    for (const event of (fn.events ?? []) as Record<string, any>[]) {
      if (event.httpApi !== undefined) {
        const { method, path } = parseHttpApiEvent(event.httpApi, name, key);
        routes.push({
          service: name,
          routeKey: path === '*' ? '$default' : `${method} ${path}`,
          method,
          path,
          functionName,
        });
      } else if (event.eventBridge) {
        ruleIndex++;
        const e = event.eventBridge;
        rules.push({
          service: name,
          name: e.name ?? `${name}-${stage}-${key}-rule-${ruleIndex}`,
          functionName,
          busName: e.eventBus ? busNameOf(resolveString(e.eventBus, `eventBus of ${key}`)) : 'default',
          ...(e.pattern ? { pattern: resolve(e.pattern) as Record<string, unknown> } : {}),
          ...(e.schedule ? { schedule: String(e.schedule) } : {}),
          enabled: e.enabled !== false,
          ...(e.input !== undefined ? { input: resolve(e.input) } : {}),
          ...(e.retryPolicy ? { retryPolicy: e.retryPolicy } : {}),
          ...(e.deadLetterQueueArn
            ? { deadLetterArn: resolveString(e.deadLetterQueueArn, `deadLetterQueueArn of ${key}`) }
            : {}),
        });
      } else if (event.schedule) {
        const s = typeof event.schedule === 'string' ? { rate: [event.schedule] } : event.schedule;
        for (const rate of [s.rate].flat()) {
          scheduleIndex++;
          rules.push({
            service: name,
            name: s.name ?? `${name}-${stage}-${key}-schedule-${scheduleIndex}`,
            functionName,
            busName: 'default',
            schedule: String(rate),
            enabled: s.enabled !== false,
            ...(s.input !== undefined ? { input: resolve(s.input) } : {}),
          });
        }
      } else {
        throw new DefinitionError(
          `${name}.${key}: the local cloud does not run ${Object.keys(event).join(', ')} events`,
        );
      }
    }
  }

  const corsConfig = provider.httpApi?.cors;
  const cors: CorsWiring | undefined =
    corsConfig === true
      ? DEFAULT_CORS
      : corsConfig
        ? {
            allowedOrigins: (resolve(corsConfig.allowedOrigins) as string[] | undefined) ?? DEFAULT_CORS.allowedOrigins,
            allowedHeaders: corsConfig.allowedHeaders ?? DEFAULT_CORS.allowedHeaders,
            allowedMethods: corsConfig.allowedMethods ?? DEFAULT_CORS.allowedMethods,
            allowCredentials: Boolean(corsConfig.allowCredentials),
            exposedResponseHeaders: corsConfig.exposedResponseHeaders ?? [],
            ...(corsConfig.maxAge !== undefined ? { maxAge: Number(corsConfig.maxAge) } : {}),
          }
        : undefined;

  const tables: TableWiring[] = [];
  const buckets: BucketWiring[] = [];
  const queues: QueueWiring[] = [];
  const secrets: SecretWiring[] = [];
  const buses: { name: string; arn: string }[] = [];
  const distributions: DistributionWiring[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const properties = (resource.Properties ?? {}) as Record<string, any>;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        tables.push({ name: intrinsics.ref(logicalId), properties: resolve(properties) as Record<string, any> });
        break;
      case 'AWS::S3::Bucket':
        buckets.push({
          name: intrinsics.ref(logicalId),
          corsRules: (resolve(properties.CorsConfiguration?.CorsRules) as any[]) ?? [],
        });
        break;
      case 'AWS::SQS::Queue':
        queues.push({
          name: intrinsics.getAtt(logicalId, 'QueueName'),
          arn: intrinsics.getAtt(logicalId, 'Arn'),
          url: intrinsics.ref(logicalId),
        });
        break;
      case 'AWS::SecretsManager::Secret': {
        const secretName = resolveString(properties.Name, `Name of ${logicalId}`);
        secrets.push({
          name: secretName,
          arn: secretArn(env, secretName),
          ...(properties.Description ? { description: String(resolve(properties.Description)) } : {}),
          ...(properties.GenerateSecretString
            ? { generate: resolve(properties.GenerateSecretString) as Record<string, any> }
            : {}),
          ...(properties.SecretString !== undefined ? { secretString: String(resolve(properties.SecretString)) } : {}),
        });
        break;
      }
      case 'AWS::Events::EventBus':
        buses.push({ name: intrinsics.ref(logicalId), arn: intrinsics.getAtt(logicalId, 'Arn') });
        break;
      case 'AWS::CloudFront::Distribution':
        distributions.push(distributionWiring(name, logicalId, properties, resources, intrinsics));
        break;
    }
  }

  const outputs: Record<string, unknown> = {};
  const exported: Record<string, unknown> = {};
  for (const [outputName, output] of Object.entries(((config.resources ?? {}).Outputs ?? {}) as Record<string, any>)) {
    const value = resolve(output.Value);
    outputs[outputName] = value;
    if (output.Export?.Name) exported[String(resolve(output.Export.Name))] = value;
  }
  // Serverless adds this output to every stack with an HTTP API.
  if (routes.length > 0) outputs.HttpApiUrl = env.endpoints.api;

  return {
    name,
    dir,
    stage,
    functions,
    routes,
    rules,
    ...(cors ? { cors } : {}),
    tables,
    buckets,
    queues,
    secrets,
    buses,
    distributions,
    outputs,
    exports: exported,
  };
}

function splitHandler(handler: string, service: string, key: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new DefinitionError(`${service}.${key}: handler must look like src/handlers/file.export`);
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function parseHttpApiEvent(value: unknown, service: string, key: string): { method: string; path: string } {
  if (value === '*') return { method: '*', path: '*' };
  if (typeof value === 'string') {
    const match = /^(\S+)\s+(\S+)$/.exec(value.trim());
    if (!match) throw new DefinitionError(`${service}.${key}: httpApi event "${value}" must be "METHOD /path"`);
    return { method: match[1]!.toUpperCase(), path: match[2]! };
  }
  const event = value as { method?: string; path?: string };
  return { method: (event.method ?? '*').toUpperCase(), path: event.path ?? '*' };
}

/** An event bus given as an ARN is named by what follows `event-bus/`. */
export const busNameOf = (nameOrArn: string) =>
  nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf('/') + 1) : nameOrArn;

function distributionWiring(
  service: string,
  logicalId: string,
  properties: Record<string, any>,
  resources: Record<string, CloudResource>,
  intrinsics: IntrinsicResolver,
): DistributionWiring {
  const config = properties.DistributionConfig ?? {};
  const behavior = config.DefaultCacheBehavior ?? {};
  const origin = (config.Origins ?? []).find((o: any) => o.Id === behavior.TargetOriginId) ?? config.Origins?.[0];
  const originDomain = String(intrinsics.resolve(origin?.DomainName ?? ''));
  const bucket = /^(.+)\.s3[.-]/.exec(originDomain)?.[1];
  if (!bucket) throw new DefinitionError(`${service}: ${logicalId} must have an S3 bucket origin to run locally`);
  const association = (behavior.FunctionAssociations ?? []).find((a: any) => a.EventType === 'viewer-request');
  let viewerRequestFunction: DistributionWiring['viewerRequestFunction'];
  if (association) {
    const target = association.FunctionARN?.['Fn::GetAtt']?.[0] as string | undefined;
    const fnResource = target ? resources[target] : undefined;
    if (!fnResource || fnResource.Type !== 'AWS::CloudFront::Function') {
      throw new DefinitionError(
        `${service}: ${logicalId}'s viewer-request function must be an AWS::CloudFront::Function of the same stack`,
      );
    }
    viewerRequestFunction = {
      name: String(intrinsics.resolve(fnResource.Properties?.Name)),
      code: String(intrinsics.resolve(fnResource.Properties?.FunctionCode)),
    };
  }
  return {
    service,
    logicalId,
    id: intrinsics.ref(logicalId),
    endpointKey: distributionEndpointKey(logicalId),
    originBucket: bucket,
    ...(viewerRequestFunction ? { viewerRequestFunction } : {}),
    ...(behavior.ResponseHeadersPolicyId ? { responseHeadersPolicyId: String(behavior.ResponseHeadersPolicyId) } : {}),
  };
}
