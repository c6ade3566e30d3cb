import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBridgeEventConfig, FunctionConfig, HttpApiCorsConfig, ServerlessConfig } from './serverless-config';
import {
  busNameOf,
  DefinitionError,
  functionLogicalId,
  type CorsWiring,
  type FunctionWiring,
  type RouteThrottle,
  type RouteWiring,
  type RuleWiring,
  type StackReader,
} from './service';

/** Every function of the stack, and the routes and rules that invoke it. */
export function functionWirings(
  config: ServerlessConfig,
  stack: StackReader,
): { functions: FunctionWiring[]; routes: RouteWiring[]; rules: RuleWiring[] } {
  const functions: FunctionWiring[] = [];
  const routes: RouteWiring[] = [];
  const rules: RuleWiring[] = [];
  const throttling = stageThrottling(config, stack);
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    const wiring = functionWiring(key, fn, config, stack);
    functions.push(wiring);
    const invokers = eventWirings(key, fn, wiring.name, stack);
    routes.push(...invokers.routes.map((route) => withThrottle(route, throttling)));
    rules.push(...invokers.rules);
  }
  // API Gateway refuses RouteSettings for a route the API does not have (the deploy fails): so does the local cloud.
  for (const routeKey of Object.keys(throttling.routes)) {
    if (!routes.some((route) => route.routeKey === routeKey))
      throw new DefinitionError(
        `${stack.name}: HttpApiStage RouteSettings name ${routeKey}, which is not a route of it`,
      );
  }
  return { functions, routes, rules };
}

interface StageThrottling {
  defaults?: RouteThrottle;
  routes: Record<string, RouteThrottle>;
}

/**
 * The HTTP API stage's throttling, as the service sets it on the stage Serverless generates (`resources.extensions.
 * HttpApiStage.Properties`): DefaultRouteSettings for every route, RouteSettings by route key.
 */
function stageThrottling(config: ServerlessConfig, stack: StackReader): StageThrottling {
  const properties = stack.resolve(config.resources?.extensions?.HttpApiStage?.Properties ?? {}) as {
    DefaultRouteSettings?: unknown;
    RouteSettings?: Record<string, unknown>;
  };
  const throttleOf = (settings: unknown, what: string): RouteThrottle | undefined => {
    const { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst } = (settings ?? {}) as Record<string, unknown>;
    if (rate === undefined && burst === undefined) return undefined;
    const [rateLimit, burstLimit] = [Number(rate), Number(burst)];
    if (!(rateLimit >= 0) || !(burstLimit >= 0) || !Number.isInteger(burstLimit))
      throw new DefinitionError(`${stack.name}: ${what} needs ThrottlingRateLimit and ThrottlingBurstLimit (>= 0)`);
    return { rateLimit, burstLimit };
  };
  const defaults = throttleOf(properties.DefaultRouteSettings, 'DefaultRouteSettings');
  const routes: Record<string, RouteThrottle> = {};
  for (const [routeKey, settings] of Object.entries(properties.RouteSettings ?? {})) {
    const throttle = throttleOf(settings, `RouteSettings of ${routeKey}`);
    if (throttle) routes[routeKey] = throttle;
  }
  return { ...(defaults ? { defaults } : {}), routes };
}

function withThrottle(route: RouteWiring, throttling: StageThrottling): RouteWiring {
  const throttle = throttling.routes[route.routeKey] ?? throttling.defaults;
  return throttle ? { ...route, throttle } : route;
}

function functionWiring(key: string, fn: FunctionConfig, config: ServerlessConfig, stack: StackReader): FunctionWiring {
  const { name: service, stage, region, accountId, dir } = stack;
  const provider = config.provider ?? {};
  const functionName = fn.name ?? `${service}-${stage}-${key}`;
  const [handlerPath, handlerExport] = splitHandler(String(fn.handler), service, key);
  const handlerFile = ['.ts', '.js'].map((ext) => join(dir, `${handlerPath}${ext}`)).find(existsSync);
  if (!handlerFile) throw new DefinitionError(`${service}.${key}: handler file ${handlerPath}.ts does not exist`);
  const environment: Record<string, string> = {};
  for (const [variable, value] of Object.entries({ ...(provider.environment ?? {}), ...(fn.environment ?? {}) })) {
    environment[variable] = stack.resolveString(value, `environment ${variable} of ${key}`);
  }
  const onFailure = fn.destinations?.onFailure;
  return {
    service,
    key,
    name: functionName,
    logicalId: functionLogicalId(key),
    arn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    handlerFile,
    handlerExport,
    environment,
    timeoutSeconds: Number(fn.timeout ?? provider.timeout ?? 6),
    memorySize: Number(fn.memorySize ?? provider.memorySize ?? 1024),
    maximumRetryAttempts: Number(fn.maximumRetryAttempts ?? 2),
    maximumEventAgeSeconds: Number(fn.maximumEventAge ?? 21600),
    ...(fn.reservedConcurrency !== undefined ? { reservedConcurrency: Number(fn.reservedConcurrency) } : {}),
    ...(onFailure
      ? {
          onFailureArn: stack.resolveString(
            typeof onFailure === 'string' ? onFailure : onFailure.arn,
            `destinations.onFailure of ${key}`,
          ),
        }
      : {}),
  };
}

