import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BookingCreatedInput } from '@charter/events';
import type { APIGatewayProxyEventV2, Context, EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import { ACCOUNT_ID, REGION, startLocalCloud as start, type LocalCloud, type LocalCloudOptions } from './cloud';

export type { LocalCloud } from './cloud';

/**
 * The local cloud for tests: random 127.0.0.1 ports, a fresh state directory, short Lambda
 * retry waits, schedules off (a test invokes a scheduled function when it wants it), and the
 * SDK's endpoint variables set in this process. Defaults to provisioning without handlers.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'charter-local-'));
  const cloud = await start({
    ports: 'random',
    run: false,
    schedules: false,
    retryDelaysMs: [50, 100],
    setProcessEnv: true,
    ...options,
    stateDir,
  });
  const stop = cloud.stop;
  return {
    ...cloud,
    stop: async () => {
      await stop();
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** A Lambda context as the runtime hands it to a handler, with `remainingMs` left before the timeout. */
export function lambdaContext(functionName: string, remainingMs = 10_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface HttpApiRequest {
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

/** An HTTP API (payload 2.0) event as API Gateway hands it to Lambda: header names lower-cased. */
export function httpApiEvent(request: HttpApiRequest): APIGatewayProxyEventV2 {
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
      accountId: ACCOUNT_ID,
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'jest',
      },
      requestId: randomUUID(),
      routeKey: request.route,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(request.body !== undefined
      ? { body: request.body, isBase64Encoded: request.isBase64Encoded ?? false }
      : { isBase64Encoded: false }),
  } as APIGatewayProxyEventV2;
}

/** An EventBridge envelope as a rule delivers it to Lambda (time to the second, as EventBridge writes it). */
export function busEnvelope(detailType: string, detail: unknown, source: string): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: ACCOUNT_ID,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [],
    detail,
  };
}

/** A scheduled rule's event for the tick `time` (now when absent), as the rule delivers it to Lambda. */
export function scheduledEvent(ruleName: string, time: Date = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    time: time.toISOString(),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  };
}

/** A message as aws-ses-v2-local keeps it (GET /store); `at` is when it was accepted, in seconds. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

/** Every message the local SES at `sesEndpoint` has accepted, in the order it accepted them. */
export async function mailbox(sesEndpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

/** YYYY-MM-DD some days from today at the marina (America/Los_Angeles). */
export function marinaDate(daysFromToday: number): string {
  const instant = new Date(Date.now() + daysFromToday * 24 * 3600 * 1000);
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** A full Boatsetter booking on 2027-05-30, with the guest's contact details and the money no service may pass on. */
export function bookingInput(overrides: Partial<BookingCreatedInput> = {}): BookingCreatedInput {
  return {
    schema_version: 1,
    booking_id: 'xhqgmdh',
    source: 'boatsetter',
    charter_date: '2027-05-30',
    charter_start: '10:00',
    charter_end: '13:00',
    timezone: 'America/Los_Angeles',
    guest_count: 4,
    guest: { name: 'Dana Whitfield', email: 'dana.whitfield@example.com', phone: '+1 619 555 0142' },
    vessel: 'JADA',
    location: 'Shelter Island, San Diego',
    revenue_cents: 145000,
    captain_fee_cents: 30000,
    currency: 'USD',
    notes: 'Birthday cruise, bringing a cake.\nRevenue: $1,450.00 (Boatsetter payout after fees)\nCaptain fee $300',
    ...overrides,
  };
}
