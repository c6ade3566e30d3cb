import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '@charter/shared/dynamo';
import { yearOf, type CalendarEntry, type EntryStatus } from '../domain/entry';
import { dynamo, entryKey, pointerKey, queryAll, table, type Item } from './table';
import { bumpYearVersion } from './years';

/** Concurrent corrections of one booking retry on a lost race (with backoff); more than this is a fault. */
const MAX_UPSERT_ATTEMPTS = 10;

export interface StoredEntry extends CalendarEntry {
  created_at: string;
  updated_at: string;
}

/** The booking pointer (layout in table.ts): where the booking's entry is, and where it has been. */
interface BookingPointer {
  year: number;
  rev: number;
  status: EntryStatus;
  created_at: string;
  /** Every year the booking was ever filed in: where a stale item could remain. */
  years: number[];
}

export interface UpsertResult {
  created: boolean;
  entry: StoredEntry;
  /** Every year whose entries changed, with its new version: the new one first, the old one if the date moved years. */
  years: { year: number; version: number }[];
}

/**
 * Saves a booking's entry, idempotent on its booking id whatever its date. DynamoDB
 * transactions would make this one step; dynalite (the local stand-in) has none, so the steps
 * are ordered to be safe without them:
 *
 * 1. the pointer is swapped to the next `rev` conditionally, so of racing writers exactly one
 *    wins each rev and the others retry on fresh state, having written nothing;
 * 2. the winner writes its year's item, unless a later rev is already there;
 * 3. it removes the booking from every other year it was ever in (`years`), where the item is
 *    older than its rev; a crash before this is repaired by the retry of the same event;
 * 4. if a later writer moved the booking elsewhere meanwhile, it removes its own item (either
 *    it sees that writer's swap here, or that writer's step 3 sees its item);
 * 5. only then the years' versions are bumped, so a rebuild that sees a version sees its change.
 *
 * `keepStatus`: a redelivered BookingCreated (EventBridge retries for up to a day) must not undo
 * a status the operator set since, so the bus path keeps the stored status.
 */
export async function upsertEntry(
  entry: CalendarEntry,
  options: { keepStatus: boolean },
  now = new Date(),
): Promise<UpsertResult> {
  const year = yearOf(entry.charter_date);
  for (let attempt = 1; attempt <= MAX_UPSERT_ATTEMPTS; attempt++) {
    const pointer = await readPointer(entry.booking_id);
    const rev = (pointer?.rev ?? 0) + 1;
    const status = options.keepStatus && pointer ? pointer.status : entry.status;
    const createdAt = pointer?.created_at ?? now.toISOString();
    const years = [...new Set([...(pointer?.years ?? []), year])];
    if (!(await swapPointer(entry.booking_id, { year, rev, status, created_at: createdAt, years }, pointer?.rev))) {
      await sleep(Math.random() * 10 * 2 ** attempt);
      continue;
    }

    const stored: StoredEntry = { ...entry, status, created_at: createdAt, updated_at: now.toISOString() };
    await writeEntryUnlessNewer(stored, year, rev);
    const changed = new Set([year]);
    for (const other of years.filter((y) => y !== year)) {
      if (await deleteEntryIf(other, entry.booking_id, 'rev < :rev', rev)) changed.add(other);
    }
    const latest = await readPointer(entry.booking_id);
    if (latest && latest.rev !== rev && latest.year !== year) {
      await deleteEntryIf(year, entry.booking_id, 'rev = :rev', rev);
    }

    const versions = await Promise.all(
      [...changed].map(async (y) => ({ year: y, version: await bumpYearVersion(y, now) })),
    );
    return { created: !pointer, entry: stored, years: versions };
  }
  throw new Error(`booking ${entry.booking_id} lost ${MAX_UPSERT_ATTEMPTS} races to concurrent writers; retry`);
}

async function readPointer(bookingId: string): Promise<BookingPointer | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: table(), Key: pointerKey(bookingId), ConsistentRead: true }),
  );
  return Item as BookingPointer | undefined;
}

function swapPointer(bookingId: string, next: BookingPointer, expectedRev: number | undefined): Promise<boolean> {
  return conditionally(() =>
    dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: { ...pointerKey(bookingId), ...next },
        ...(expectedRev === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'rev = :expected', ExpressionAttributeValues: { ':expected': expectedRev } }),
      }),
    ),
  );
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
 * Removes the booking's item from a year when its `rev` meets the condition; true when an item
 * was removed. `rev < :rev` clears a year the booking left (an item of a later move back stays);
 * `rev = :rev` takes back this writer's own item.
 */
function deleteEntryIf(year: number, bookingId: string, condition: string, rev: number): Promise<boolean> {
  return conditionally(() =>
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
