import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { BookingCreatedInput, BookingDetailType, DetailInputOf } from '@charter/events';
import { CREDENTIALS, REGION } from './cloud/account';

/** Entry errors a partner retries (EventBridge's own faults); anything else is the entry's fault. */
const TRANSIENT_ENTRY_ERRORS = new Set(['InternalFailure', 'ThrottlingException']);
const MAX_ATTEMPTS = 8;

export interface PublishOptions {
  /** Send the batches at once, as a burst of partners would; by default one after the other. */
  parallel?: boolean;
  /** The local EventBridge; by default the SDK's own (the endpoint variables a test's cloud sets). */
  endpoint?: string;
}

/** One partner booking event: BookingCreated, BookingUpdated or BookingCancelled, with its detail. */
export type BookingEvent = {
  [T in BookingDetailType]: { detailType: T; detail: DetailInputOf<T> & { source: string; booking_id: string } };
}[BookingDetailType];

/**
 * Publishes bookings on the bus as their partners do: BookingCreated with source partner.<name>,
 * ten entries a PutEvents call, with the real SDK, entries EventBridge did not take sent again.
 * Returns when each was sent, by booking id.
 */
export function publishBookings(bookings: BookingCreatedInput[], options: PublishOptions = {}) {
  return publishBookingEvents(
    bookings.map((detail) => ({ detailType: 'BookingCreated', detail })),
    options,
  );
}

/**
 * Publishes partners' booking events (creations, changes, cancellations) in the order given, with source
 * partner.<detail.source>, ten entries a PutEvents call, entries EventBridge did not take sent again. Returns when each
 * booking's last event was sent.
 */
export async function publishBookingEvents(
  events: BookingEvent[],
  { parallel = false, endpoint }: PublishOptions = {},
): Promise<Map<string, number>> {
  const client = new EventBridgeClient(endpoint ? { region: REGION, credentials: CREDENTIALS, endpoint } : {});
  const sentAt = new Map<string, number>();
  const batches: BookingEvent[][] = [];
  for (let i = 0; i < events.length; i += 10) batches.push(events.slice(i, i + 10));
  const send = async (batch: BookingEvent[]) => {
    const now = Date.now();
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await client.send(
        new PutEventsCommand({
          Entries: pending.map(({ detailType, detail }) => ({
            EventBusName: 'charter-bookings-local',
            Source: `partner.${detail.source}`,
            DetailType: detailType,
            Detail: JSON.stringify(detail),
          })),
        }),
      );
      const entries = result.Entries ?? [];
      const failed = pending.filter((_, i) => entries[i]?.ErrorCode);
      // PutEvents answers 200 with the entries it did not take; a partner sends those again, as EventBridge advises.
      const permanent = entries.filter((e) => e.ErrorCode && !TRANSIENT_ENTRY_ERRORS.has(e.ErrorCode));
      if (permanent.length > 0 || (failed.length > 0 && attempt >= MAX_ATTEMPTS))
        throw new Error(`PutEvents refused entries: ${JSON.stringify(entries.filter((e) => e.ErrorCode))}`);
      for (const event of pending) if (!failed.includes(event)) sentAt.set(event.detail.booking_id, now);
      pending = failed;
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  };
  try {
    if (parallel) await Promise.all(batches.map(send));
    else for (const batch of batches) await send(batch);
  } finally {
    client.destroy();
  }
  return sentAt;
}
