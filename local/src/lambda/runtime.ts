import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { FunctionWiring } from '../definitions/service';

export interface InvocationError {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

export type InvocationResult = { ok: true; result: unknown } | { ok: false; error: InvocationError };

/** The record Lambda's onFailure destination writes for an asynchronous invocation. */
export interface FailureRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetriesExhausted' | 'EventAgeExceeded';
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError: 'Unhandled' };
  responsePayload: InvocationError;
}

export interface RuntimeOptions {
  /** Environment every function gets besides its own (endpoints, region, credentials). */
  baseEnv: Record<string, string>;
  logsDir: string;
  /** Waits between asynchronous retries. Lambda waits about 1 and 2 minutes; locally shorter. */
  retryDelaysMs: number[];
  /** Where an asynchronous invocation goes when its retries are spent (an SQS queue ARN). */
  onFailure: (arn: string, record: FailureRecord) => Promise<void>;
  /** Execution environments per function (Lambda's concurrency), each running one invocation at a time. Default 4. */
  maxConcurrency?: number;
  /** With `--faults lambda-timeout=<p>`: which invocations are stopped as timed out, and where. */
  timeoutFaults?: TimeoutFaults;
}

/** Invocations chosen to time out, as `lambda-timeout` injects them. */
export interface TimeoutFaults {
  /** For an invocation chosen to time out: how far into the function's usual run to stop it (0-1.25). */
  draw(): number | undefined;
  /** Counted when the environment is stopped: mid-run, or after the handler's last effect (its answer withheld). */
  record(kind: 'Sandbox.Timedout' | 'Sandbox.Timedout:after-return'): void;
}

/** How long a function's invocation usually takes before any has been measured. */
const USUAL_RUN_MS = 250;

/** One Lambda execution environment and the invocation it is running, if any. */
interface Environment {
  worker: Worker;
  busy: boolean;
  current?: { id: string; started: () => void; resolve: (result: InvocationResult) => void };
}

/**
 * One warm execution environment per function, started on first use (a cold start), running
 * the function's bundle in a worker thread so each function sees only its own environment.
 * Synchronous invocations answer with the result; asynchronous ones retry as Lambda does
 * (`maximumRetryAttempts`, default 2, with backoff) and then go to the onFailure destination.
 */
export class LambdaRuntime {
  private readonly functions = new Map<string, { wiring: FunctionWiring; bundle: string }>();
  private readonly pools = new Map<string, Environment[]>();
  private readonly waiting = new Map<string, Array<(environment: Environment) => void>>();
  private readonly maxConcurrency: number;
  private readonly logs = new Map<string, WriteStream>();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  readonly stats = { invocations: 0, errors: 0, retries: 0, deadLettered: 0 };
  /** The latest invocations, oldest first, for tests and for `npm start` to say what ran. */
  /** Every invocation's outcome; a failed one keeps its error (`errorType: errorMessage`) so a test can say why. */
  readonly history: Array<{
    functionName: string;
    requestId: string;
    event: unknown;
    ok: boolean;
    at: number;
    error?: string;
  }> = [];
  private readonly historyLimit = 10_000;
  /** Each function's usual run (a moving average of its successful invocations), where a timeout fault aims. */
  private readonly usualRunMs = new Map<string, number>();

  constructor(private readonly options: RuntimeOptions) {
    mkdirSync(options.logsDir, { recursive: true });
    this.maxConcurrency = options.maxConcurrency ?? 4;
  }

  register(wiring: FunctionWiring, bundle: string): void {
    this.functions.set(wiring.name, { wiring, bundle });
  }

  names(): string[] {
    return [...this.functions.keys()];
  }

