import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import startSes from 'aws-ses-v2-local';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { close, listen } from '../servers/aws-json';
import { cloudFrontApiHandler, Distribution } from '../servers/cloudfront';
import { EventBridgeState, eventBridgeHandler } from '../servers/eventbridge';
import { SecretsManagerState, secretsManagerHandler } from '../servers/secretsmanager';
import { SqsState, sqsHandler } from '../servers/sqs';
import { ACCOUNT_ID, REGION } from './account';
import type { Listeners, RequestHandler } from './listeners';

/** The state of the stand-ins the project emulates itself; dynalite, s3rver and SES keep their own. */
export interface StandIns {
  secretsManager: SecretsManagerState;
  eventBridge: EventBridgeState;
  sqs: SqsState;
  /** CloudFront distributions by id, as the CloudFront API names them. */
  distributions: Map<string, Distribution>;
  /** The same distributions by the endpoint key that serves them (guestSite, calendarSite). */
  sites: Map<string, Distribution>;
}

/** Where persisted stand-ins keep their data; undefined when each start begins empty. */
export interface StandInStorage {
  dataDir: string;
  persist: boolean;
}

/** Stores first (everything else is wired to their endpoints), then the control planes and the sites. */
export async function startStandIns(listeners: Listeners, storage: StandInStorage): Promise<StandIns> {
  await startStores(listeners, storage);
  const kept = (file: string) => (storage.persist ? join(storage.dataDir, file) : undefined);
  const secretsManager = new SecretsManagerState(REGION, ACCOUNT_ID, kept('secrets.json'));
  await listeners.serve('secretsmanager', secretsManagerHandler(secretsManager));
  const eventBridge = new EventBridgeState(REGION, ACCOUNT_ID, new Set(['default']));
  await listeners.serve('eventbridge', eventBridgeHandler(eventBridge));
  // Queue URLs carry the SQS endpoint, known only once it listens.
  const sqs = new SqsState(() => listeners.endpoints.sqs, ACCOUNT_ID, kept('sqs.json'));
  await listeners.serve('sqs', sqsHandler(sqs));
  const distributions = new Map<string, Distribution>();
  await listeners.serve('cloudfront', cloudFrontApiHandler(distributions));
  const sites = new Map<string, Distribution>();
  for (const key of ['guestSite', 'calendarSite'] as const) await listeners.serve(key, siteHandler(sites, key));
  return { secretsManager, eventBridge, sqs, distributions, sites };
}

async function startStores(listeners: Listeners, { dataDir, persist }: StandInStorage): Promise<void> {
  const dynamo = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(persist ? { path: join(dataDir, 'dynamodb') } : {}),
  });
  listeners.adopt('dynamodb', dynamo, await listen(dynamo, listeners.portOf('dynamodb'), 'dynamodb'));
  const s3rver = new S3rver({ silent: true, directory: join(dataDir, 's3'), vhostBuckets: false });
  await listeners.serve('s3', s3rver.callback());
  const sesPort = listeners.portOf('ses');
  // aws-ses-v2-local listens by itself and does not report a busy port: check it first.
  if (sesPort !== 0) await close(await probe(sesPort));
  const ses = await startSes({ host: '127.0.0.1', port: sesPort });
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
