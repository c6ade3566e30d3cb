import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadComposedServices } from '../definitions/compose';
import { distributionEndpointKey, loadService, type ServiceWiring } from '../definitions/service';
import { FaultInjector, type LocalFaults } from '../faults/injector';
import type { FaultOptions } from '../faults/options';
import type { LambdaRuntime } from '../lambda/runtime';
import type { Distribution } from '../servers/cloudfront';
import type { BusEnvelope, EventBridgeState } from '../servers/eventbridge';
import type { SecretsManagerState } from '../servers/secretsmanager';
import type { SqsState } from '../servers/sqs';
import { ACCOUNT_ID, CREDENTIALS, REGION, ROOT, STAGE } from './account';
import { Listeners, type RecordedCall } from './listeners';
import { lockStateDir } from './lock';
import { endpointEnv, portAssignment, type Endpoints } from './ports';
import { provision, type Provisioned } from './provision';
import { serveNoHandlers, startRuntime } from './lambda';
import { startStandIns, type StandIns } from './stand-ins';
import { wireFunctions } from './wiring';

export interface LocalCloudOptions {
  /** Compose keys of the services to provision (and run); the bus is always there. Default: all. */
  services?: string[] | 'all';
  /** Run the handlers: API routes, bus rules, schedules, retries and dead letters. Default true. */
  run?: boolean;
  /** 'random' for tests (port 0 everywhere); otherwise the contract's ports, shifted by portBase - 4700. */
  ports?: 'random' | 'default';
  portBase?: number;
  /** Where endpoints.json, secrets.json, logs/ and data/ live. Default `<repo>/.local`. */
  stateDir?: string;
  /** Keep tables, objects, secrets and dead letters in stateDir/data across restarts. */
  persist?: boolean;
  /** Waits between Lambda's asynchronous retries (AWS: about 1 and 2 minutes). */
  retryDelaysMs?: number[];
  /** Set the SDK's endpoint, region and credential variables in this process (tests, scripts). */
  setProcessEnv?: boolean;
  /** Run scheduled functions on their schedule (tests usually invoke them directly). */
  schedules?: boolean;
  /** Execution environments per function (default 4, sized for a 2-core machine), each one invocation at a time. */
  concurrency?: number;
  /**
   * Transient faults, as `npm run local -- --faults` sets them: the fraction of data-plane requests each stand-in
   * answers with the error AWS gives (`dynamodb`, `s3`, `ses`, `eventbridge`, `secretsmanager`, `sqs`), the
   * fraction of invocations stopped as timed out (`lambdaTimeout`), and a `seed`. Off by default.
   */
  faults?: FaultOptions;
  /**
   * Stage params per service (compose key -> name -> value), as `sls deploy --param` sets them: e.g. a test that must
   * reach the handlers with many requests raises the HTTP API's throttling.
   */
  params?: Record<string, Record<string, string | number>>;
  /** Keep every DynamoDB request with the function that made it (`dynamodbCalls()`): tests of least privilege. */
  recordCalls?: boolean;
  /**
   * Services outside serverless-compose.yml, by directory (test fixtures): loaded after the composed ones (their
   * exports visible), provisioned and run like the chosen services.
   */
  serviceDirs?: string[];
  /** The CloudFront edges' clock: a test moves it past a TTL instead of waiting. Default Date.now. */
  edgeClock?: () => number;
}

/**
 * An event the bus received, as `published()` lists it. Its detail is as loose as before the
 * package: the service tests read the fields of the detail-type they filtered for.
 */
export interface PublishedEvent extends Pick<BusEnvelope, 'id' | 'time' | 'source' | 'detail-type'> {
  detail: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- service tests read it untyped
}

export interface LocalCloud {
  endpoints: Endpoints;
  stateDir: string;
  services: ServiceWiring[];
  /** Secret name -> current value. */
  secrets: Record<string, string>;
  functionEnv(serviceKey: string, functionKey: string): Record<string, string>;
  /** The function's deployed name, e.g. charter-scc-local-onBookingEvent. */
  functionName(serviceKey: string, functionKey: string): string;
  /** Envelopes the bus received, newest last. */
  published(): PublishedEvent[];
  runtime?: LambdaRuntime;
  eventBridge: EventBridgeState;
  sqs: SqsState;
  secretsManager: SecretsManagerState;
  distributions: Map<string, Distribution>;
  /** Resolves once no invocation or retry is in flight. */
  idle(): Promise<void>;
  /** Requests each stand-in has served, by operation (`dynamodb:PutItem`, `s3:PUT object`...). */
  requestCounts(): Record<string, number>;
  /** With `recordCalls`: every DynamoDB request, the function that made it, its operation and input. */
  dynamodbCalls(): RecordedCall[];
  /** The faults asked for, the seed in use, and `injected()`: what was injected so far, by stand-in and error. */
  faults: LocalFaults;
  stop(): Promise<void>;
}

