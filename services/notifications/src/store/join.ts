import { GetCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CalendarUpdated, CrewMember, EventCreated } from '@charter/events';
import { conditionally, documentClient, isConditionFailure } from '@charter/shared/dynamo';
import { setting } from '../config';
import { JoinState, type MissingStep, type OnceField } from '../domain/join';

/**
 * The join table, `charter-notifications-<stage>`, one item per booking_id. Every write is one
 * UpdateItem; every decision that must happen once (a send, CrewNotified, an alert) is a
 * conditional write that exactly one invocation wins.
 *
 * Bookings not yet finished carry `watch = "open"` and `watch_since` (first arrival): the sparse
 * index WATCH_INDEX holds only those, so the stall check queries the unfinished bookings instead
 * of scanning every booking ever made.
 */
const dynamo = documentClient();

export const WATCH_INDEX = 'watching';
const OPEN = 'open';
/** Takes the booking off the watch list (the index `watching` is keyed on both). */
const UNWATCH = 'REMOVE #watch, watch_since';

/** A conditional UpdateItem on the join table; false when the condition did not hold (someone else got there first). */
const updateIf = (input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> =>
  conditionally(() => dynamo.send(new UpdateCommand({ TableName: setting('JOIN_TABLE'), ...input })));

export type Arrival =
  { kind: 'EventCreated'; detail: EventCreated } | { kind: 'CalendarUpdated'; detail: CalendarUpdated };

export type ArrivalResult = { kind: 'recorded'; state: JoinState } | { kind: 'already_notified' };

/**
 * Records one delivery of EventCreated or CalendarUpdated. The first copy of each event is kept
 * (if_not_exists), so duplicates and reorderings converge on the same item. Once the crew has
 * been notified, a late duplicate changes nothing.
 */
export async function recordArrival(arrival: Arrival, now: Date): Promise<ArrivalResult> {
  const [field, value] =
    arrival.kind === 'EventCreated'
      ? (['crew_event', arrival.detail] as const)
      : (['calendar', { year: arrival.detail.year, calendar_url: arrival.detail.calendar_url }] as const);
  try {
    const result = await dynamo.send(
      new UpdateCommand({
        TableName: setting('JOIN_TABLE'),
        Key: { booking_id: arrival.detail.booking_id },
        UpdateExpression:
          'SET #field = if_not_exists(#field, :value), #at = if_not_exists(#at, :now), ' +
          'sends = if_not_exists(sends, :none), #watch = :open, watch_since = if_not_exists(watch_since, :now), ' +
          'updated_at = :now ADD #deliveries :one',
        ConditionExpression: 'attribute_not_exists(notified_at)',
        ExpressionAttributeNames: {
          '#field': field,
          '#at': `${field}_at`,
          '#watch': 'watch',
          '#deliveries': `${field}_deliveries`,
        },
        ExpressionAttributeValues: {
          ':value': value,
          ':now': now.toISOString(),
          ':none': {},
          ':open': OPEN,
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { kind: 'recorded', state: JoinState.parse(result.Attributes) };
  } catch (error) {
    if (isConditionFailure(error)) return { kind: 'already_notified' };
    throw error;
  }
}

/** The booking's join item, read consistently (it decides who is still to be emailed). */
export async function getJoin(bookingId: string): Promise<JoinState | undefined> {
  const result = await dynamo.send(
    new GetCommand({ TableName: setting('JOIN_TABLE'), Key: { booking_id: bookingId }, ConsistentRead: true }),
  );
  return result.Item ? JoinState.parse(result.Item) : undefined;
}

/** Claims the right to email one member. Exactly one invocation wins, ever, per booking and member. */
export function claimSend(bookingId: string, member: CrewMember, claimer: string, now: Date): Promise<boolean> {
  return updateIf({
    Key: { booking_id: bookingId },
    UpdateExpression: 'SET sends.#member = :claim',
    ConditionExpression: 'attribute_exists(sends) AND attribute_not_exists(sends.#member)',
    ExpressionAttributeNames: { '#member': member.member_id },
    ExpressionAttributeValues: {
      ':claim': { status: 'claimed', email: member.email, claimed_at: now.toISOString(), claimed_by: claimer },
    },
  });
}

const ownClaim = {
  ConditionExpression: 'sends.#member.claimed_by = :me AND sends.#member.#status = :claimed',
  names: (memberId: string) => ({ '#member': memberId, '#status': 'status' }),
};

/** SES accepted the message: the claim becomes a record with its message id. */
export async function recordSent(
  bookingId: string,
  memberId: string,
  claimer: string,
  messageId: string,
  now: Date,
): Promise<void> {
  const recorded = await updateIf({
    Key: { booking_id: bookingId },
    UpdateExpression: 'SET sends.#member.#status = :sent, sends.#member.message_id = :id, sends.#member.sent_at = :now',
    ConditionExpression: ownClaim.ConditionExpression,
    ExpressionAttributeNames: ownClaim.names(memberId),
    ExpressionAttributeValues: {
      ':me': claimer,
      ':claimed': 'claimed',
      ':sent': 'sent',
      ':id': messageId,
      ':now': now.toISOString(),
    },
  });
  if (!recorded)
    throw new Error(
      `the send to ${memberId} was claimed by ${claimer} but its claim is gone; message ${messageId} not recorded`,
    );
}

/** SES certainly did not send (it refused for rate, or failed before sending): let a retry claim it again. */
export function releaseSend(bookingId: string, memberId: string, claimer: string): Promise<boolean> {
  return updateIf({
    Key: { booking_id: bookingId },
    UpdateExpression: 'REMOVE sends.#member',
    ConditionExpression: ownClaim.ConditionExpression,
    ExpressionAttributeNames: ownClaim.names(memberId),
    ExpressionAttributeValues: { ':me': claimer, ':claimed': 'claimed' },
  });
}

/** The send ends without a message id: refused for good, or possibly sent with the answer lost. */
export function markSendFailed(
  bookingId: string,
  memberId: string,
  claimer: string,
  status: 'rejected' | 'unconfirmed',
  reason: string,
  now: Date,
): Promise<boolean> {
  return updateIf({
    Key: { booking_id: bookingId },
    UpdateExpression:
      'SET sends.#member.#status = :status, sends.#member.reason = :reason, sends.#member.failed_at = :now',
    ConditionExpression: ownClaim.ConditionExpression,
    ExpressionAttributeNames: ownClaim.names(memberId),
    ExpressionAttributeValues: {
      ':me': claimer,
      ':claimed': 'claimed',
      ':status': status,
      ':reason': reason,
      ':now': now.toISOString(),
    },
  });
}

export interface OnceClaimOptions {
  /** A claim older than this (left by an invocation that died) may be taken over. */
  staleBefore?: Date;
  /** Only while this event is still missing (a stall alert for a step that just happened is moot). */
  whileMissing?: MissingStep;
}

/** Claims a one-off action (publishing CrewNotified, sending an alert) for this invocation. */
export function claimOnce(
  bookingId: string,
  field: OnceField,
  claimer: string,
  now: Date,
  options: OnceClaimOptions = {},
): Promise<boolean> {
  const names: Record<string, string> = { '#once': field };
  const values: Record<string, unknown> = {
    ':claim': { status: 'claimed', claimed_at: now.toISOString(), claimed_by: claimer },
  };
  let condition = 'attribute_not_exists(#once)';
  if (options.staleBefore) {
    condition = '(attribute_not_exists(#once) OR (#once.#status = :claimed AND #once.claimed_at < :stale))';
    Object.assign(names, { '#status': 'status' });
    Object.assign(values, { ':claimed': 'claimed', ':stale': options.staleBefore.toISOString() });
  }
  if (options.whileMissing) {
    condition += ' AND attribute_not_exists(#missing)';
    names['#missing'] = options.whileMissing;
  }
  return updateIf({
    Key: { booking_id: bookingId },
    UpdateExpression: 'SET #once = :claim',
    ConditionExpression: `attribute_exists(booking_id) AND ${condition}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/**
 * Records a claimed one-off action as done. CrewNotified closes the booking: it leaves the watch
 * index, and later duplicates of its events are ignored (notified_at).
 */
export async function recordOnce(
  bookingId: string,
  field: OnceField,
  claimer: string,
  id: string,
  now: Date,
): Promise<void> {
  const closes = field === 'crew_notified' ? ', notified_at = :now' : '';
  await updateIf({
    Key: { booking_id: bookingId },
    UpdateExpression: `SET #once.#status = :done, #once.id = :id, #once.done_at = :now${closes} ${UNWATCH}`,
    ConditionExpression: '#once.claimed_by = :me',
    ExpressionAttributeNames: { '#once': field, '#status': 'status', '#watch': 'watch' },
    ExpressionAttributeValues: { ':done': 'done', ':id': id, ':now': now.toISOString(), ':me': claimer },
  });
}

/** The action failed before taking effect: give the claim back so a later attempt may take it. */
export function releaseOnce(bookingId: string, field: OnceField, claimer: string): Promise<boolean> {
  return updateIf({
    Key: { booking_id: bookingId },
    UpdateExpression: 'REMOVE #once',
    ConditionExpression: '#once.claimed_by = :me',
    ExpressionAttributeNames: { '#once': field },
    ExpressionAttributeValues: { ':me': claimer },
  });
}

/** An alert SES refused for good: kept as rejected (never retried) and the booking unwatched. */
export function markOnceRejected(
  bookingId: string,
  field: OnceField,
  claimer: string,
  reason: string,
): Promise<boolean> {
  return updateIf({
    Key: { booking_id: bookingId },
    UpdateExpression: `SET #once.#status = :rejected, #once.reason = :reason ${UNWATCH}`,
    ConditionExpression: '#once.claimed_by = :me',
    ExpressionAttributeNames: { '#once': field, '#status': 'status', '#watch': 'watch' },
    ExpressionAttributeValues: { ':rejected': 'rejected', ':reason': reason, ':me': claimer },
  });
}

/**
 * Takes a booking off the watch list (finished, or already reported to a human), unless an event
 * arrived since the item was read: that arrival put it back on the list, and it stays there.
 */
export async function stopWatching(state: Pick<JoinState, 'booking_id' | 'updated_at'>): Promise<void> {
  await updateIf({
    Key: { booking_id: state.booking_id },
    UpdateExpression: UNWATCH,
    ConditionExpression: state.updated_at
      ? 'updated_at = :seen'
      : 'attribute_exists(booking_id) AND attribute_not_exists(updated_at)',
    ExpressionAttributeNames: { '#watch': 'watch' },
    ...(state.updated_at ? { ExpressionAttributeValues: { ':seen': state.updated_at } } : {}),
  });
}

/**
 * Booking ids on the watch list since before `cutoff`, oldest first. Only unfinished bookings
 * are in the index, so each page is bounded by the bookings in flight, not by history.
 */
export async function watchedSince(cutoff: Date, limit = 500): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: setting('JOIN_TABLE'),
        IndexName: WATCH_INDEX,
        KeyConditionExpression: '#watch = :open AND watch_since <= :cutoff',
        ExpressionAttributeNames: { '#watch': 'watch' },
        ExpressionAttributeValues: { ':open': OPEN, ':cutoff': cutoff.toISOString() },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) ids.push(String(item.booking_id));
    startKey = page.LastEvaluatedKey;
  } while (startKey && ids.length < limit);
  return ids.slice(0, limit);
}
