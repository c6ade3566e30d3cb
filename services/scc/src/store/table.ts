import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CrewMember } from '@charter/events';
import type { RevisionHead } from '@charter/shared/booking-revision';
import { conditionally, documentClient } from '@charter/shared/dynamo';
import { NO_PRIVATE_FACTS, type PrivateFacts } from '@charter/shared/redaction';
import { setting } from '../config';
import type { Cancellation, CrewEvent } from '../domain/crew-event';

/**
 * The crew events table, one item per key `pk`:
 *   EVENT#<event_id>     kind `event`: the crew event (crew-safe fields, crew, crew_notes, confirmations, declines,
 *                        version), crew_ids (a string set of the crew's member ids, kept with the crew, so an answer
 *                        can be conditional on the member still being on it), former_crew_ids (a string set of those
 *                        a PATCH took off the crew: the resend route's 409 rather than 404), the booking's owner,
 *                        revision and
 *                        lifecycle (shared/src/booking-revision.ts), the cancellation, and the success events last
 *                        published (booking_event, crew_change) so a redelivery re-publishes the same content,
 *                        and `redaction`: the booking's private facts (its amounts and guest contacts, every
 *                        revision's), which scrub text written later and which no read of an event returns;
 *                        or kind `tombstone`: a cancellation that came before the booking's first event (owner,
 *                        revision, lifecycle `cancelled`, cancellation), so the create that follows does nothing
 *   BOOKING#<booking_id> the booking's one event: { event_id } (uniqueness and lookup)
 *   ROSTER               the crew roster new events get
 *   EVENT#resend#<hash>  the resend route's Idempotency-Key records (store/resend-once.ts, Powertools idempotency)
 * Only crew-safe fields are written where crew can see them: the functions here take CrewEventFields and crew-safe
 * details, never a booking; the private facts go only to `redaction`, which `toEvent` leaves out.
 */
export const dynamo = documentClient();

export const table = () => setting('EVENTS_TABLE');
export const eventKey = (eventId: string) => ({ pk: `EVENT#${eventId}` });
export const bookingKey = (bookingId: string) => ({ pk: `BOOKING#${bookingId}` });
export const ROSTER_KEY = { pk: 'ROSTER' };

/** The crew's member ids as a DynamoDB string set (a crew has at least one member). */
export const crewIdsOf = (crew: CrewMember[]) => new Set(crew.map((member) => member.member_id));

/** A booking cancelled before its crew event existed: enough to refuse what comes after, nothing to show crew. */
export interface Tombstone extends RevisionHead {
  booking_id: string;
  event_id: string;
  cancellation: Cancellation;
}

export type StoredItem =
  | { kind: 'event'; event: CrewEvent; redaction: PrivateFacts; formerLinks: string[] }
  | { kind: 'tombstone'; tombstone: Tombstone };

/**
 * A stored event as the service reads it, without its private facts. Items written before revisions existed count as
 * revision 1 of a live booking without an owner (the first partner to send an event for it owns it), with no declines.
 */
export function toEvent(item: Record<string, unknown>): CrewEvent {
  const {
    pk: _pk,
    kind: _kind,
    origin: _origin,
    crew_ids: _crewIds,
    redaction: _redaction,
    former_crew_ids: former,
    former_crew_links: _formerLinks,
    ...event
  } = item;
  const formerCrew = former instanceof Set ? { former_crew: [...(former as Set<string>)].sort() } : {};
  return {
    confirmations: {},
    declines: {},
    revision: 1,
    lifecycle: 'live',
    ...event,
    ...formerCrew,
  } as unknown as CrewEvent;
}

/** The private facts kept with an event (none on an item written before they were kept). */
const redactionOf = (item: Record<string, unknown>): PrivateFacts => ({
  ...NO_PRIVATE_FACTS,
  ...(item.redaction as Partial<PrivateFacts> | undefined),
});

export async function readItem(eventId: string): Promise<StoredItem | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: table(), Key: eventKey(eventId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  if (Item.kind === 'tombstone') {
    const { pk: _pk, kind: _kind, ...tombstone } = Item;
    return { kind: 'tombstone', tombstone: tombstone as Tombstone };
  }
  const formerLinks = Item.former_crew_links instanceof Set ? [...(Item.former_crew_links as Set<string>)] : [];
  return { kind: 'event', event: toEvent(Item), redaction: redactionOf(Item), formerLinks };
}

/** The addresses a member taken off the crew was sent links at, from `former_crew_links` (`<member_id> <email>`). */
export const formerAddressesOf = (formerLinks: string[], memberId: string): string[] =>
  formerLinks.filter((link) => link.startsWith(`${memberId} `)).map((link) => link.slice(memberId.length + 1));

/** The private facts kept with an event, for scrubbing what a PATCH or a decline writes; none for an unknown event. */
export async function readPrivateFacts(eventId: string): Promise<PrivateFacts> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: table(),
      Key: eventKey(eventId),
      ProjectionExpression: '#redaction',
      ExpressionAttributeNames: { '#redaction': 'redaction' },
      ConsistentRead: true,
    }),
  );
  return redactionOf(Item ?? {});
}

/**
 * Runs a write that sets or removes a member's entry in `confirmations` or `declines`. DynamoDB refuses a path under
 * a map that does not exist ("The document path provided in the update expression is invalid"), and events written
 * before declines existed have no `declines` map: for those, both maps are added once and the write made again.
 */
export async function withAnswerMaps<T>(eventId: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const { name, message } = error as Error;
    if (name !== 'ValidationException' || !/document path/i.test(message)) throw error;
  }
  await conditionally(() =>
    dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: eventKey(eventId),
        UpdateExpression:
          'SET #confirmations = if_not_exists(#confirmations, :empty), #declines = if_not_exists(#declines, :empty)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#confirmations': 'confirmations', '#declines': 'declines' },
        ExpressionAttributeValues: { ':empty': {} },
      }),
    ),
  );
  return write();
}
