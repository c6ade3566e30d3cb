import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CrewMember, EventUpdated } from '@charter/events';
import { conditionally, isConditionFailure } from '@charter/shared/dynamo';
import { NotConfiguredError } from '@charter/shared/errors';
import type { PrivateFacts } from '@charter/shared/redaction';
import { setting } from '../config';
import {
  crewSafeFields,
  eventCreatedDetail,
  eventIdFor,
  type CrewChangePlan,
  type CrewEvent,
  type CrewEventFields,
} from '../domain/crew-event';
import {
  ROSTER_KEY,
  bookingKey,
  crewIdsOf,
  dynamo,
  eventKey,
  readItem,
  table,
  toEvent,
  withAnswerMaps,
  type StoredItem,
} from './table';

/** Who a new event belongs to: the partner whose booking event made it, at that event's revision. */
export interface Ownership {
  owner: string;
  revision: number;
  /** The hash of the booking event's content (a partner's event; none for POST /events). */
  content?: string;
}

export type CreateResult = { kind: 'created'; event: CrewEvent } | { kind: 'exists'; item: StoredItem };

/**
 * Creates the booking's crew event, once, with its EventCreated kept on it. DynamoDB Local stand-ins lack
 * transactions, and the bus delivers at least once, possibly concurrently, so uniqueness comes from two conditional
 * puts: first the booking's lookup item (the first writer decides the event id), then the event item under that id.
 * A crash between the two is repaired by the next delivery, which finds the lookup item and writes the missing event.
 * `created` for the one call that wrote it; otherwise the item that was there (an event, or a cancellation's
 * tombstone), for the caller to decide. The booking's private facts are kept with it (`redaction`), never returned.
 */
export async function createCrewEvent(
  fields: CrewEventFields,
  origin: 'booking' | 'api',
  ownership: Ownership,
  redaction: PrivateFacts,
  now = new Date(),
): Promise<CreateResult> {
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

  const base = { ...crewSafeFields(fields), event_id: eventId, revision: ownership.revision, version: 1 };
  const event: CrewEvent = {
    ...base,
    confirmations: {},
    declines: {},
    created_at: at,
    updated_at: at,
    owner: ownership.owner,
    ...(ownership.content === undefined ? {} : { content_hash: ownership.content }),
    lifecycle: 'live',
    booking_event: { detail_type: 'EventCreated', detail: eventCreatedDetail(base) },
  };
  const created = await conditionally(() =>
    dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...eventKey(eventId), kind: 'event', origin, ...event, crew_ids: crewIdsOf(event.crew), redaction },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  if (created) return { kind: 'created', event };
  const existing = await readItem(eventId);
  if (!existing) throw new Error(`crew event ${eventId} was reported to exist but cannot be read`);
  return { kind: 'exists', item: existing };
}

/** The crew event, or undefined when there is none (a tombstone is no event). */
export async function getCrewEvent(eventId: string): Promise<CrewEvent | undefined> {
  const item = await readItem(eventId);
  return item?.kind === 'event' ? item.event : undefined;
}

export async function findEventIdByBooking(bookingId: string): Promise<string | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: table(), Key: bookingKey(bookingId), ConsistentRead: true }),
  );
  return typeof Item?.event_id === 'string' ? Item.event_id : undefined;
}

export type CrewChangeResult =
  | { kind: 'updated'; event: CrewEvent }
  | { kind: 'not_found' }
  | { kind: 'cancelled' }
  | { kind: 'stale'; currentVersion: number; current: CrewEvent };

/**
 * Applies a crew-side change (PATCH) to the event as it was read, if it is still at that version (optimistic
 * concurrency: two operators editing at once, or an edit and a booking change, cannot overwrite each other) and not
 * cancelled, bumping the version and keeping the EventUpdated it publishes. The answers of members taken off the crew
 * go with them.
 */
export async function changeCrew(
  event: CrewEvent,
  plan: CrewChangePlan,
  detail: EventUpdated,
  now = new Date(),
): Promise<CrewChangeResult> {
  const names: Record<string, string> = {
    '#version': 'version',
    '#updated_at': 'updated_at',
    '#crew_change': 'crew_change',
    '#lifecycle': 'lifecycle',
  };
  const values: Record<string, unknown> = {
    ':expected': event.version,
    ':next': detail.version,
    ':now': now.toISOString(),
    ':crew_change': { based_on: event.version, detail },
    ':cancelled': 'cancelled',
  };
  const sets = ['#version = :next', '#updated_at = :now', '#crew_change = :crew_change'];
  const removes: string[] = [];
  const { crew, crew_notes } = plan.changes;
  if (crew) {
    Object.assign(names, { '#crew': 'crew', '#crew_ids': 'crew_ids' });
    Object.assign(values, { ':crew': crew, ':crew_ids': crewIdsOf(crew) });
    sets.push('#crew = :crew', '#crew_ids = :crew_ids');
  }
  if (crew_notes !== undefined) names['#crew_notes'] = 'crew_notes';
  if (crew_notes === null) removes.push('#crew_notes');
  else if (crew_notes !== undefined) {
    values[':crew_notes'] = crew_notes;
    sets.push('#crew_notes = :crew_notes');
  }
  if (plan.removed.length > 0) Object.assign(names, { '#confirmations': 'confirmations', '#declines': 'declines' });
  plan.removed.forEach((member, i) => {
    names[`#m${i}`] = member.member_id;
    removes.push(`#confirmations.#m${i}`, `#declines.#m${i}`);
  });
  // Who was on the crew once: the resend route tells "no longer on the crew" (409) from "never heard of" (404).
  const adds: string[] = [];
  if (plan.removed.length > 0) {
    names['#former'] = 'former_crew_ids';
    values[':former'] = crewIdsOf(plan.removed);
    adds.push('#former :former');
    // And the address each was sent links at (`<member_id> <email>`, server-side only): a genuine link of someone
    // taken off the crew is then still checkable, and answered 403 `not_on_crew` rather than as a forgery.
    names['#former_links'] = 'former_crew_links';
    values[':former_links'] = new Set(plan.removed.map((m) => `${m.member_id} ${m.email.trim().toLowerCase()}`));
    adds.push('#former_links :former_links');
  }
  try {
    const { Attributes } = await withAnswerMaps(event.event_id, () =>
      dynamo.send(
        new UpdateCommand({
          TableName: table(),
          Key: eventKey(event.event_id),
          UpdateExpression:
            `SET ${sets.join(', ')}` +
            `${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
          ConditionExpression:
            'attribute_exists(pk) AND #version = :expected AND ' +
            '(attribute_not_exists(#lifecycle) OR #lifecycle <> :cancelled)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return { kind: 'updated', event: toEvent(Attributes ?? {}) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await getCrewEvent(event.event_id);
    if (!current) return { kind: 'not_found' };
    return current.lifecycle === 'cancelled'
      ? { kind: 'cancelled' }
      : { kind: 'stale', currentVersion: current.version, current };
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
