import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  eventCatalog,
  partnerSource,
  type BookingCreatedInput,
  type BookingDetailType,
  type DetailInputOf,
  type ServiceDetailType,
} from '@charter/events';
import { issuesOf } from './http';
import { EventTooLargeError, EventValidationError, NotConfiguredError, PublishError } from './errors';
import { lazy } from './lazy';

/** EventBridge refuses a PutEvents entry over 256 KB (sum of Time, Source, DetailType, Detail, Resources). */
export const MAX_ENTRY_BYTES = 256 * 1024;
const TRANSIENT_ENTRY_ERRORS = new Set(['ThrottlingException', 'InternalFailure', 'InternalException']);
const MAX_ATTEMPTS = 3;

/** The size EventBridge charges an entry against its limit, as its documentation defines it. */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  for (const part of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (part) size += Buffer.byteLength(part, 'utf8');
  }
  return size;
}

const events = lazy(() => new EventBridgeClient({}));

function busName(): string {
  const name = process.env.EVENT_BUS_NAME;
  if (!name) throw new NotConfiguredError('environment variable EVENT_BUS_NAME');
  return name;
}

/** Publishes one of our own events; its source comes from the catalog. Returns the event id. */
export async function publish<T extends ServiceDetailType>(detailType: T, detail: DetailInputOf<T>): Promise<string> {
  const { schema, source } = eventCatalog[detailType];
  const result = schema.safeParse(detail);
  if (!result.success) throw new EventValidationError(detailType, issuesOf(result.error));
  return putEntry({ Source: source, DetailType: detailType, Detail: JSON.stringify(result.data) });
}

/**
 * Publishes a partner's booking event (BookingCreated, BookingUpdated, BookingCancelled) with source
 * `partner.<name>`, the detail's source forced to match.
 */
export async function publishBookingEvent<T extends BookingDetailType>(
  partner: string,
  detailType: T,
  detail: DetailInputOf<T>,
): Promise<string> {
  const result = eventCatalog[detailType].schema.safeParse({ ...detail, source: partner });
  if (!result.success) throw new EventValidationError(detailType, issuesOf(result.error));
  return putEntry({ Source: partnerSource(partner), DetailType: detailType, Detail: JSON.stringify(result.data) });
}

/** Publishes a partner's new booking: `publishBookingEvent(partner, 'BookingCreated', booking)`. */
export const publishBooking = (partner: string, booking: BookingCreatedInput): Promise<string> =>
  publishBookingEvent(partner, 'BookingCreated', booking);

async function putEntry(fields: Omit<PutEventsRequestEntry, 'EventBusName'>): Promise<string> {
  const entry = { ...fields, EventBusName: busName() };
  const bytes = entrySize(entry);
  if (bytes > MAX_ENTRY_BYTES) throw new EventTooLargeError(bytes, MAX_ENTRY_BYTES);
  for (let attempt = 1; ; attempt++) {
    const response = await events.send(new PutEventsCommand({ Entries: [entry] }));
    const result = response.Entries?.[0];
    if (!response.FailedEntryCount && result?.EventId) return result.EventId;
    // PutEvents answers 200 with a failed entry for throttling: retry those, refuse the rest.
    if (attempt >= MAX_ATTEMPTS || !TRANSIENT_ENTRY_ERRORS.has(result?.ErrorCode ?? '')) {
      throw new PublishError(result?.ErrorCode, result?.ErrorMessage);
    }
    await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
  }
}
