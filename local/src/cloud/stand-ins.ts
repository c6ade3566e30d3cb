import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import startSes from 'aws-ses-v2-local';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { faultGate, interpose } from '../faults/gate';
import type { FaultInjector } from '../faults/injector';
import type { FaultTarget } from '../faults/options';
import { putEventsFaults } from '../faults/wire';
import { close, listen } from '../servers/aws-json';
import type { Distribution } from '../servers/cloudfront';
import { cloudFrontApiHandler } from '../servers/cloudfront-api';
import { EventBridgeState, eventBridgeHandler } from '../servers/eventbridge';
import { SecretsManagerState, secretsManagerHandler } from '../servers/secretsmanager';
import { SqsState, sqsHandler } from '../servers/sqs';
import { ACCOUNT_ID, REGION } from './account';
import type { Listeners, RequestHandler } from './listeners';
import type { EndpointKey } from './ports';

/** The state of the stand-ins the project emulates itself; dynalite, s3rver and SES keep their own. */
export interface StandIns {
  secretsManager: SecretsManagerState;
  eventBridge: EventBridgeState;
  sqs: SqsState;
  /** CloudFront distributions by id, as the CloudFront API names them. */
  distributions: Map<string, Distribution>;
  /** The same distributions by the endpoint key that serves them (guestSite, calendarSite, opsSite). */
  sites: Map<string, Distribution>;
}

/** Where persisted stand-ins keep their data, and the faults they answer with (none unless asked). */
export interface StandInOptions {
  dataDir: string;
  persist: boolean;
  faults: FaultInjector;
}

type Wrap = (handler: RequestHandler) => RequestHandler;
const unwrapped: Wrap = (handler) => handler;

/** Stores first (everything else is wired to their endpoints), then the control planes and the sites. */
export async function startStandIns(listeners: Listeners, options: StandInOptions): Promise<StandIns> {
  // A stand-in asked for no faults gets no gate at all: with faults off nothing differs from a plain start.
  const gate = (key: Exclude<FaultTarget, 'eventbridge'>): Wrap | undefined =>
    options.faults.rate(key) > 0 ? faultGate(key, options.faults, () => listeners.endpoints[key]) : undefined;
  await startStores(listeners, options, gate);
  const kept = (file: string) => (options.persist ? join(options.dataDir, file) : undefined);
  const secretsManager = new SecretsManagerState(REGION, ACCOUNT_ID, kept('secrets.json'));
  const secretsGate = gate('secretsmanager') ?? unwrapped;
  await listeners.serve('secretsmanager', secretsGate(secretsManagerHandler(secretsManager)));
  const eventBridge = new EventBridgeState(REGION, ACCOUNT_ID, new Set(['default']));
  if (options.faults.rate('eventbridge') > 0) eventBridge.putEventsFaults = putEventsFaults(options.faults);
  await listeners.serve('eventbridge', eventBridgeHandler(eventBridge));
  // Queue URLs carry the SQS endpoint, known only once it listens.
  const sqs = new SqsState(() => listeners.endpoints.sqs, ACCOUNT_ID, kept('sqs.json'));
  await listeners.serve('sqs', (gate('sqs') ?? unwrapped)(sqsHandler(sqs, () => listeners.endpoints.sqs)));
  const distributions = new Map<string, Distribution>();
  const domainName = (d: Distribution) => new URL(listeners.endpoints[d.wiring.endpointKey as EndpointKey]).host;
  await listeners.serve('cloudfront', cloudFrontApiHandler(distributions, { domainName, accountId: ACCOUNT_ID }));
  const sites = new Map<string, Distribution>();
  for (const key of ['guestSite', 'calendarSite', 'opsSite'] as const)
    await listeners.serve(key, siteHandler(sites, key));
  return { secretsManager, eventBridge, sqs, distributions, sites };
}

async function startStores(
  listeners: Listeners,
  { dataDir, persist }: StandInOptions,
  gate: (key: 'dynamodb' | 's3' | 'ses') => Wrap | undefined,
): Promise<void> {
  const dynamo = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(persist ? { path: join(dataDir, 'dynamodb') } : {}),
  });
  const dynamoGate = gate('dynamodb');
  if (dynamoGate) interpose(dynamo, dynamoGate);
  listeners.adopt('dynamodb', dynamo, await listen(dynamo, listeners.portOf('dynamodb'), 'dynamodb'));
  const s3rver = new S3rver({ silent: true, directory: join(dataDir, 's3'), vhostBuckets: false });
  await listeners.serve('s3', (gate('s3') ?? unwrapped)(s3rver.callback()));
  const sesPort = listeners.portOf('ses');
  // aws-ses-v2-local listens by itself and does not report a busy port: check it first.
  if (sesPort !== 0) await close(await probe(sesPort));
  const ses = await startSes({ host: '127.0.0.1', port: sesPort });
  const sesGate = gate('ses');
  if (sesGate) interpose(ses, sesGate);
  listeners.adopt('ses', ses, (ses.address() as AddressInfo).port);
}

async function probe(port: number): Promise<Server> {
  const server = createServer();
  await listen(server, port, 'ses');
  return server;
}

/** A site endpoint serves the distribution provisioned for it, once there is one. */
function siteHandler(sites: Map<string, Distribution>, key: string): RequestHandler {
  return (req, res) => {
    const distribution = sites.get(key);
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
  };
}