type LoadedService = ReturnType<typeof loadComposedServices>[number];

/**
 * Starts the local cloud: the stand-ins, the Lambda runtime with the HTTP API in front of it,
 * what the stacks define provisioned from their serverless.yml, and every function wired to
 * what invokes it. On failure everything started so far is stopped again.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  // `npm run test:unit` promises a run without the local cloud: a test that needs one says so in its name.
  if (process.env.CHARTER_UNIT_TESTS === '1') {
    throw new Error('This test starts the local cloud: name its file *.cloud.test.ts (npm run test:unit skips those).');
  }
  const stateDir = options.stateDir ?? join(ROOT, '.local');
  mkdirSync(stateDir, { recursive: true });
  const releaseLock = lockStateDir(stateDir);
  const listeners = new Listeners(portAssignment(options.ports, options.portBase));
  try {
    return await assemble(options, { stateDir, listeners, releaseLock });
  } catch (error) {
    await listeners.closeAll();
    releaseLock();
    throw error;
  }
}

interface Assembly {
  stateDir: string;
  listeners: Listeners;
  releaseLock: () => void;
}

async function assemble(
  options: LocalCloudOptions,
  { stateDir, listeners, releaseLock }: Assembly,
): Promise<LocalCloud> {
  const persist = options.persist ?? false;
  const faults = new FaultInjector(options.faults);
  const standIns = await startStandIns(listeners, { dataDir: resetStateDir(stateDir, persist), persist, faults });
  if (options.recordCalls) listeners.record('dynamodb');
  const baseEnv = sdkEnv();
  const handlers =
    options.run === false
      ? undefined
      : await startRuntime(listeners, standIns.sqs, {
          baseEnv,
          stateDir,
          retryDelaysMs: options.retryDelaysMs ?? [1000, 2000],
          ...(options.concurrency ? { concurrency: options.concurrency } : {}),
          faults,
        });
  if (!handlers) await serveNoHandlers(listeners);
  // Every endpoint now listens: functions started from here on, and this process if asked, find them.
  Object.assign(baseEnv, endpointEnv(listeners.endpoints));
  if (options.setProcessEnv ?? true) Object.assign(process.env, baseEnv);

  const loaded = loadServices(listeners.endpoints, options.params);
  const chosen = [
    ...chooseServices(loaded, options.services).map((s) => s.wiring),
    ...extraServices(options.serviceDirs ?? [], listeners.endpoints, loaded),
  ];
  const provisioned = await provision(chosen, standIns, listeners.endpoints, stateDir, options.edgeClock);
  writeFileSync(join(stateDir, 'endpoints.json'), `${JSON.stringify(listeners.endpoints, null, 2)}\n`);
  const wiring = { stateDir, schedules: options.schedules ?? true };
  const timers = handlers
    ? await wireFunctions(chosen, { ...handlers, eventBridge: standIns.eventBridge }, wiring)
    : [];
  const stop = async () => {
    timers.forEach(clearInterval);
    await handlers?.runtime.stop();
    await listeners.closeAll();
    provisioned.s3.destroy();
    // Tools that read endpoints.json (dlq, rotate) should find no cloud, not a dead one.
    rmSync(join(stateDir, 'endpoints.json'), { force: true });
    releaseLock();
  };
  const runtime = handlers?.runtime;
  return describeCloud({ stateDir, listeners, standIns, provisioned, loaded, chosen, runtime, faults, stop });
}

/** A fresh start forgets the last run's state and logs; persist keeps both. Returns the data directory. */
function resetStateDir(stateDir: string, persist: boolean): string {
  const dataDir = join(stateDir, 'data');
  const logsDir = join(stateDir, 'logs');
  if (!persist) for (const dir of [dataDir, logsDir]) rmSync(dir, { recursive: true, force: true });
  for (const dir of [dataDir, logsDir, join(dataDir, 's3'), join(dataDir, 'dynamodb')])
    mkdirSync(dir, { recursive: true });
  return dataDir;
}

