import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { loadComposedServices } from './definitions/compose';
import { distributionEndpointKey, type ServiceWiring } from './definitions/service';
import { invokeApiHandler } from './lambda/invoke-api';
import { LambdaRuntime, type FailureRecord } from './lambda/runtime';
import { close, listen } from './servers/aws-json';
import { cloudFrontApiHandler, Distribution } from './servers/cloudfront';
import { EventBridgeState, eventBridgeHandler, type BusEnvelope } from './servers/eventbridge';
import { HttpApi } from './servers/http-api';
import { SecretsManagerState, secretsManagerHandler } from './servers/secretsmanager';
import { SqsState, sqsHandler } from './servers/sqs';
import { parseSchedule } from './schedule';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  configureBuckets(): Promise<void>;
  reset(): void;
};

export const ROOT = resolve(__dirname, '..', '..');
export const STAGE = 'local';
export const REGION = 'us-west-2';
export const ACCOUNT_ID = '000000000000';
/** s3rver's default key pair; every local endpoint accepts it, and s3rver verifies SigV4 with it. */
export const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The ports of ../shared/ARCHITECTURE.md ("The local cloud"), plus SQS and Lambda's Invoke API. */
export const DEFAULT_PORTS = {
  api: 4700,
  guestSite: 4701,
  calendarSite: 4702,
  eventbridge: 4703,
  dynamodb: 4704,
  s3: 4705,
  ses: 4706,
  secretsmanager: 4707,
  cloudfront: 4708,
  sqs: 4709,
  lambda: 4710,
} as const;
export type EndpointKey = keyof typeof DEFAULT_PORTS;
export type Endpoints = Record<EndpointKey, string>;

/** The SDK's per-service endpoint variables: a handler finds the local cloud only through these. */
export const ENDPOINT_ENV: Partial<Record<EndpointKey, string>> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  s3: 'AWS_ENDPOINT_URL_S3',
  ses: 'AWS_ENDPOINT_URL_SESV2',
  secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  eventbridge: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
  cloudfront: 'AWS_ENDPOINT_URL_CLOUDFRONT',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  lambda: 'AWS_ENDPOINT_URL_LAMBDA',
};

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
  /** Execution environments per function, each one invocation at a time (default 4, sized for a 2-core machine). */
  concurrency?: number;
}

export interface LocalCloud {
  endpoints: Endpoints;
  stateDir: string;
  services: ServiceWiring[];
  /** Secret name -> current value. */
  secrets: Record<string, string>;
  functionEnv(serviceKey: string, functionKey: string): Record<string, string>;
  /** The function's deployed name, e.g. charter-scc-local-onBookingCreated. */
  functionName(serviceKey: string, functionKey: string): string;
  /** Envelopes the bus received, newest last. */
  published(): Array<{ source: string; 'detail-type': string; detail: any; id: string; time: string }>;
  runtime?: LambdaRuntime;
  eventBridge: EventBridgeState;
  sqs: SqsState;
  secretsManager: SecretsManagerState;
  distributions: Map<string, Distribution>;
  /** Resolves once no invocation or retry is in flight. */
  idle(): Promise<void>;
  /** Requests each stand-in has served, by operation (`dynamodb:PutItem`, `s3:PUT object`...). */
  requestCounts(): Record<string, number>;
  stop(): Promise<void>;
}

function generateSecret(spec: Record<string, any> | undefined): string {
  const length = Number(spec?.PasswordLength ?? 32);
  const alphabet = spec?.ExcludePunctuation
    ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&*+-=?@^_';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** A local value for a secret the stack defines: generated, or its SecretString with empty JSON fields filled. */
function localSecretValue(secret: ServiceWiring['secrets'][number]): string {
  if (secret.generate) return generateSecret(secret.generate);
  const text = secret.secretString ?? '';
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      // The partner map ships with empty secrets that an operator fills per stage; locally we fill them.
      return JSON.stringify(
        Object.fromEntries(
          Object.entries(parsed).map(([k, v]) => [
            k,
            v === '' ? generateSecret({ PasswordLength: 40, ExcludePunctuation: true }) : v,
          ]),
        ),
      );
    }
  } catch {
    /* a plain string secret */
  }
  return text || generateSecret(undefined);
}

