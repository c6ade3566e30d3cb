import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  CrewConfirmed,
  CrewDeclined,
  EventCancelled,
  EventCreated,
  EventUpdated,
  type BookingDetailType,
  type DetailType,
} from '@charter/events';
import { busEnvelope, lambdaContext as contextFor, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import type * as z from '@charter/events/zod';

export const FUNCTIONS = [
  'onBookingEvent',
  'createEvent',
  'listEvents',
  'getEvent',
  'updateEvent',
  'putCrew',
  'resendCrewNotice',
  'crewPage',
  'confirm',
  'decline',
] as const;

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

/**
 * An item as crew-facing code may hold it: without `redaction`, the booking's private facts (amounts, guest contacts)
 * kept server-side for scrubbing, which no read returns.
 */
export const withoutPrivateFacts = ({ redaction: _redaction, ...item }: Record<string, unknown>) => item;

/** Every item in the events table, as stored. */
export async function tableItems(): Promise<Record<string, unknown>[]> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return items;
}

const SCHEMAS = { EventCreated, EventUpdated, EventCancelled, CrewConfirmed, CrewDeclined };

/** The envelopes of one of SCC's detail-types published for a booking, each detail parsed by the strict contract. */
export function publishedFor<T extends keyof typeof SCHEMAS>(cloud: LocalCloud, detailType: T, bookingId: string) {
  return cloud
    .published()
    .filter((e) => e['detail-type'] === detailType)
    .map((e) => ({ ...e, detail: SCHEMAS[detailType].parse(e.detail) as z.infer<(typeof SCHEMAS)[T]> }))
    .filter((e) => e.detail.booking_id === bookingId);
}

export const eventCreatedFor = (cloud: LocalCloud, bookingId: string) => publishedFor(cloud, 'EventCreated', bookingId);
export const eventUpdatedFor = (cloud: LocalCloud, bookingId: string) => publishedFor(cloud, 'EventUpdated', bookingId);

/** Every success event SCC published for a booking, as [detail-type, detail] in the order the bus received them. */
export const sccEventsFor = (cloud: LocalCloud, bookingId: string) =>
  cloud
    .published()
    .filter((e) => e.source === 'charter.scc' && (e.detail as { booking_id?: string }).booking_id === bookingId)
    .map((e) => [e['detail-type'] as DetailType, e.detail as Record<string, unknown>] as const);

/** A Lambda context for SCC's functions. */
export const lambdaContext = (functionName = 'charter-scc-local-test') => contextFor(functionName);

/** A BookingCreated envelope as the rule delivers it. */
export const bookingEnvelope = (detail: unknown, source = 'partner.boatsetter') =>
  busEnvelope('BookingCreated', detail, source);

/** A partner's booking event (BookingCreated, BookingUpdated, BookingCancelled) as the rule delivers it. */
export const partnerEnvelope = <D extends { source: string }>(detailType: BookingDetailType, detail: D) =>
  busEnvelope(detailType, detail, `partner.${detail.source}`);

/** Log lines handlers wrote (Powertools writes JSON lines to stdout, ERROR and WARN to stderr), parsed. */
export function captureLogs(): { lines: () => Array<Record<string, unknown>>; restore: () => void } {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
