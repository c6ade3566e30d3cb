import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '@charter/shared/dynamo';
import { setting } from '../config';

/**
 * The calendar table, `JadaCalendar-<stage>` (pk, sk), shared by heads.ts, entries.ts and years.ts:
 *
 * | item         | pk             | sk                   | holds |
 * |--------------|----------------|----------------------|-------|
 * | booking head | `BOOKING#<id>` | `YEAR`               | the booking as the calendar shows it (schedule, status), |
 * |              |                |                      | `owner`, `revision`, `lifecycle`, `rev`, `year`, `years`, |
 * |              |                |                      | created_at, updated_at, cancelled_at |
 * | entry        | `YEAR#<yyyy>`  | `ENTRY#<booking_id>` | the entry filed from the head, `rev` |
 * | year record  | `CALENDAR`     | `YEAR#<yyyy>`        | `version`, what the bucket holds, rebuild lease, |
 * |              |                |                      | invalidation state |
 *
 * Every change of a booking is one conditional write of its head (heads.ts); the entry items are filed from it
 * (entries.ts), one per booking, in the year of its date: their key does not contain the date, so a change overwrites
 * the one item, and the head's `years` finds the old item when the date moves to another year. A year's entries are
 * one Query; all year records are one Query (the sweep's list). (The head's sort key `YEAR` is the v1 pointer's.)
 */
export const dynamo = documentClient();

export const table = () => setting('CALENDAR_TABLE');

export const entryKey = (year: number, bookingId: string) => ({ pk: `YEAR#${year}`, sk: `ENTRY#${bookingId}` });
export const pointerKey = (bookingId: string) => ({ pk: `BOOKING#${bookingId}`, sk: 'YEAR' });
export const YEARS_PK = 'CALENDAR';
export const yearKey = (year: number) => ({ pk: YEARS_PK, sk: `YEAR#${year}` });

/** An item as the document client returns it. */
export type Item = NonNullable<QueryCommandOutput['Items']>[number];

/** Every item a key condition matches, read strongly consistent and page by page (a page stops at 1 MB). */
export async function queryAll<T>(
  condition: Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues'>,
  map: (item: Item) => T,
): Promise<T[]> {
  const found: T[] = [];
  let startKey: QueryCommandOutput['LastEvaluatedKey'];
  do {
    const page = await dynamo.send(
      new QueryCommand({ TableName: table(), ...condition, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) found.push(map(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}
