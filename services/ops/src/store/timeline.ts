import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '@charter/shared/dynamo';
import type { DateRange } from '../domain/range';
import { monthsOf } from '../domain/range';
import type { TimelineEntry } from '../domain/timeline';
import { BY_MONTH, HEAD_PREFIX, bookingPk, dynamo, entryKey, headKey, queryAll, table, type Item } from './table';

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
 * Moves the partner's head of the booking to the charter date of its newer revision: one conditional UpdateItem, so
 * of events arriving in any order the highest revision's date stays. Every partner naming the booking has its own
 * head; which one is the owner's is decided when the week is read, by the rule the status uses, never by which
 * partner's event reached ops first. False when the head already shows a newer revision.
 */
export function recordBookingDate(bookingId: string, partner: string, revision: number, charterDate: string) {
  return conditionally(() =>
    dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: headKey(bookingId, partner),
        UpdateExpression:
          'SET charter_date = :date, date_revision = :revision, #month = :month, day_key = :dayKey, partner = :partner',
        ConditionExpression: 'attribute_not_exists(date_revision) OR date_revision < :revision',
        ExpressionAttributeNames: { '#month': 'month' },
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
const toEntry = (item: Item) =>
  Object.fromEntries(ENTRY_FIELDS.filter((f) => f in item).map((f) => [f, item[f]])) as TimelineEntry;

/**
 * At most this many entries of one booking are read: the oldest (the first booking events, so the owner, and the first
 * steps) and the newest. A booking has a few dozen; only another partner flooding its id, or a loop, makes more, and
 * reading them all would make one response of hundreds of kilobytes and a Lambda run of seconds.
 */
export const OLDEST_ENTRIES = 50;
export const NEWEST_ENTRIES = 450;
/** Every entry's sort key starts `entry#`; `$` sorts right after `#`, so no head (`head#...`) is between. */
const AFTER_ENTRIES = 'entry$';

export interface StoredTimeline {
  entries: TimelineEntry[];
  /** True when the booking has more entries than were read: those between the oldest and the newest are left out. */
  truncated: boolean;
}

/**
 * The booking's entries, in key order (instant, then event id): every one in one Query for any ordinary booking; for
 * one with more than the bound, the oldest and the newest (two Queries), flagged `truncated`. Empty when ops has seen
 * nothing of it.
 */
export async function readTimeline(bookingId: string): Promise<StoredTimeline> {
  const pk = bookingPk(bookingId);
  const first = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
      ExpressionAttributeValues: { ':pk': pk, ':entry': 'entry#' },
      Limit: OLDEST_ENTRIES + NEWEST_ENTRIES,
    }),
  );
  const items = first.Items ?? [];
  if (!first.LastEvaluatedKey) return { entries: items.map(toEntry), truncated: false };
  // The newest, read backwards from the end, down to the first entry after the oldest kept.
  const from = String((items[OLDEST_ENTRIES] ?? first.LastEvaluatedKey).sk);
  const last = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :end',
      ExpressionAttributeValues: { ':pk': pk, ':from': from, ':end': AFTER_ENTRIES },
      ScanIndexForward: false,
      Limit: NEWEST_ENTRIES + 1,
    }),
  );
  const newest = (last.Items ?? []).slice(0, NEWEST_ENTRIES);
  const bySortKey = new Map([...items.slice(0, OLDEST_ENTRIES), ...newest].map((item) => [String(item.sk), item]));
  return {
    entries: [...bySortKey.keys()].sort().map((sk) => toEntry(bySortKey.get(sk)!)),
    truncated: (last.Items?.length ?? 0) > NEWEST_ENTRIES || last.LastEvaluatedKey !== undefined,
  };
}

export interface BookingHead {
  booking_id: string;
  charter_date: string;
  /** The partner whose newest revision puts the booking on that date. */
  partner: string;
}

/**
 * The heads whose charter date falls in the range, by date: one Query of the index per month. A booking another partner
 * also named may have two heads (on two dates): the caller keeps the owner's.
 */
export async function headsInRange(range: DateRange): Promise<BookingHead[]> {
  const found: BookingHead[] = [];
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
      found.push({
        booking_id: bookingId,
        charter_date: charterDate,
        partner: String(item.sk).slice(HEAD_PREFIX.length),
      });
    }
  }
  return found.sort((a, b) => a.charter_date.localeCompare(b.charter_date) || a.booking_id.localeCompare(b.booking_id));
}
