import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '@charter/shared/dynamo';
import { setting } from '../config';

/**
 * The calendar table, `JadaCalendar-<stage>` (pk, sk), shared by entries.ts and years.ts:
 *
 * | item            | pk              | sk                   | holds |
 * |-----------------|-----------------|----------------------|-------|
 * | entry           | `YEAR#<yyyy>`   | `ENTRY#<booking_id>` | the entry, `rev` |
 * | booking pointer | `BOOKING#<id>`  | `YEAR`               | the year its entry is in, `rev`, every year it was in, |
 * |                 |                 |                      | status, created_at |
 * | year record     | `CALENDAR`      | `YEAR#<yyyy>`        | `version`, what the bucket holds, rebuild lease, |
 * |                 |                 |                      | invalidation state |
 *
 * An entry's key does not contain its date, so a redelivered or corrected booking overwrites
 * the one item; the pointer finds the old item when the date moves to another year. A year's
 * entries are one Query; all year records are one Query (the sweep's list).
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
