import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { revisionGuard, type BookingEventRef } from '@charter/shared/booking-revision';
import { conditionally } from '@charter/shared/dynamo';
import type { PrivateFacts } from '@charter/shared/redaction';
import type { BookingChange } from '../domain/booking-change';
import { charterFieldsOf, type Cancellation, type CrewEvent, type PublishedEvent } from '../domain/crew-event';
import { dynamo, eventKey, table } from './table';

/**
 * The writes a booking event makes to its crew event. Each is ONE conditional UpdateItem carrying the revision guard
 * (shared/src/booking-revision.ts: owner, newer revision, not cancelled), so of concurrent deliveries only the newest
 * revision applies, whatever the order. The service reads the event first (to list what changed and to build the
 * success event it keeps on the item), so each write is also pinned to what it read: the version, or the absence of
 * any item. `false` when the write was refused: the caller reads again and decides (a lost race, or a refusal).
 */

/** What a guarded write is pinned to: the version read, or that no item existed. */
type Pin = { version: number } | 'absent';

async function guardedWrite(
  eventId: string,
  ref: BookingEventRef,
  pin: Pin,
  set: Record<string, unknown>,
  remove: string[] = [],
): Promise<boolean> {
  const guard = revisionGuard(ref);
  const names: Record<string, string> = { ...guard.names };
  const values: Record<string, unknown> = { ...guard.values };
  const assignments = [...guard.assignments];
  for (const [field, value] of Object.entries(set)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    assignments.push(`#${field} = :${field}`);
  }
  for (const field of remove) names[`#${field}`] = field;
  let pinned = 'attribute_not_exists(pk)';
  if (pin !== 'absent') {
    names['#pinned_version'] = 'version';
    values[':pinned_version'] = pin.version;
    pinned = '#pinned_version = :pinned_version';
  }
  const removals = remove.length ? ` REMOVE ${remove.map((field) => `#${field}`).join(', ')}` : '';
  return conditionally(() =>
    dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: eventKey(eventId),
        UpdateExpression: `SET ${assignments.join(', ')}${removals}`,
        ConditionExpression: `${guard.condition} AND ${pinned}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/**
 * A later booking revision: the crew-safe fields and notes as it has them, the version bumped, the EventUpdated kept;
 * a new plan clears the crew's confirmations and declines (they answer the new plan). `redaction` is what every
 * revision so far named of the booking's private facts (the write is pinned to the version read, so none is lost).
 */
export function writeBookingChange(
  event: CrewEvent,
  ref: BookingEventRef,
  change: BookingChange,
  published: PublishedEvent,
  redaction: PrivateFacts,
  now = new Date(),
): Promise<boolean> {
  const { booking_id: _bookingId, ...charter } = charterFieldsOf(change.next);
  const answers = change.clearsAnswers ? { confirmations: {}, declines: {} } : {};
  return guardedWrite(
    event.event_id,
    ref,
    { version: event.version },
    {
      ...charter,
      notes: change.next.notes,
      ...answers,
      version: published.detail.version,
      updated_at: now.toISOString(),
      booking_event: published,
      redaction,
    },
    change.next.notes === undefined ? ['notes'] : [],
  );
}

/** The booking's cancellation: final; the version bumped and the EventCancelled kept. */
export function writeCancellation(
  event: CrewEvent,
  ref: BookingEventRef,
  cancellation: Cancellation,
  published: PublishedEvent,
  now = new Date(),
): Promise<boolean> {
  return guardedWrite(
    event.event_id,
    ref,
    { version: event.version },
    { cancellation, version: published.detail.version, updated_at: now.toISOString(), booking_event: published },
  );
}

/** A cancellation that came before the booking's crew event: a tombstone, so the create that follows does nothing. */
export function writeTombstone(
  eventId: string,
  bookingId: string,
  ref: BookingEventRef,
  cancellation: Cancellation,
  now = new Date(),
): Promise<boolean> {
  return guardedWrite(eventId, ref, 'absent', {
    kind: 'tombstone',
    booking_id: bookingId,
    event_id: eventId,
    cancellation,
    created_at: now.toISOString(),
  });
}
