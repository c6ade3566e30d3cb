import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context, EventBridgeEvent } from 'aws-lambda';
import { startLocalCloud, type LocalCloud } from '../../../local/src/testing';

export const FUNCTIONS = ['onBookingCreated', 'createEvent', 'listEvents', 'getEvent', 'updateEvent', 'putCrew', 'crewPage', 'confirm'] as const;

/**
 * The local cloud with SCC's table, secrets and queue, and this process's environment set to
 * what serverless.yml gives SCC's functions (their union: each handler reads only its own).
 * Handlers must be imported after this, since AWS clients read their endpoints when created.
 */
export async function startScc(extraEnv: Record<string, string> = {}): Promise<LocalCloud> {
  const cloud = await startLocalCloud({ services: ['scc'], run: false });
  for (const fn of FUNCTIONS) Object.assign(process.env, cloud.functionEnv('scc', fn));
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'ERROR', ...extraEnv });
  return cloud;
}

export const TABLE = 'ShipCaptainCrew-Events-local';

/** Every item in the events table, as stored. */
export async function tableItems(): Promise<Record<string, unknown>[]> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const items: Record<string, unknown>[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return items;
}

export interface ApiRequest {
  method: string;
  /** The route, e.g. 'PATCH /events/{event_id}'. */
  route: string;
  path: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** An HTTP API (payload 2.0) event as API Gateway gives it to Lambda: header names lower-cased. */
export function apiEvent(request: ApiRequest): APIGatewayProxyEventV2 {
  const query = request.query ?? {};
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    version: '2.0',
    routeKey: request.route,
    rawPath: request.path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: randomUUID(),
      routeKey: request.route,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(request.body !== undefined ? { body: request.body, isBase64Encoded: request.isBase64Encoded ?? false } : { isBase64Encoded: false }),
  } as APIGatewayProxyEventV2;
}

export function lambdaContext(functionName = 'charter-scc-local-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-west-2:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A BookingCreated envelope as the rule delivers it. */
export function bookingEnvelope(detail: unknown, source = 'partner.boatsetter'): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'BookingCreated',
    source,
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-west-2',
    resources: [],
    detail,
  };
}

/** Log lines handlers wrote (Powertools writes JSON lines to stdout, ERROR and WARN to stderr), parsed. */
export function captureLogs(): { lines: () => Array<Record<string, any>>; restore: () => void } {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, any>),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
