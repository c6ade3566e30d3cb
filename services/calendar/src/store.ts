import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig } from '@charter/shared/aws';
import { siteConfig, tableConfig } from './config';
import { yearOf, type CalendarEntry, type EntryStatus } from './domain/entry';
import type { InvalidationState } from './domain/invalidation';
import {
  PUBLIC_CALENDAR_CACHE_CONTROL,
  PUBLIC_CALENDAR_CONTENT_TYPE,
  calendarKey,
  calendarPath,
} from './domain/public-calendar';

/**
 * The calendar table, `JadaCalendar-<stage>` (pk, sk):
 *
 * | item            | pk                 | sk                  | holds |
 * |-----------------|--------------------|---------------------|-------|
 * | entry           | `YEAR#<yyyy>`      | `ENTRY#<booking_id>`| the entry, `rev` |
 * | booking pointer | `BOOKING#<id>`     | `YEAR`              | the year its entry is in, `rev`, every year it was in, status, created_at |
 * | year record     | `CALENDAR`         | `YEAR#<yyyy>`       | `version`, what the bucket holds, rebuild lease, invalidation state |
 *
 * An entry's key does not contain its date, so a redelivered or corrected booking overwrites
 * the one item; the pointer finds the old item when the date moves to another year. A year's
 * entries are one Query; all year records are one Query (the sweep's list).
 */
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const s3 = new S3Client(s3ClientConfig());
const cloudfront = new CloudFrontClient({});

const table = () => tableConfig().CALENDAR_TABLE;
const entryKey = (year: number, bookingId: string) => ({ pk: `YEAR#${year}`, sk: `ENTRY#${bookingId}` });
const pointerKey = (bookingId: string) => ({ pk: `BOOKING#${bookingId}`, sk: 'YEAR' });
const YEARS_PK = 'CALENDAR';
const yearKey = (year: number) => ({ pk: YEARS_PK, sk: `YEAR#${year}` });

/** Concurrent corrections of one booking retry on a lost race (with backoff); more than this is a fault. */
const MAX_UPSERT_ATTEMPTS = 10;

export interface StoredEntry extends CalendarEntry {
  created_at: string;
  updated_at: string;
}

interface BookingPointer {
  year: number;
  rev: number;
  status: EntryStatus;
  created_at: string;
  /** Every year the booking was ever filed in: where a stale item could remain. */
  years: number[];
}

export interface YearState extends InvalidationState {
  /** Bumped after every change to the year's entries. */
  version: number;
  /** The version the object in the bucket was built from (it holds every change up to it). */
  built_version: number;
  built_digest?: string;
  lease_owner?: string;
  lease_until?: number;
}

export interface UpsertResult {
  created: boolean;
  entry: StoredEntry;
  /** Every year whose entries changed (the new one first; the old one if the date moved years) and its version after the change. */
  years: { year: number; version: number }[];
}

const isConditionFailure = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as Error)?.name === 'ConditionalCheckFailedException';

/** Runs a conditional write; false when its condition did not hold. */
async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
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
      if (await deleteEntryOlderThan(other, entry.booking_id, rev)) changed.add(other);
    }
    const latest = await readPointer(entry.booking_id);
    if (latest && latest.rev !== rev && latest.year !== year) await deleteEntryOfRev(year, entry.booking_id, rev);

    const versions = await Promise.all(
      [...changed].map(async (y) => ({ year: y, version: await bumpYearVersion(y, now) })),
    );
    return { created: !pointer, entry: stored, years: versions };
  }
  throw new Error(`booking ${entry.booking_id} lost ${MAX_UPSERT_ATTEMPTS} races to concurrent writers; retry`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readPointer(bookingId: string): Promise<BookingPointer | undefined> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: table(), Key: pointerKey(bookingId), ConsistentRead: true }),
  );
  return Item as BookingPointer | undefined;
}