  wiring(name: string): FunctionWiring {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`Function not found: ${name}`);
    return fn.wiring;
  }

  private log(service: string): WriteStream {
    let stream = this.logs.get(service);
    if (!stream) {
      stream = createWriteStream(join(this.options.logsDir, `${service}.log`), { flags: 'a' });
      this.logs.set(service, stream);
    }
    return stream;
  }

  /** One JSON line in the service's log, as Powertools would write it. */
  private logEntry(service: string, entry: Record<string, unknown>): void {
    this.log(service).write(`${JSON.stringify(entry)}\n`);
  }

  private pipeLines(input: Readable, wiring: FunctionWiring, level: string): void {
    createInterface({ input }).on('line', (line) => {
      if (!line.trim()) return;
      // Powertools writes JSON lines; anything else (a runtime warning) is wrapped so every line is JSON.
      if (line.startsWith('{') && line.endsWith('}')) this.log(wiring.service).write(`${line}\n`);
      else {
        const timestamp = new Date().toISOString();
        this.logEntry(wiring.service, {
          level,
          message: line,
          service: wiring.service,
          function_name: wiring.name,
          timestamp,
        });
      }
    });
  }

  /** Starts one execution environment for the function: its bundle in a worker with its own environment variables. */
  private spawn(name: string): Environment {
    const { wiring, bundle } = this.functions.get(name)!;
    const worker = new Worker(join(__dirname, 'worker.cjs'), {
      workerData: { bundle, exportName: wiring.handlerExport, functionName: wiring.name },
      env: {
        ...this.options.baseEnv,
        ...wiring.environment,
        AWS_LAMBDA_FUNCTION_NAME: wiring.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(wiring.memorySize),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${wiring.name}`,
        // The SDK puts `app/<this>` in each request's User-Agent: how a stand-in tells which function called it.
        AWS_SDK_UA_APP_ID: wiring.name,
      },
      stdout: true,
      stderr: true,
    });
    const environment: Environment = { worker, busy: true };
    this.pipeLines(worker.stdout, wiring, 'INFO');
    this.pipeLines(worker.stderr, wiring, 'WARN');
    worker.on('message', (message: ({ id: string } & InvocationResult) | { id: string; started: true }) => {
      const current = environment.current;
      if (!current || current.id !== message.id) return;
      if ('started' in message) return current.started();
      environment.current = undefined;
      current.resolve(message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error });
    });
    worker.on('error', (error) => {
      // The environment crashed (a failing import, say): its invocation fails, the next one gets a fresh environment.
      void this.discard(name, environment, { errorType: error.name, errorMessage: error.message });
    });
    worker.unref();
    return environment;
  }

  /**
   * An environment runs one invocation at a time, as Lambda's do: a free one is reused (warm),
   * else a new one starts (cold), up to the function's concurrency; beyond it invocations wait.
   */
  private acquire(name: string): Promise<Environment> {
    const pool = this.pools.get(name) ?? [];
    this.pools.set(name, pool);
    const free = pool.find((e) => !e.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    // A function's reserved concurrency caps its environments here too (beyond it, invocations wait their turn; in
    // AWS a synchronous one is throttled and an asynchronous one queued).
    const reserved = this.functions.get(name)?.wiring.reservedConcurrency ?? Infinity;
    if (pool.length < Math.min(this.maxConcurrency, reserved)) {
      const environment = this.spawn(name);
      pool.push(environment);
      return Promise.resolve(environment);
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(name) ?? [];
      queue.push(resolve);
      this.waiting.set(name, queue);
    });
  }

  private release(name: string, environment: Environment): void {
    const next = this.waiting.get(name)?.shift();
    if (next) next(environment);
    else environment.busy = false;
  }

  /**
   * Ends an environment (crash, timeout, cold start); a waiting invocation gets a fresh one.
   * Resolves once its worker has exited.
   */
  private async discard(name: string, environment: Environment, error: InvocationError): Promise<void> {
    const pool = this.pools.get(name) ?? [];
    const index = pool.indexOf(environment);
    if (index === -1) return;
    pool.splice(index, 1);
    const exited = environment.worker.terminate();
    const current = environment.current;
    environment.current = undefined;
    current?.resolve({ ok: false, error });
    const next = this.waiting.get(name)?.shift();
    if (next) {
      const fresh = this.spawn(name);
      pool.push(fresh);
      next(fresh);
    }
    await exited;
  }

  /** A synchronous invocation (API Gateway, or Invoke with RequestResponse). */
  async invoke(name: string, event: unknown, requestId = randomUUID()): Promise<InvocationResult> {
    const { wiring } = this.functions.get(name) ?? {};
    if (!wiring)
      return {
        ok: false,
        error: { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${name}` },
      };
    this.inFlight++;
    this.stats.invocations++;
    try {
      const environment = await this.acquire(name);
      const id = randomUUID();
      const timeoutMs = wiring.timeoutSeconds * 1000;
      const cut = this.options.timeoutFaults?.draw();
      const timedOut: InvocationResult = {
        ok: false,
        error: {
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${wiring.timeoutSeconds.toFixed(2)} seconds`,
        },
      };
      let handlerStartedAt: number | undefined;
      let returned = false;
      const result = await new Promise<InvocationResult>((resolve) => {
        const timers: NodeJS.Timeout[] = [];
        const stop = () => {
          timers.forEach(clearTimeout);
          if (cut !== undefined)
            this.options.timeoutFaults!.record(returned ? 'Sandbox.Timedout:after-return' : 'Sandbox.Timedout');
          // Lambda stops a timed-out environment; its work must not go on behind the caller's back.
          void this.discard(name, environment, timedOut.error);
          resolve(timedOut);
        };
        const stopAfter = (ms: number) => {
          const timer = setTimeout(stop, ms);
          timer.unref();
          timers.push(timer);
        };
        stopAfter(timeoutMs);
        environment.current = {
          id,
          started: () => {
            handlerStartedAt = Date.now();
            // A timeout fault stops the handler part of the way through the function's usual run, as if its time
            // ran out there: what it wrote so far stays written, the rest never happens.
            if (cut !== undefined)
              stopAfter(Math.max(1, Math.round(cut * (this.usualRunMs.get(name) ?? USUAL_RUN_MS))));
          },
          resolve: (r) => {
            // Under a timeout fault the handler's own answer is withheld: the stop ends the invocation.
            if (cut !== undefined && r.ok) {
              returned = true;
              return;
            }
            timers.forEach(clearTimeout);
            resolve(r);
          },
        };
        environment.worker.postMessage({
          id,
          event,
          context: {
            functionName: wiring.name,
            invokedFunctionArn: wiring.arn,
            memoryLimitInMB: wiring.memorySize,
            awsRequestId: requestId,
            logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
            timeoutMs,
          },
        });
      });
      if (result.ok && handlerStartedAt !== undefined) {
        const took = Date.now() - handlerStartedAt;
        this.usualRunMs.set(name, Math.round(0.8 * (this.usualRunMs.get(name) ?? took) + 0.2 * took));
      }
      if ((this.pools.get(name) ?? []).includes(environment)) this.release(name, environment);
      if (!result.ok) this.stats.errors++;
      const error = result.ok ? {} : { error: `${result.error.errorType}: ${result.error.errorMessage}` };
      this.history.push({ functionName: name, requestId, event, ok: result.ok, at: Date.now(), ...error });
      if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
      return result;
    } finally {
      this.settle();
    }
  }

  /**
   * An asynchronous invocation (a bus rule, a schedule, Invoke with Event): the same request id
   * on every attempt, as Lambda keeps it, so a handler's idempotency sees one request retried.
   */
  invokeAsync(name: string, event: unknown): void {
    const { wiring } = this.functions.get(name) ?? {};
    if (!wiring) throw new Error(`Function not found: ${name}`);
    const requestId = randomUUID();
    const firstAttemptAt = Date.now();
    this.inFlight++;
    const attempt = async (count: number): Promise<void> => {
      if (this.stopped) return;
      const result = await this.invoke(name, event, requestId);
      if (result.ok) return;
      const ageExceeded = Date.now() - firstAttemptAt > wiring.maximumEventAgeSeconds * 1000;
      if (count <= wiring.maximumRetryAttempts && !ageExceeded) {
        this.stats.retries++;
        await sleep(this.options.retryDelaysMs[count - 1] ?? this.options.retryDelaysMs.at(-1) ?? 1000);
        return attempt(count + 1);
      }
      if (!wiring.onFailureArn) {
        // Lambda drops such an event; say so where the operator looks.
        this.logEntry(wiring.service, {
          level: 'ERROR',
          message: 'asynchronous invocation failed after its retries and has no onFailure destination: event dropped',
          function_name: name,
          request_id: requestId,
          error: result.error,
          timestamp: new Date().toISOString(),
        });
      } else {
        this.stats.deadLettered++;
        await this.options.onFailure(wiring.onFailureArn, {
          version: '1.0',
          timestamp: new Date().toISOString(),
          requestContext: {
            requestId,
            functionArn: `${wiring.arn}:$LATEST`,
            condition: ageExceeded ? 'EventAgeExceeded' : 'RetriesExhausted',
            approximateInvokeCount: count,
          },
          requestPayload: event,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: result.error,
        });
      }
    };
    void attempt(1)
      .catch((error) =>
        this.logEntry(wiring.service, {
          level: 'ERROR',
          message: 'async invocation lost',
          error: String(error),
          function_name: name,
        }),
      )
      .finally(() => this.settle());
  }

  private settle(): void {
    this.inFlight--;
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  /** Resolves when no invocation (nor a retry waiting its turn) is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends every environment, so the next invocation of each function is a cold start. */
  async coldStart(): Promise<void> {
    const all = [...this.pools.entries()].flatMap(([name, pool]) =>
      pool.map((environment) => [name, environment] as const),
    );
    const stopped = { errorType: 'Runtime.Stopped', errorMessage: 'the execution environment was stopped' };
    await Promise.all(all.map(([name, environment]) => this.discard(name, environment, stopped)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.coldStart();
    await Promise.all([...this.logs.values()].map((s) => new Promise((r) => s.end(r))));
    this.logs.clear();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
