import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '@charter/shared/dynamo';
import { entryOf, filedYear, yearsToSettle, type BookingHead, type StoredEntry } from '../domain/booking-head';
import { readHead } from './heads';
import { dynamo, entryKey, queryAll, table, type Item } from './table';
import { bumpYearVersion } from './years';

export type { StoredEntry } from '../domain/booking-head';

/** A year whose entries may have changed, with its version after the change. */
export interface YearVersion {
  year: number;
  version: number;
}

/**
 * Files the head's entry in its year and nowhere else, then bumps the version of every year the booking was ever in,
 * returning them. Idempotent (a redelivery runs it again from the same head), and safe without transactions (dynalite,
 * the local stand-in, has none) because every step is conditional on the head's `rev`:
 *
 * 1. the entry is written in its year, unless an item of a later `rev` is there (a slower writer never puts an older
 *    entry back); a cancelled booking has no year and is written nowhere;
 * 2. it is removed from every other year it was ever in, where its item is older than this `rev`;
 * 3. if a later write of the head filed the booking elsewhere (or cancelled it) meanwhile, this writer removes its own
 *    item: either it sees that write here, or that writer's step 2 sees its item;
 * 4. only then are the years' versions bumped, so a rebuild that sees a version sees the change. Every year the
 *    booking was ever in is bumped, not only those this call changed: an earlier writer may have changed one and died
 *    before its bump, and its retry, now stale, makes no effects. A rebuild that finds the same entries writes nothing.
 */
export async function fileEntry(head: BookingHead, now = new Date()): Promise<YearVersion[]> {
  const target = filedYear(head);
  const entry = entryOf(head);
  if (target !== undefined && entry) await writeEntryUnlessNewer(entry, target, head.rev);
  for (const other of yearsToSettle(head).filter((y) => y !== target)) {
    await deleteEntryIf(other, head.booking_id, 'rev < :rev', head.rev);
  }
  if (target !== undefined) {
    const latest = await readHead(head.booking_id);
    if (latest && latest.rev !== head.rev && filedYear(latest) !== target) {
      await deleteEntryIf(target, head.booking_id, 'rev = :rev', head.rev);
    }
  }
  return Promise.all(yearsToSettle(head).map(async (year) => ({ year, version: await bumpYearVersion(year, now) })));
}

/** A writer delayed past a later one must not put its older entry back. */
async function writeEntryUnlessNewer(entry: StoredEntry, year: number, rev: number): Promise<void> {
  await conditionally(() =>
    dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...entryKey(year, entry.booking_id), ...entry, rev },
        ConditionExpression: 'attribute_not_exists(pk) OR rev < :rev',
        ExpressionAttributeValues: { ':rev': rev },
      }),
    ),
  );
}

/**
 * Removes the booking's item from a year when its `rev` meets the condition. `rev < :rev` clears a year the booking
 * left (an item of a later move back stays); `rev = :rev` takes back this writer's own item.
 */
async function deleteEntryIf(year: number, bookingId: string, condition: string, rev: number): Promise<void> {
  await conditionally(() =>
    dynamo.send(
      new DeleteCommand({
        TableName: table(),
        Key: entryKey(year, bookingId),
        ConditionExpression: condition,
        ExpressionAttributeValues: { ':rev': rev },
      }),
    ),
  );
}

/** Every entry of the year, read strongly consistent and page by page. */
export function queryYearEntries(year: number): Promise<StoredEntry[]> {
  return queryAll(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
      ExpressionAttributeValues: { ':pk': `YEAR#${year}`, ':entry': 'ENTRY#' },
    },
    toStoredEntry,
  );
}

function toStoredEntry(item: Item): StoredEntry {
  const { pk: _pk, sk: _sk, rev: _rev, ...entry } = item;
  return entry as StoredEntry;
}
