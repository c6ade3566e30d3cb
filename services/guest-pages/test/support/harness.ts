import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context, EventBridgeEvent } from 'aws-lambda';
import { startLocalCloud, type LocalCloud } from '../../../../local/src/testing';

export const FUNCTIONS = ['onBookingCreated', 'presign', 'getGuestPage'] as const;
export const SITE_BUCKET = 'charter-guest-site-local';
export const UPLOADS_BUCKET = 'charter-guest-uploads-local';
export const TABLE = 'charter-guest-pages-local';

/**
 * The local cloud with this service's table, buckets, secret and queue (and scc's, which owns
 * the service key), and this process's environment set to what serverless.yml gives the
 * functions. Handlers must be imported after this: AWS clients read endpoints when created.
 */
export async function startGuestPages(extraEnv: Record<string, string> = {}): Promise<LocalCloud> {
  const cloud = await startLocalCloud({ services: ['guest-pages', 'scc'], run: false });
  for (const fn of FUNCTIONS) Object.assign(process.env, cloud.functionEnv('guest-pages', fn));
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', ...extraEnv });
  return cloud;
}

export interface ApiRequest {
  method: string;
  route: string;
  path: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

/** An HTTP API (payload 2.0) event as API Gateway hands it to Lambda: header names lower-cased. */
export function apiEvent(request: ApiRequest): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    version: '2.0',
    routeKey: request.route,
    rawPath: request.path,
    rawQueryString: '',
    headers,
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
    isBase64Encoded: false,
    ...(request.body !== undefined ? { body: request.body } : {}),
  } as APIGatewayProxyEventV2;
}

export function lambdaContext(functionName = 'charter-guest-pages-local-test'): Context {
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

/** A BookingCreated envelope as the bus rule delivers it. */
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

/** YYYY-MM-DD some days from today at the marina (America/Los_Angeles). */
export function marinaDate(daysFromToday: number): string {
  const instant = new Date(Date.now() + daysFromToday * 24 * 3600 * 1000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** The upload settings a rendered page embeds, read the way the page's script reads them. */
export function uploadConfigOf(page: string): { bookingId: string; presignUrl: string; uploadToken: string; closesAt: string } {
  const match = /<script type="application\/json" id="upload-config">([\s\S]*?)<\/script>/.exec(page);
  if (!match) throw new Error('the page has no upload-config');
  return JSON.parse(match[1]!);
}

/** The smallest JPEG browsers and S3 accept as image/jpeg: SOI, a JFIF APP0 segment, EOI. */
export const TINY_JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
