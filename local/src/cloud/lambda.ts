import { join } from 'node:path';
import { invokeApiHandler } from '../lambda/invoke-api';
import type { FaultInjector } from '../faults/injector';
import { LambdaRuntime, type FailureRecord, type TimeoutFaults } from '../lambda/runtime';
import { HttpApi } from '../servers/http-api';
import type { SqsState } from '../servers/sqs';
import { ACCOUNT_ID } from './account';
import type { Listeners } from './listeners';

export interface RuntimeOptions {
  /** The environment every function gets besides its own; read when an environment starts, so it may still grow. */
  baseEnv: Record<string, string>;
  stateDir: string;
  retryDelaysMs: number[];
  concurrency?: number;
  faults: FaultInjector;
}

/**
 * The Lambda runtime, with API Gateway and Lambda's Invoke API in front of it. A function whose
 * asynchronous retries are spent goes to its onFailure queue, as Lambda's destination sends it.
 */
export async function startRuntime(
  listeners: Listeners,
  sqs: SqsState,
  options: RuntimeOptions,
): Promise<{ runtime: LambdaRuntime; httpApi: HttpApi }> {
  const runtime = new LambdaRuntime({
    baseEnv: options.baseEnv,
    logsDir: join(options.stateDir, 'logs'),
    retryDelaysMs: options.retryDelaysMs,
    ...(options.concurrency ? { maxConcurrency: options.concurrency } : {}),
    ...(options.faults.rate('lambda') > 0 ? { timeoutFaults: timeoutFaults(options.faults) } : {}),
    onFailure: (arn: string, record: FailureRecord) => {
      sqs.send(sqs.url(arn.split(':').pop()!), JSON.stringify(record));
      return Promise.resolve();
    },
  });
  const httpApi = new HttpApi(runtime, { accountId: ACCOUNT_ID, apiId: 'local', domainName: '127.0.0.1' });
  await listeners.serve('api', httpApi.handler());
  await listeners.serve('lambda', invokeApiHandler(runtime));
  return { runtime, httpApi };
}

/** Without handlers the API answers that it has none, and there is no Invoke API. */
export async function serveNoHandlers(listeners: Listeners): Promise<void> {
  await listeners.serve('api', (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'The local cloud was started without handlers (run: false)' }));
  });
  listeners.endpoints.lambda = '';
}

/** `lambda-timeout`: a chosen invocation is stopped somewhere in its usual run, or just after it (a quarter over). */
function timeoutFaults(faults: FaultInjector): TimeoutFaults {
  return {
    draw: () => {
      const rolls = faults.draw('lambda');
      return rolls ? rolls[0] * 1.25 : undefined;
    },
    record: (kind) => faults.record('lambda', kind),
  };
}