/** The function's httpApi, eventBridge and schedule events, named as Serverless names them. */
function eventWirings(
  key: string,
  fn: FunctionConfig,
  functionName: string,
  stack: StackReader,
): { routes: RouteWiring[]; rules: RuleWiring[] } {
  const { name: service, stage } = stack;
  const routes: RouteWiring[] = [];
  const rules: RuleWiring[] = [];
  let ruleIndex = 0;
  let scheduleIndex = 0;
  for (const event of fn.events ?? []) {
    if (event.httpApi !== undefined) {
      const { method, path } = parseHttpApiEvent(event.httpApi, service, key);
      routes.push({ service, routeKey: path === '*' ? '$default' : `${method} ${path}`, method, path, functionName });
    } else if (event.eventBridge) {
      ruleIndex++;
      const name = event.eventBridge.name ?? `${service}-${stage}-${key}-rule-${ruleIndex}`;
      rules.push(eventBridgeRule(event.eventBridge, { service, name, functionName }, key, stack));
    } else if (event.schedule) {
      const s = typeof event.schedule === 'string' ? { rate: [event.schedule] } : event.schedule;
      for (const rate of [s.rate].flat()) {
        scheduleIndex++;
        rules.push({
          service,
          name: s.name ?? `${service}-${stage}-${key}-schedule-${scheduleIndex}`,
          functionName,
          busName: 'default',
          schedule: String(rate),
          enabled: s.enabled !== false,
          ...(s.input !== undefined ? { input: stack.resolve(s.input) } : {}),
        });
      }
    } else {
      throw new DefinitionError(
        `${service}.${key}: the local cloud does not run ${Object.keys(event).join(', ')} events`,
      );
    }
  }
  return { routes, rules };
}

function eventBridgeRule(
  e: EventBridgeEventConfig,
  rule: Pick<RuleWiring, 'service' | 'name' | 'functionName'>,
  key: string,
  stack: StackReader,
): RuleWiring {
  return {
    ...rule,
    busName: e.eventBus ? busNameOf(stack.resolveString(e.eventBus, `eventBus of ${key}`)) : 'default',
    ...(e.pattern ? { pattern: stack.resolve(e.pattern) as Record<string, unknown> } : {}),
    ...(e.schedule ? { schedule: String(e.schedule) } : {}),
    enabled: e.enabled !== false,
    ...(e.input !== undefined ? { input: stack.resolve(e.input) } : {}),
    ...(e.retryPolicy ? { retryPolicy: e.retryPolicy } : {}),
    ...(e.deadLetterQueueArn
      ? { deadLetterArn: stack.resolveString(e.deadLetterQueueArn, `deadLetterQueueArn of ${key}`) }
      : {}),
  };
}

function splitHandler(handler: string, service: string, key: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new DefinitionError(`${service}.${key}: handler must look like src/handlers/file.export`);
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function parseHttpApiEvent(
  value: NonNullable<FunctionConfig['events']>[number]['httpApi'],
  service: string,
  key: string,
): { method: string; path: string } {
  if (value === '*') return { method: '*', path: '*' };
  if (typeof value === 'string') {
    const match = /^(\S+)\s+(\S+)$/.exec(value.trim());
    if (!match) throw new DefinitionError(`${service}.${key}: httpApi event "${value}" must be "METHOD /path"`);
    return { method: match[1]!.toUpperCase(), path: match[2]! };
  }
  return { method: (value?.method ?? '*').toUpperCase(), path: value?.path ?? '*' };
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

/** What API Gateway answers a CORS request with, from `provider.httpApi.cors`. */
export function httpApiCors(cors: boolean | HttpApiCorsConfig | undefined, stack: StackReader): CorsWiring | undefined {
  if (cors === true) return DEFAULT_CORS;
  if (!cors) return undefined;
  return {
    allowedOrigins: (stack.resolve(cors.allowedOrigins) as string[] | undefined) ?? DEFAULT_CORS.allowedOrigins,
    allowedHeaders: cors.allowedHeaders ?? DEFAULT_CORS.allowedHeaders,
    allowedMethods: cors.allowedMethods ?? DEFAULT_CORS.allowedMethods,
    allowCredentials: Boolean(cors.allowCredentials),
    exposedResponseHeaders: cors.exposedResponseHeaders ?? [],
    ...(cors.maxAge !== undefined ? { maxAge: Number(cors.maxAge) } : {}),
  };
}
