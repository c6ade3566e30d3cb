import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '@charter/shared/dynamo';
import { setting } from '../config';

/**
 * The ops table, `charter-ops-<stage>` (pk, sk), shared by the stores of this folder:
 *
 * | item           | pk               | sk                        | holds |
 * |----------------|------------------|---------------------------|-------|
 * | timeline entry | `booking#<id>`   | `entry#<at>#<event id>`   | one thing that happened (domain/timeline.ts) |
 * | booking head   | `booking#<id>`   | `head#<partner>`          | `charter_date` of that partner's newest        |
 * |                |                  |                           | revision, `date_revision`; `month`, `day_key`  |
 * | partner        | `partners`       | `partner#<name>`          | `last_accepted`, `last_refused`, their instants |
 * | refusal        | `partner#<name>` | `refused#<at>#<event id>` | one refused request (TTL 90 days) |
 * | alert          | `alerts`         | `alert#<alert id>`        | one alert, raised once (TTL 180 days) |
 *
 * The key of an entry holds its event id, so a duplicate delivery writes the same item again; a booking's items are
 * one Query. The sparse index `by-month` (month, day_key = `<charter_date>#<booking_id>`) holds only heads: the
 * console asks for a date range month by month, and lists a booking on its owner's head, the owner chosen when it is
 * read (`deriveStatus`), so the order events arrived in never decides it. Nothing derived (status, readiness) is
 * stored.
 */
export const dynamo = documentClient();

export const table = () => setting('OPS_TABLE');
export const BY_MONTH = 'by-month';

export const bookingPk = (bookingId: string) => `booking#${bookingId}`;
export const entryKey = (bookingId: string, at: string, id: string) => ({
  pk: bookingPk(bookingId),
  sk: `entry#${at}#${id}`,
});
export const HEAD_PREFIX = 'head#';
export const headKey = (bookingId: string, partner: string) => ({
  pk: bookingPk(bookingId),
  sk: `${HEAD_PREFIX}${partner}`,
});
export const PARTNERS_PK = 'partners';
export const partnerKey = (partner: string) => ({ pk: PARTNERS_PK, sk: `partner#${partner}` });
export const refusalKey = (partner: string, at: string, eventId: string) => ({
  pk: `partner#${partner}`,
  sk: `refused#${at}#${eventId}`,
});
export const ALERTS_PK = 'alerts';
export const alertKey = (id: string) => ({ pk: ALERTS_PK, sk: `alert#${id}` });

/** Seconds since the epoch, `days` from `from`: a TTL attribute's value. */
export const expiresAfter = (from: Date, days: number) => Math.floor(from.getTime() / 1000) + days * 86_400;

export type Item = NonNullable<QueryCommandOutput['Items']>[number];

/** Every item a key condition matches, page by page (a page stops at 1 MB). */
export async function queryAll(
  query: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<{ items: Item[]; calls: number }> {
  const items: Item[] = [];
  let calls = 0;
  let startKey: QueryCommandOutput['LastEvaluatedKey'];
  do {
    const page = await dynamo.send(new QueryCommand({ TableName: table(), ...query, ExclusiveStartKey: startKey }));
    calls++;
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { items, calls };
}
