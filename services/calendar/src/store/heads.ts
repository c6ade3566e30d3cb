import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  applyBookingEvent,
  type BookingEventRef,
  type GuardedUpdate,
  type RevisionOutcome,
} from '@charter/shared/booking-revision';
import { isConditionFailure } from '@charter/shared/dynamo';
import type { BookingHead } from '../domain/booking-head';
import { yearOf, type CalendarEntry, type EntryStatus } from '../domain/entry';
import { dynamo, pointerKey, table } from './table';

/**
 * The booking's head (domain/booking-head.ts; layout in table.ts). Each change is ONE conditional UpdateItem of it,
 * never a read followed by a write, so of concurrent deliveries the guard picks the winner; the item as written
 * (ALL_NEW) is what the change's effects are made from.
 */

/** What a partner's event does to the head. */
export type BookingChange = { kind: 'schedule'; entry: CalendarEntry } | { kind: 'cancel'; cancelled_at: string };

type Assignments = NonNullable<GuardedUpdate['set']>;

const SCHEDULE_FIELDS = ['charter_date', 'charter_start', 'charter_end', 'timezone', 'guest_count', 'source'] as const;

/** What every write of the head sets: the id, the write counter (`rev`), and when. */
const written = (bookingId: string, now: Date): Assignments => ({
  assignments: [
    '#booking_id = :booking_id',
    '#rev = if_not_exists(#rev, :zero) + :one',
    '#created_at = if_not_exists(#created_at, :now)',
    '#updated_at = :now',
  ],
  names: { '#booking_id': 'booking_id', '#rev': 'rev', '#created_at': 'created_at', '#updated_at': 'updated_at' },
  values: { ':booking_id': bookingId, ':zero': 0, ':one': 1, ':now': now.toISOString() },
});

/**
 * The schedule and the year it is filed in, added to the years the booking was ever in. `status: 'keep'` keeps the
 * operator's status (a new booking is `booked`): a partner's change moves the charter, not the operator's decision.
 */
function scheduled(entry: CalendarEntry, status: 'keep' | EntryStatus): Assignments {
  const year = yearOf(entry.charter_date);
  const names: Record<string, string> = { '#year': 'year', '#years': 'years', '#status': 'status' };
  const values: Record<string, unknown> = { ':year': year, ':none': [], ':filed': [year] };
  const assignments = SCHEDULE_FIELDS.map((field) => {
    names[`#${field}`] = field;
    values[`:${field}`] = entry[field];
    return `#${field} = :${field}`;
  });
  assignments.push('#year = :year', '#years = list_append(if_not_exists(#years, :none), :filed)');
  if (status === 'keep') {
    assignments.push('#status = if_not_exists(#status, :status)');
    values[':status'] = 'booked';
  } else {
    assignments.push('#status = :status');
    values[':status'] = status;
  }
  return { assignments, names, values };
}

/** A cancellation keeps the last schedule and year: the entry is taken out of that year. */
const cancelled = (cancelledAt: string): Assignments => ({
  assignments: ['#status = :status', '#cancelled_at = :cancelled_at'],
  names: { '#status': 'status', '#cancelled_at': 'cancelled_at' },
  values: { ':status': 'cancelled', ':cancelled_at': cancelledAt },
});

const combine = (...parts: Assignments[]): Assignments => ({
  assignments: parts.flatMap((p) => p.assignments),
  names: Object.assign({}, ...parts.map((p) => p.names)) as Record<string, string>,
  values: Object.assign({}, ...parts.map((p) => p.values)) as Record<string, unknown>,
});

/** A partner's event applied to the head with the revision guard's condition, in the same write as its change. */
export function applyToHead(
  bookingId: string,
  ref: BookingEventRef,
  change: BookingChange,
  now = new Date(),
): Promise<RevisionOutcome<BookingHead>> {
  const changed = change.kind === 'schedule' ? scheduled(change.entry, 'keep') : cancelled(change.cancelled_at);
  return applyBookingEvent<BookingHead>({
    dynamo,
    table: table(),
    key: pointerKey(bookingId),
    ref,
    set: combine(written(bookingId, now), changed),
  });
}

export type OperatorWrite =
  | { kind: 'saved'; head: BookingHead; created: boolean }
  /** The body names another partner than the booking's owner. */
  | { kind: 'not_owner'; owner: string }
  /** The booking was cancelled by its partner: final, as everywhere else. */
  | { kind: 'cancelled' };

/**
 * The operator's POST: the entry as given (schedule and status), in one conditional write. It is not a partner's
 * event: it makes the body's `source` the owner of a booking it creates, refuses one owned by another partner or
 * cancelled, and leaves `revision` alone, so a redelivered or stale event (refused by the guard) never undoes it and
 * the owner's next revision replaces it.
 */
export async function writeOperatorEntry(entry: CalendarEntry, now = new Date()): Promise<OperatorWrite> {
  const set = combine(written(entry.booking_id, now), scheduled(entry, entry.status), {
    assignments: ['#owner = if_not_exists(#owner, :source)'],
    names: { '#owner': 'owner', '#lifecycle': 'lifecycle' },
    values: { ':cancelled': 'cancelled' },
  });
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: pointerKey(entry.booking_id),
        UpdateExpression: `SET ${set.assignments.join(', ')}`,
        ConditionExpression:
          '(attribute_not_exists(#owner) OR #owner = :source) AND ' +
          '(attribute_not_exists(#lifecycle) OR #lifecycle <> :cancelled)',
        ExpressionAttributeNames: set.names,
        ExpressionAttributeValues: set.values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    const head = Attributes as BookingHead;
    return { kind: 'saved', head, created: head.rev === 1 };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const head = await readHead(entry.booking_id);
  return head?.owner !== undefined && head.owner !== entry.source
    ? { kind: 'not_owner', owner: head.owner }
    : { kind: 'cancelled' };
}

/** The head as it stands (strongly consistent), or none. */
export async function readHead(bookingId: string): Promise<BookingHead | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: table(), Key: pointerKey(bookingId), ConsistentRead: true }),
  );
  // A head written before v2 has no booking_id attribute; its key has it.
  return Item ? ({ ...Item, booking_id: bookingId } as BookingHead) : undefined;
}