function swapPointer(bookingId: string, next: BookingPointer, expectedRev: number | undefined): Promise<boolean> {
  return conditionally(() =>
    ddb.send(
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
    ddb.send(
      new PutCommand({
        TableName: table(),
        Item: { ...entryKey(year, entry.booking_id), ...entry, rev },
        ConditionExpression: 'attribute_not_exists(pk) OR rev < :rev',
        ExpressionAttributeValues: { ':rev': rev },
      }),
    ),
  );
}

/** True when an item was removed. An item of a later rev (a later move back) stays. */
function deleteEntryOlderThan(year: number, bookingId: string, rev: number): Promise<boolean> {
  return conditionally(() =>
    ddb.send(
      new DeleteCommand({
        TableName: table(),
        Key: entryKey(year, bookingId),
        ConditionExpression: 'rev < :rev',
        ExpressionAttributeValues: { ':rev': rev },
      }),
    ),
  );
}

async function deleteEntryOfRev(year: number, bookingId: string, rev: number): Promise<void> {
  await conditionally(() =>
    ddb.send(
      new DeleteCommand({
        TableName: table(),
        Key: entryKey(year, bookingId),
        ConditionExpression: 'rev = :rev',
        ExpressionAttributeValues: { ':rev': rev },
      }),
    ),
  );
}

async function bumpYearVersion(year: number, now: Date): Promise<number> {
  const { Attributes } = await ddb.send(
    new UpdateCommand({
      TableName: table(),
      Key: yearKey(year),
      UpdateExpression: 'SET #year = :year, epoch = if_not_exists(epoch, :now) ADD version :one',
      ExpressionAttributeNames: { '#year': 'year' },
      ExpressionAttributeValues: { ':year': year, ':now': now.getTime(), ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.version);
}

/** Every entry of the year, read strongly consistent and page by page (a page stops at 1 MB). */
export function queryYearEntries(year: number): Promise<StoredEntry[]> {
  return queryAll(
    {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
      ExpressionAttributeValues: { ':pk': `YEAR#${year}`, ':entry': 'ENTRY#' },
    },
    toStoredEntry,
  );
}

/** Every item a key condition matches, read strongly consistent and page by page, each mapped by `map`. */
async function queryAll<T>(
  condition: Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues'>,
  map: (item: Record<string, any>) => T,
): Promise<T[]> {
  const found: T[] = [];
  let startKey: QueryCommandOutput['LastEvaluatedKey'];
  do {
    const page = await ddb.send(
      new QueryCommand({ TableName: table(), ...condition, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) found.push(map(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}

function toStoredEntry(item: Record<string, any>): StoredEntry {
  const { pk: _pk, sk: _sk, rev: _rev, ...entry } = item;
  return entry as StoredEntry;
}

function toYearState(item: Record<string, any>): YearState {
  return {
    year: Number(item.year),
    epoch: Number(item.epoch ?? 0),
    version: Number(item.version ?? 0),
    built_version: Number(item.built_version ?? 0),
    built_digest: item.built_digest,
    put_seq: Number(item.put_seq ?? 0),
    invalidated_seq: Number(item.invalidated_seq ?? 0),
    last_invalidated_at: item.last_invalidated_at === undefined ? undefined : Number(item.last_invalidated_at),
    pending_ref: item.pending_ref,
    pending_claimed_at: item.pending_claimed_at === undefined ? undefined : Number(item.pending_claimed_at),
    lease_owner: item.lease_owner,
    lease_until: item.lease_until === undefined ? undefined : Number(item.lease_until),
  };
}

export async function readYearState(year: number): Promise<YearState | undefined> {
  const { Item } = await ddb.send(new GetCommand({ TableName: table(), Key: yearKey(year), ConsistentRead: true }));
  return Item ? toYearState(Item) : undefined;
}

export function listYearStates(): Promise<YearState[]> {
  return queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': YEARS_PK } }, toYearState);
}

/** One builder per year at a time, so an older snapshot can never land after a newer one. */
export function tryAcquireRebuildLease(year: number, owner: string, now: number, leaseMs: number): Promise<boolean> {
  return conditionally(() =>
    ddb.send(
      new UpdateCommand({
        TableName: table(),
        Key: yearKey(year),
        UpdateExpression: 'SET lease_owner = :owner, lease_until = :until',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lease_until) OR lease_until < :now)',
        ExpressionAttributeValues: { ':owner': owner, ':until': now + leaseMs, ':now': now },
      }),
    ),
  );
}

/** Records what the bucket now holds and extends the lease; false if the lease was lost. */
export function recordBuild(
  year: number,
  owner: string,
  build: { version: number; digest: string; wrote: boolean; leaseUntil: number },
): Promise<boolean> {
  return conditionally(() =>
    ddb.send(
      new UpdateCommand({
        TableName: table(),
        Key: yearKey(year),
        UpdateExpression: `SET built_version = :version, built_digest = :digest, lease_until = :until${build.wrote ? ' ADD put_seq :one' : ''}`,
        ConditionExpression: 'lease_owner = :owner',
        ExpressionAttributeValues: {
          ':version': build.version,
          ':digest': build.digest,
          ':until': build.leaseUntil,
          ':owner': owner,
          ...(build.wrote ? { ':one': 1 } : {}),
        },
      }),
    ),
  );
}

/**
 * After a builder finds it lost its lease (it outlived it), the object may hold its older
 * snapshot: forget what was built, so the next builder writes the year again.
 */
export async function forgetBuild(year: number): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: table(),
      Key: yearKey(year),
      UpdateExpression: 'SET built_version = :zero REMOVE built_digest',
      ExpressionAttributeValues: { ':zero': 0 },
    }),
  );
}

export async function releaseRebuildLease(year: number, owner: string): Promise<void> {
  await conditionally(() =>
    ddb.send(
      new UpdateCommand({
        TableName: table(),
        Key: yearKey(year),
        UpdateExpression: 'REMOVE lease_owner, lease_until',
        ConditionExpression: 'lease_owner = :owner',
        ExpressionAttributeValues: { ':owner': owner },
      }),
    ),
  );
}

/**
 * Claims the year's next invalidation. The condition on `last_invalidated_at` (as read) makes
 * the claim exclusive: of concurrent claimers, one wins and the rest see a fresh invalidation.
 */
export function claimInvalidation(
  state: YearState,
  claim: { seq: number; ref: string },
  now: number,
): Promise<boolean> {
  const sinceRead =
    state.last_invalidated_at === undefined
      ? 'attribute_not_exists(last_invalidated_at)'
      : 'last_invalidated_at = :previous';
  return conditionally(() =>
    ddb.send(
      new UpdateCommand({
        TableName: table(),
        Key: yearKey(state.year),
        UpdateExpression:
          'SET invalidated_seq = :seq, last_invalidated_at = :now, pending_ref = :ref, pending_claimed_at = :now',
        ConditionExpression: `attribute_not_exists(pending_ref) AND ${sinceRead}`,
        ExpressionAttributeValues: {
          ':seq': claim.seq,
          ':now': now,
          ':ref': claim.ref,
          ...(state.last_invalidated_at === undefined ? {} : { ':previous': state.last_invalidated_at }),
        },
      }),
    ),
  );
}

/** Takes over a claim whose invalidation was never confirmed (its claimer crashed or failed). */
export function reclaimInvalidation(
  year: number,
  ref: string,
  claimedAt: number | undefined,
  now: number,
): Promise<boolean> {
  return conditionally(() =>
    ddb.send(
      new UpdateCommand({
        TableName: table(),
        Key: yearKey(year),
        UpdateExpression: 'SET pending_claimed_at = :now',
        ConditionExpression: 'pending_ref = :ref AND pending_claimed_at = :claimedAt',
        ExpressionAttributeValues: { ':now': now, ':ref': ref, ':claimedAt': claimedAt ?? 0 },
      }),
    ),
  );
}

export async function completeInvalidation(year: number, ref: string): Promise<void> {
  await conditionally(() =>
    ddb.send(
      new UpdateCommand({
        TableName: table(),
        Key: yearKey(year),
        UpdateExpression: 'REMOVE pending_ref, pending_claimed_at',
        ConditionExpression: 'pending_ref = :ref',
        ExpressionAttributeValues: { ':ref': ref },
      }),
    ),
  );
}

export async function putPublicCalendar(year: number, body: string, version: number): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: siteConfig().CALENDAR_BUCKET,
      Key: calendarKey(year),
      Body: body,
      ContentType: PUBLIC_CALENDAR_CONTENT_TYPE,
      CacheControl: PUBLIC_CALENDAR_CACHE_CONTROL,
      Metadata: { 'calendar-version': String(version) },
    }),
  );
}

/** Returns the invalidation id; the same CallerReference returns the same invalidation. */
export async function createInvalidation(year: number, callerReference: string): Promise<string | undefined> {
  const result = await cloudfront.send(
    new CreateInvalidationCommand({
      DistributionId: siteConfig().CALENDAR_DISTRIBUTION_ID,
      InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: 1, Items: [calendarPath(year)] } },
    }),
  );
  return result.Invalidation?.Id;
}
