import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CrewMember } from '@charter/events';
import { conditionally, documentClient, isConditionFailure } from '@charter/shared/dynamo';
import { NotConfiguredError } from '@charter/shared/errors';
import { setting } from './config';
import {
  crewSafeFields,
  eventIdFor,
  type CrewEvent,
  type CrewEventFields,
  type EventChanges,
} from './domain/crew-event';

/**
 * The crew events table, one item per key `pk`:
 *   EVENT#<event_id>     the crew event: crew-safe fields, crew, confirmations, version, and
 *                        crew_ids (a string set of the crew's member ids, kept with the crew, so
 *                        a confirmation can be conditional on the member still being on it)
 *   BOOKING#<booking_id> the booking's one event: { event_id } (uniqueness and lookup)
 *   ROSTER               the crew roster new events get
 * Only crew-safe fields are written: the functions here take CrewEventFields, never a booking.
 */
const dynamo = documentClient();

const table = () => setting('EVENTS_TABLE');
const eventKey = (eventId: string) => ({ pk: `EVENT#${eventId}` });
const bookingKey = (bookingId: string) => ({ pk: `BOOKING#${bookingId}` });
const ROSTER_KEY = { pk: 'ROSTER' };

/** The crew's member ids as a DynamoDB string set (a crew has at least one member). */
const crewIdsOf = (crew: CrewMember[]) => new Set(crew.map((member) => member.member_id));

function toEvent(item: Record<string, unknown>): CrewEvent {
  const { pk: _pk, kind: _kind, origin: _origin, crew_ids: _crewIds, ...event } = item;
  return { confirmations: {}, ...event } as unknown as CrewEvent;
}

/**
 * Creates the booking's crew event, once. DynamoDB Local stand-ins lack transactions, and the
 * bus delivers at least once, possibly concurrently, so uniqueness comes from two conditional
 * puts: first the booking's lookup item (the first writer decides the event id), then the event
 * item under that id. A crash between the two is repaired by the next delivery, which finds the
 * lookup item and writes the missing event. `created` is true for the one call that wrote it.
 */
export async function createCrewEvent(
  fields: CrewEventFields,
  origin: 'booking' | 'api',
  now = new Date(),
): Promise<{ event: CrewEvent; created: boolean }> {
  const at = now.toISOString();
  const ownId = eventIdFor(fields.booking_id);
  const claimed = await conditionally(() =>
    dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...bookingKey(fields.booking_id),
          kind: 'booking',
          booking_id: fields.booking_id,
          event_id: ownId,
          created_at: at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  // When another delivery claimed the booking first, its lookup item names the event.
  const eventId = claimed ? ownId : ((await findEventIdByBooking(fields.booking_id)) ?? ownId);

  const event: CrewEvent = {
    ...crewSafeFields(fields),
    event_id: eventId,
    confirmations: {},
    version: 1,
    created_at: at,
    updated_at: at,
  };
  const created = await conditionally(() =>
    dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...eventKey(eventId), kind: 'event', origin, ...event, crew_ids: crewIdsOf(event.crew) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  if (created) return { event, created: true };
  const existing = await getCrewEvent(eventId);
  if (!existing) throw new Error(`crew event ${eventId} was reported to exist but cannot be read`);
  return { event: existing, created: false };
}

export async function getCrewEvent(eventId: string): Promise<CrewEvent | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: table(), Key: eventKey(eventId), ConsistentRead: true }),
  );
  return Item ? toEvent(Item) : undefined;
}

export async function findEventIdByBooking(bookingId: string): Promise<string | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: table(), Key: bookingKey(bookingId), ConsistentRead: true }),
  );
  return typeof Item?.event_id === 'string' ? Item.event_id : undefined;
}

export type UpdateResult =
  { kind: 'updated'; event: CrewEvent } | { kind: 'not_found' } | { kind: 'stale'; currentVersion: number };