function tableInput(properties: Record<string, any>): CreateTableCommandInput {
  const billing = properties.BillingMode ?? 'PROVISIONED';
  const throughput =
    billing === 'PAY_PER_REQUEST'
      ? {}
      : { ProvisionedThroughput: properties.ProvisionedThroughput ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } };
  return {
    TableName: properties.TableName,
    AttributeDefinitions: properties.AttributeDefinitions,
    KeySchema: properties.KeySchema,
    BillingMode: billing,
    ...throughput,
    ...(properties.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes } : {}),
    ...(properties.LocalSecondaryIndexes ? { LocalSecondaryIndexes: properties.LocalSecondaryIndexes } : {}),
  };
}

async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port: number,
  what: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 5000;
  return { server, port: await listen(server, port, what) };
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const random = options.ports === 'random';
  const shift = (options.portBase ?? DEFAULT_PORTS.api) - DEFAULT_PORTS.api;
  const portOf = (key: EndpointKey) => (random ? 0 : DEFAULT_PORTS[key] + shift);
  const stateDir = options.stateDir ?? join(ROOT, '.local');
  const dataDir = join(stateDir, 'data');
  mkdirSync(stateDir, { recursive: true });
  const releaseLock = lockStateDir(stateDir);
  // A fresh start forgets the last run's state and logs; --persist keeps both.
  if (!options.persist)
    for (const dir of [dataDir, join(stateDir, 'logs')]) rmSync(dir, { recursive: true, force: true });
  for (const dir of [stateDir, dataDir, join(stateDir, 'logs'), join(dataDir, 's3'), join(dataDir, 'dynamodb')])
    mkdirSync(dir, { recursive: true });

  const servers: Server[] = [];
  const endpoints = {} as Endpoints;
  const requests = new Map<string, number>();
  // Every request each stand-in serves, by operation: the benchmark replays this mix as its floor.
  const count = (key: EndpointKey, server: Server) =>
    server.on('request', (req: IncomingMessage) => {
      const operation = operationOf(key, req);
      requests.set(operation, (requests.get(operation) ?? 0) + 1);
    });
  const started = async (key: EndpointKey, handler: (req: IncomingMessage, res: ServerResponse) => void) => {
    const { server, port } = await startServer(handler, portOf(key), key);
    count(key, server);
    servers.push(server);
    endpoints[key] = `http://127.0.0.1:${port}`;
  };

  try {
    // Stores first: everything else is wired to their endpoints.
    const dynamo = dynalite({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(options.persist ? { path: join(dataDir, 'dynamodb') } : {}),
    });
    endpoints.dynamodb = `http://127.0.0.1:${await listen(dynamo, portOf('dynamodb'), 'dynamodb')}`;
    servers.push(dynamo);
    count('dynamodb', dynamo);
    const s3rver = new S3rver({ silent: true, directory: join(dataDir, 's3'), vhostBuckets: false });
    await started('s3', s3rver.callback());
    if (!random) {
      // aws-ses-v2-local listens by itself and does not report a busy port: check it first.
      const probe = createServer();
      await listen(probe, portOf('ses'), 'ses');
      await close(probe);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ses = (await (require('aws-ses-v2-local').default as (c: { host: string; port: number }) => Promise<Server>)({
      host: '127.0.0.1',
      port: portOf('ses'),
    })) as Server;
    servers.push(ses);
    count('ses', ses);
    endpoints.ses = `http://127.0.0.1:${(ses.address() as { port: number }).port}`;

    const secretsManager = new SecretsManagerState(
      REGION,
      ACCOUNT_ID,
      options.persist ? join(dataDir, 'secrets.json') : undefined,
    );
    await started('secretsmanager', secretsManagerHandler(secretsManager));
    const eventBridge = new EventBridgeState(REGION, ACCOUNT_ID, new Set(['default']));
    await started('eventbridge', eventBridgeHandler(eventBridge));
    let sqsBase = '';
    const sqs = new SqsState(() => sqsBase, ACCOUNT_ID, options.persist ? join(dataDir, 'sqs.json') : undefined);
    await started('sqs', sqsHandler(sqs));
    sqsBase = endpoints.sqs;
    const distributions = new Map<string, Distribution>();
    await started('cloudfront', cloudFrontApiHandler(distributions));
    const distributionByKey = new Map<string, Distribution>();
    for (const key of ['guestSite', 'calendarSite'] as const) {
      await started(key, (req, res) => {
        const distribution = distributionByKey.get(key);
        if (!distribution) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end(`No distribution is served at ${key}`);
          return;
        }
        distribution
          .handler()(req, res)
          .catch((error: Error) => {
            res.writeHead(502, { 'content-type': 'text/plain' });
            res.end(`CloudFront could not reach the origin: ${error.message}`);
          });
      });
    }

    const baseEnv: Record<string, string> = {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ACCOUNT_ID: ACCOUNT_ID,
      // Local endpoints are plain HTTP on 127.0.0.1; the SDK must not try IMDS or profiles.
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_LOAD_CONFIG: '0',
    };
    // Endpoints for the runtime are fixed once the Lambda and API servers listen (below).
    const runtime =
      options.run === false
        ? undefined
        : new LambdaRuntime({
            baseEnv,
            logsDir: join(stateDir, 'logs'),
            retryDelaysMs: options.retryDelaysMs ?? [1000, 2000],
            ...(options.concurrency ? { maxConcurrency: options.concurrency } : {}),
            onFailure: async (arn: string, record: FailureRecord) => {
              const name = arn.split(':').pop()!;
              sqs.send(sqs.url(name), JSON.stringify(record));
            },
          });
    const httpApi = runtime
      ? new HttpApi(runtime, { accountId: ACCOUNT_ID, apiId: 'local', domainName: '127.0.0.1' })
      : undefined;
    await started(
      'api',
      httpApi
        ? httpApi.handler()
        : (_req, res) => {
            res.writeHead(503, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ message: 'The local cloud was started without handlers (run: false)' }));
          },
    );
    if (runtime) await started('lambda', invokeApiHandler(runtime));
    else endpoints.lambda = '';

    for (const [key, variable] of Object.entries(ENDPOINT_ENV))
      if (endpoints[key as EndpointKey]) baseEnv[variable] = endpoints[key as EndpointKey];
    if (options.setProcessEnv ?? true) Object.assign(process.env, baseEnv);

    const loaded = loadComposedServices(ROOT, {
      stage: STAGE,
      region: REGION,
      accountId: ACCOUNT_ID,
      env: {},
      local: { endpoints, distributionEndpoint: distributionEndpointKey },
    });
    const wanted =
      options.services === undefined || options.services === 'all' ? undefined : new Set(['bus', ...options.services]);
    const chosen = loaded.filter((s) => !wanted || wanted.has(s.key));
    if (wanted)
      for (const key of wanted)
        if (!loaded.some((s) => s.key === key)) throw new Error(`serverless-compose.yml has no service ${key}`);

    // Provision what the stacks define, from their own resources.
    const clientConfig = { region: REGION, credentials: CREDENTIALS };
    const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamodb });
    const s3 = new S3Client({ ...clientConfig, endpoint: endpoints.s3, forcePathStyle: true });
    const existingTables = new Set((await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []);
    const secretsFile = join(stateDir, 'secrets.json');
    const knownSecrets: Record<string, string> = existsSync(secretsFile)
      ? JSON.parse(readFileSync(secretsFile, 'utf8'))
      : {};
    for (const { wiring } of chosen) {
      for (const table of wiring.tables) {
        if (!existingTables.has(table.name)) await dynamodb.send(new CreateTableCommand(tableInput(table.properties)));
      }
      for (const bucket of wiring.buckets) {
        await s3.send(new CreateBucketCommand({ Bucket: bucket.name })).catch((error: Error) => {
          if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
        });
        if (bucket.corsRules.length > 0) {
          await s3.send(
            new PutBucketCorsCommand({
              Bucket: bucket.name,
              CORSConfiguration: {
                CORSRules: bucket.corsRules.map((r) => ({
                  AllowedMethods: r.AllowedMethods,
                  AllowedOrigins: r.AllowedOrigins,
                  ...(r.AllowedHeaders ? { AllowedHeaders: r.AllowedHeaders } : {}),
                  ...(r.ExposedHeaders ? { ExposeHeaders: r.ExposedHeaders } : {}),
                  ...(r.MaxAge !== undefined ? { MaxAgeSeconds: Number(r.MaxAge) } : {}),
                })),
              },
            }),
          );
        }
      }
      for (const queue of wiring.queues) sqs.ensure(queue.name);
      for (const secret of wiring.secrets) {
        if (!secretsManager.has(secret.name)) {
          knownSecrets[secret.name] ??= localSecretValue(secret);
          secretsManager.create({
            Name: secret.name,
            SecretString: knownSecrets[secret.name],
            ...(secret.description ? { Description: secret.description } : {}),
          });
        }
        knownSecrets[secret.name] = secretsManager.current(secret.name) ?? knownSecrets[secret.name]!;
      }
      for (const bus of wiring.buses) eventBridge.addBus(bus.name);
      for (const d of wiring.distributions) {
        const distribution = new Distribution(d, s3);
        distributions.set(d.id, distribution);
        distributionByKey.set(d.endpointKey, distribution);
      }
    }
    writeFileSync(secretsFile, `${JSON.stringify(knownSecrets, null, 2)}\n`, { mode: 0o600 });
    writeFileSync(join(stateDir, 'endpoints.json'), `${JSON.stringify(endpoints, null, 2)}\n`);

    const timers: NodeJS.Timeout[] = [];
    if (runtime && httpApi) {
      const functions = chosen.flatMap(({ wiring }) => wiring.functions);
      const outdir = join(stateDir, 'build');
      if (functions.length > 0) {
        await build({
          entryPoints: Object.fromEntries(functions.map((f) => [f.name, f.handlerFile])),
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'cjs',
          sourcemap: true,
          outdir,
          logLevel: 'silent',
          absWorkingDir: ROOT,
        });
      }
      for (const f of functions) runtime.register(f, join(outdir, `${f.name}.js`));
      for (const { wiring } of chosen) {
        httpApi.addRoutes(wiring.routes, wiring.cors);
        for (const rule of wiring.rules) {
          if (!rule.enabled) continue;
          if (rule.schedule) {
            if (options.schedules ?? true) {
              const everyMs = parseSchedule(rule.schedule);
              timers.push(
                setInterval(() => runtime.invokeAsync(rule.functionName, scheduledEvent(rule.name)), everyMs),
              );
            }
            continue;
          }
          eventBridge.addRule({
            name: rule.name,
            busName: rule.busName,
            pattern: rule.pattern ?? {},
            target: (envelope: BusEnvelope) => runtime.invokeAsync(rule.functionName, rule.input ?? envelope),
          });
        }
      }
      timers.forEach((t) => t.unref());
    }

    const wiringOf = (serviceKey: string) => {
      const service = loaded.find((s) => s.key === serviceKey);
      if (!service) throw new Error(`No service ${serviceKey}`);
      return service.wiring;
    };
    const functionOf = (serviceKey: string, functionKey: string) => {
      const fn = wiringOf(serviceKey).functions.find((f) => f.key === functionKey);
      if (!fn) throw new Error(`Service ${serviceKey} has no function ${functionKey}`);
      return fn;
    };

    const cloud: LocalCloud = {
      endpoints,
      stateDir,
      services: chosen.map((s) => s.wiring),
      secrets: knownSecrets,
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
      requestCounts: () => Object.fromEntries(requests),
      stop: async () => {
        timers.forEach(clearInterval);
        await runtime?.stop();
        await Promise.all(servers.map(close));
        dynamodb.destroy();
        s3.destroy();
        // Tools that read endpoints.json (dlq, rotate) should find no cloud, not a dead one.
        rmSync(join(stateDir, 'endpoints.json'), { force: true });
        releaseLock();
      },
    };
    return cloud;
  } catch (error) {
    await Promise.all(servers.map(close));
    releaseLock();
    throw error;
  }
}

