import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { BookingCreatedInput } from '@charter/events';
import { CREDENTIALS, REGION } from './cloud/account';

export interface PublishOptions {
  /** Send the batches at once, as a burst of partners would; by default one after the other. */
  parallel?: boolean;
  /** The local EventBridge; by default the SDK's own (the endpoint variables a test's cloud sets). */
  endpoint?: string;
}

/**
 * Publishes bookings on the bus as their partners do: BookingCreated with source partner.<name>,
 * ten entries a PutEvents call, with the real SDK. Returns when each was sent, by booking id.
 */
export async function publishBookings(
  bookings: BookingCreatedInput[],
  { parallel = false, endpoint }: PublishOptions = {},
): Promise<Map<string, number>> {
  const client = new EventBridgeClient(endpoint ? { region: REGION, credentials: CREDENTIALS, endpoint } : {});
  const sentAt = new Map<string, number>();
  const batches: BookingCreatedInput[][] = [];
  for (let i = 0; i < bookings.length; i += 10) batches.push(bookings.slice(i, i + 10));
  const send = async (batch: BookingCreatedInput[]) => {
    const now = Date.now();
    const result = await client.send(
      new PutEventsCommand({
        Entries: batch.map((b) => ({
          EventBusName: 'charter-bookings-local',
          Source: `partner.${b.source}`,
          DetailType: 'BookingCreated',
          Detail: JSON.stringify(b),
        })),
      }),
    );
    if (result.FailedEntryCount) throw new Error(`PutEvents refused entries: ${JSON.stringify(result.Entries)}`);
    for (const b of batch) sentAt.set(b.booking_id, now);
  };
  try {
    if (parallel) await Promise.all(batches.map(send));
    else for (const batch of batches) await send(batch);
  } finally {
    client.destroy();
  }
  return sentAt;
}