/**
 * Applies changes if the event is still at `expectedVersion` (optimistic concurrency: two
 * operators editing at once cannot overwrite each other), bumping the version. Confirmations
 * of members taken off the crew go with them.
 */
export async function updateCrewEvent(
  eventId: string,
  changes: EventChanges,
  expectedVersion: number,
  removedMembers: string[] = [],
  now = new Date(),
): Promise<UpdateResult> {
  const names: Record<string, string> = { '#version': 'version', '#updated_at': 'updated_at' };
  const values: Record<string, unknown> = { ':expected': expectedVersion, ':one': 1, ':now': now.toISOString() };
  const sets = ['#version = #version + :one', '#updated_at = :now'];
  const removes: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    names[`#${field}`] = field;
    if (value === null) removes.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
  }
  if (changes.crew) {
    names['#crew_ids'] = 'crew_ids';
    values[':crew_ids'] = crewIdsOf(changes.crew);
    sets.push('#crew_ids = :crew_ids');
  }
  if (removedMembers.length > 0) names['#confirmations'] = 'confirmations';
  removedMembers.forEach((memberId, i) => {
    names[`#m${i}`] = memberId;
    removes.push(`#confirmations.#m${i}`);
  });
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: eventKey(eventId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { kind: 'updated', event: toEvent(Attributes ?? {}) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await getCrewEvent(eventId);
    return current ? { kind: 'stale', currentVersion: current.version } : { kind: 'not_found' };
  }
}

export type ConfirmResult = { kind: 'confirmed'; event: CrewEvent } | { kind: 'not_found' } | { kind: 'not_on_crew' };

/**
 * Records that a crew member confirmed. Idempotent: the first confirmation's time is kept however
 * often the button is pressed. Confirming is not an edit, so it leaves the version alone and an
 * operator's pending PATCH is not made stale by it. The write is conditional on the member still
 * being on the crew, so a confirmation racing a PATCH that removes the member is refused rather
 * than recorded for someone no longer on it (a PATCH after the confirmation removes it with them).
 * Events written before crew_ids existed have no set; for them the handler's read check stands.
 */
export async function confirmCrewMember(eventId: string, memberId: string, now = new Date()): Promise<ConfirmResult> {
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: eventKey(eventId),
        UpdateExpression: 'SET #confirmations.#member = if_not_exists(#confirmations.#member, :now)',
        ConditionExpression:
          'attribute_exists(pk) AND (contains(#crew_ids, :member_id) OR attribute_not_exists(#crew_ids))',
        ExpressionAttributeNames: { '#confirmations': 'confirmations', '#member': memberId, '#crew_ids': 'crew_ids' },
        ExpressionAttributeValues: { ':now': now.toISOString(), ':member_id': memberId },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { kind: 'confirmed', event: toEvent(Attributes ?? {}) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return (await getCrewEvent(eventId)) ? { kind: 'not_on_crew' } : { kind: 'not_found' };
  }
}

/** The stored roster, or undefined when `PUT /crew` has never been called on this stage. */
export async function getStoredRoster(): Promise<CrewMember[] | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: ROSTER_KEY, ConsistentRead: true }));
  return Item ? (Item.crew as CrewMember[]) : undefined;
}

export async function putRoster(crew: CrewMember[], now = new Date()): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: { ...ROSTER_KEY, kind: 'roster', crew, updated_at: now.toISOString() },
    }),
  );
}

/**
 * The crew a new event gets: the stored roster, else the stage's default. No crew at all is a
 * stage to fix (`alternative` says what else the caller could do), never an event without crew.
 */
export async function rosterForNewEvent(alternative?: string): Promise<CrewMember[]> {
  const roster = (await getStoredRoster()) ?? setting('DEFAULT_ROSTER');
  if (roster.length === 0) {
    const otherwise = alternative ? `; ${alternative}` : '';
    throw new NotConfiguredError(
      'crew roster',
      `no roster is stored (PUT /crew) and DEFAULT_ROSTER is empty${otherwise}`,
    );
  }
  return roster;
}
