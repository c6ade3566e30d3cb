import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '@charter/shared/dynamo';
import type { DateRange } from '../domain/range';
import { monthsOf } from '../domain/range';
import type { TimelineEntry } from '../domain/timeline';
import { BY_MONTH, bookingPk, dynamo, entryKey, headKey, queryAll, table } from './table';

/**
 * A booking's timeline and head. An entry is written whole under a key made of its instant and event id: a
 * duplicate delivery rewrites the same item with the same content, so no condition is needed and any order of
 * arrival leaves the same items.
 */
export async function recordEntry(entry: TimelineEntry): Promise<void> {
  await dynamo.send(
    new PutCommand({ TableName: table(), Item: { ...entryKey(entry.booking_id, entry.at, entry.id), ...entry } }),
  );
}

/**
 * Moves the booking's head to the charter date of a newer revision from its owner: one conditional UpdateItem, so
 * of events arriving in any order the highest revision's date stays, and another partner's event (which the
 * services refuse as not_owner) never moves it. False when the head already shows a newer revision or another owner.
 */
export function recordBookingDate(bookingId: string, partner: string, revision: number, charterDate: string) {
  return conditionally(() =>
    dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: headKey(bookingId),
        UpdateExpression:
          'SET charter_date = :date, date_revision = :revision, #month = :month, day_key = :dayKey, ' +
          '#owner = if_not_exists(#owner, :partner)',
        ConditionExpression:
          '(attribute_not_exists(#owner) OR #owner = :partner) AND ' +
          '(attribute_not_exists(date_revision) OR date_revision < :revision)',
        ExpressionAttributeNames: { '#owner': 'owner', '#month': 'month' },
        ExpressionAttributeValues: {
          ':date': charterDate,
          ':revision': revision,
          ':month': charterDate.slice(0, 7),
          ':dayKey': `${charterDate}#${bookingId}`,
          ':partner': partner,
        },
      }),
    ),
  );
}

const ENTRY_FIELDS = ['id', 'booking_id', 'at', 'service', 'revision', 'kind', 'facts'] as const;

/** Every entry of the booking (one Query, paged), as written; empty when ops has seen nothing of it. */
export async function readTimeline(bookingId: string): Promise<TimelineEntry[]> {
  const { items } = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
    ExpressionAttributeValues: { ':pk': bookingPk(bookingId), ':entry': 'entry#' },
  });
  return items.map(
    (item) => Object.fromEntries(ENTRY_FIELDS.filter((f) => f in item).map((f) => [f, item[f]])) as TimelineEntry,
  );
}

/** The bookings whose charter date falls in the range, by date: one Query of the index per month. */
export async function bookingsInRange(range: DateRange): Promise<{ booking_id: string; charter_date: string }[]> {
  const found: { booking_id: string; charter_date: string }[] = [];
  for (const month of monthsOf(range)) {
    const { items } = await queryAll({
      IndexName: BY_MONTH,
      KeyConditionExpression: '#month = :month AND day_key BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#month': 'month' },
      // `#` sorts before every booking id character, `~` after: the bounds take whole days.
      ExpressionAttributeValues: { ':month': month, ':from': `${range.from}#`, ':to': `${range.to}#~` },
    });
    for (const item of items) {
      const [charterDate, bookingId] = String(item.day_key).split('#') as [string, string];
      found.push({ booking_id: bookingId, charter_date: charterDate });
    }
  }
  return found.sort((a, b) => a.charter_date.localeCompare(b.charter_date) || a.booking_id.localeCompare(b.booking_id));
}