/** What every function's environment (and, for tests and scripts, this process) needs to reach the stand-ins. */
function sdkEnv(): Record<string, string> {
  return {
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ACCOUNT_ID: ACCOUNT_ID,
    // Local endpoints are plain HTTP on 127.0.0.1; the SDK must not try IMDS or profiles.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_LOAD_CONFIG: '0',
  };
}

function loadServices(endpoints: Endpoints, params: LocalCloudOptions['params']): LoadedService[] {
  return loadComposedServices(ROOT, {
    stage: STAGE,
    region: REGION,
    accountId: ACCOUNT_ID,
    env: {},
    local: { endpoints, distributionEndpoint: distributionEndpointKey },
    ...(params ? { params } : {}),
  });
}

/** Services read from their own directories, with the composed services' exports. */
function extraServices(dirs: string[], endpoints: Endpoints, loaded: LoadedService[]): ServiceWiring[] {
  const exports = new Map(loaded.flatMap((s) => Object.entries(s.wiring.exports)));
  return dirs.map((dir) =>
    loadService(dir, {
      stage: STAGE,
      region: REGION,
      accountId: ACCOUNT_ID,
      params: {},
      env: {},
      local: { endpoints, distributionEndpoint: distributionEndpointKey, exports },
    }),
  );
}

/** The services asked for, and the bus they all publish on; a key compose does not know is an error. */
function chooseServices(loaded: LoadedService[], services: LocalCloudOptions['services']): LoadedService[] {
  if (services === undefined || services === 'all') return loaded;
  const wanted = new Set(['bus', ...services]);
  for (const key of wanted)
    if (!loaded.some((s) => s.key === key)) throw new Error(`serverless-compose.yml has no service ${key}`);
  return loaded.filter((s) => wanted.has(s.key));
}

interface CloudParts {
  stateDir: string;
  listeners: Listeners;
  standIns: StandIns;
  provisioned: Provisioned;
  loaded: LoadedService[];
  chosen: ServiceWiring[];
  runtime: LambdaRuntime | undefined;
  faults: LocalFaults;
  stop: () => Promise<void>;
}

/** The handle a test, the CLI or the benchmark holds; functionEnv/functionName know every service, even unchosen. */
function describeCloud({
  stateDir,
  listeners,
  standIns,
  provisioned,
  loaded,
  chosen,
  runtime,
  faults,
  stop,
}: CloudParts): LocalCloud {
  const functionOf = (serviceKey: string, functionKey: string) => {
    const service = loaded.find((s) => s.key === serviceKey);
    if (!service) throw new Error(`No service ${serviceKey}`);
    const fn = service.wiring.functions.find((f) => f.key === functionKey);
    if (!fn) throw new Error(`Service ${serviceKey} has no function ${functionKey}`);
    return fn;
  };
  const { eventBridge, sqs, secretsManager, distributions } = standIns;
  return {
    endpoints: listeners.endpoints,
    stateDir,
    services: chosen,
    secrets: provisioned.secrets,
    functionEnv: (s, f) => ({ ...functionOf(s, f).environment }),
    functionName: (s, f) => functionOf(s, f).name,
    published: () =>
      eventBridge.received.map((e) => ({
        id: e.id,
        time: e.time,
        source: e.source,
        'detail-type': e['detail-type'],
        detail: e.detail,
      })),
    ...(runtime ? { runtime } : {}),
    eventBridge,
    sqs,
    secretsManager,
    distributions,
    idle: () => runtime?.idle() ?? Promise.resolve(),
    requestCounts: () => listeners.requestCounts(),
    dynamodbCalls: () => {
      // The app id starts with the function's name (the runtime sets it); the longest name it starts with is it.
      const names = loaded.flatMap((s) => s.wiring.functions.map((f) => f.name)).sort((a, b) => b.length - a.length);
      return listeners.calls('dynamodb').map((call) => {
        const name = names.find((n) => call.appId === n || call.appId?.startsWith(`${n}-`));
        return name ? { ...call, functionName: name } : call;
      });
    },
    faults,
    stop,
  };
}
