import type { CloudResource, StackOutput } from './cloudformation';

/**
 * serverless.yml as the local cloud reads it (Serverless Framework v3), after its variables are
 * resolved: the parts that say what runs and what invokes it. Anything else is ignored.
 */
export interface ServerlessConfig {
  service: string;
  provider?: {
    environment?: Record<string, unknown>;
    timeout?: number;
    memorySize?: number;
    httpApi?: { cors?: boolean | HttpApiCorsConfig };
  };
  functions?: Record<string, FunctionConfig>;
  resources?: {
    Resources?: Record<string, CloudResource>;
    Outputs?: Record<string, StackOutput>;
    /** Attributes merged into resources Serverless generates (`HttpApiStage`: the HTTP API's throttling). */
    extensions?: Record<string, { Properties?: Record<string, unknown> } | undefined>;
  };
  params?: Record<string, Record<string, unknown> | undefined>;
  /** `siteUploads` is read (the site-uploads deploy plugin's files); the rest is the plugins' own. */
  custom?: { siteUploads?: unknown } & Record<string, unknown>;
}

export interface HttpApiCorsConfig {
  allowedOrigins?: unknown;
  allowedHeaders?: string[];
  allowedMethods?: string[];
  allowCredentials?: boolean;
  exposedResponseHeaders?: string[];
  maxAge?: number;
}

export interface FunctionConfig {
  handler: string;
  name?: string;
  environment?: Record<string, unknown>;
  timeout?: number;
  memorySize?: number;
  maximumRetryAttempts?: number;
  maximumEventAge?: number;
  /** ReservedConcurrentExecutions: the environments the function may hold at most (and is guaranteed). */
  reservedConcurrency?: number;
  /** An ARN, or Serverless's `{ type, arn }` form. */
  destinations?: { onFailure?: string | { type?: string; arn?: unknown } };
  events?: FunctionEvent[];
}

/** One entry of a function's `events`; the local cloud runs these three kinds. */
export interface FunctionEvent {
  httpApi?: string | { method?: string; path?: string };
  eventBridge?: EventBridgeEventConfig;
  schedule?: string | ScheduleEventConfig;
}

export interface EventBridgeEventConfig {
  name?: string;
  eventBus?: unknown;
  pattern?: unknown;
  schedule?: string;
  enabled?: boolean;
  input?: unknown;
  retryPolicy?: { maximumRetryAttempts?: number; maximumEventAge?: number };
  deadLetterQueueArn?: unknown;
}

export interface ScheduleEventConfig {
  rate: string | string[];
  name?: string;
  enabled?: boolean;
  input?: unknown;
}