/**
 * One local cloud per state directory: a second start would wipe or share the first one's data,
 * endpoints and secrets. The lock holds the owner's pid; a lock whose process is gone is stale.
 */
function lockStateDir(stateDir: string): () => void {
  const lock = join(stateDir, 'lock');
  if (existsSync(lock)) {
    const [pid, owner] = readFileSync(lock, 'utf8').split(' ');
    let alive = false;
    try {
      process.kill(Number(pid), 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (alive)
      throw new Error(
        `A local cloud (pid ${pid}${owner ? `, ${owner}` : ''}) is already running from ${stateDir}: stop it first (Ctrl-C in its terminal)`,
      );
  }
  const token = `${process.pid} ${new Date().toISOString()}`;
  writeFileSync(lock, token);
  return () => {
    if (existsSync(lock) && readFileSync(lock, 'utf8') === token) rmSync(lock);
  };
}

/** `dynamodb:PutItem` for the JSON protocols, `s3:PUT object`, `ses:POST /v2/email/outbound-emails`, `guestSite:GET`. */
function operationOf(key: EndpointKey, req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return `${key}:${target.split('.').pop()}`;
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  if (key === 's3') return `s3:${req.method} ${path.split('/').filter(Boolean).length > 1 ? 'object' : 'bucket'}`;
  if (key === 'ses') return `ses:${req.method} ${path}`;
  return `${key}:${req.method}`;
}

function scheduledEvent(ruleName: string) {
  return {
    version: '0',
    id: globalThis.crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  };
}
