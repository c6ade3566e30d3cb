import { GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { conditionally } from '@charter/shared/dynamo';
import * as z from '@charter/events/zod';
import { InvalidationState } from '../domain/invalidation';
import { YEARS_PK, dynamo, queryAll, table, yearKey, type Item } from './table';

/**
 * A year's record (layout in table.ts): the invalidation state of domain/invalidation.ts, the
 * version of its entries, what the bucket holds and the rebuild lease.
 */
const YearRecord = z.extend(InvalidationState, {
  /** Bumped after every change to the year's entries. */
  version: z._default(z.number(), 0),
  /** The version the object in the bucket was built from (it holds every change up to it). */
  built_version: z._default(z.number(), 0),
  built_digest: z.optional(z.string()),
  lease_owner: z.optional(z.string()),
  lease_until: z.optional(z.number()),
});
export type YearState = z.infer<typeof YearRecord>;

const toYearState = (item: Item): YearState => YearRecord.parse(item);

/** A conditional update of a year record: true when applied, false when its condition did not hold. */
function updateYearIf(year: number, update: Omit<UpdateCommandInput, 'TableName' | 'Key'>): Promise<boolean> {
  return conditionally(() => dynamo.send(new UpdateCommand({ TableName: table(), Key: yearKey(year), ...update })));
}

/** Creates the year record on its first change; returns the year's version after this change. */
export async function bumpYearVersion(year: number, now: Date): Promise<number> {
  const { Attributes } = await dynamo.send(
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

export async function readYearState(year: number): Promise<YearState | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: table(), Key: yearKey(year), ConsistentRead: true }));
  return Item ? toYearState(Item) : undefined;
}

export function listYearStates(): Promise<YearState[]> {
  return queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': YEARS_PK } }, toYearState);
}

/**
 * One builder per year at a time, so an older snapshot can never land after a newer one. A retry of this very write
 * (the SDK's, after DynamoDB applied it and lost the answer) finds the lease its own: taken, not refused, or the year
 * would wait out a lease nobody holds. So is a lease whose owner starts with `earlierAttempts` (the same invocation's
 * request id: an attempt Lambda retried has ended).
 */
export function tryAcquireRebuildLease(
  year: number,
  owner: string,
  now: number,
  leaseMs: number,
  earlierAttempts?: string,
): Promise<boolean> {
  const free = [
    'attribute_not_exists(lease_until)',
    'lease_until < :now',
    'lease_owner = :owner',
    ...(earlierAttempts ? ['begins_with(lease_owner, :attempt)'] : []),
  ];
  return updateYearIf(year, {
    UpdateExpression: 'SET lease_owner = :owner, lease_until = :until',
    ConditionExpression: `attribute_exists(pk) AND (${free.join(' OR ')})`,
    ExpressionAttributeValues: {
      ':owner': owner,
      ':until': now + leaseMs,
      ':now': now,
      ...(earlierAttempts ? { ':attempt': earlierAttempts } : {}),
    },
  });
}

/** Records what the bucket now holds and extends the lease; false if the lease was lost. */
export function recordBuild(
  year: number,
  owner: string,
  build: { version: number; digest: string; wrote: boolean; leaseUntil: number },
): Promise<boolean> {
  const countPut = build.wrote ? ' ADD put_seq :one' : '';
  return updateYearIf(year, {
    UpdateExpression: `SET built_version = :version, built_digest = :digest, lease_until = :until${countPut}`,
    ConditionExpression: 'lease_owner = :owner',
    ExpressionAttributeValues: {
      ':version': build.version,
      ':digest': build.digest,
      ':until': build.leaseUntil,
      ':owner': owner,
      ...(build.wrote ? { ':one': 1 } : {}),
    },
  });
}

/**
 * After a builder finds it lost its lease (it outlived it), the object may hold its older
 * snapshot: forget what was built, so the next builder writes the year again.
 */
export async function forgetBuild(year: number): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: yearKey(year),
      UpdateExpression: 'SET built_version = :zero REMOVE built_digest',
      ExpressionAttributeValues: { ':zero': 0 },
    }),
  );
}

export async function releaseRebuildLease(year: number, owner: string): Promise<void> {
  await updateYearIf(year, {
    UpdateExpression: 'REMOVE lease_owner, lease_until',
    ConditionExpression: 'lease_owner = :owner',
    ExpressionAttributeValues: { ':owner': owner },
  });
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
  return updateYearIf(state.year, {
    UpdateExpression:
      'SET invalidated_seq = :seq, last_invalidated_at = :now, pending_ref = :ref, pending_claimed_at = :now',
    // Competitors compute the same reference, so a lost answer is not taken as ours: the claim then looks like a
    // claimer that died, and the sweep finishes it under that reference.
    ConditionExpression: `attribute_not_exists(pending_ref) AND ${sinceRead}`,
    ExpressionAttributeValues: {
      ':seq': claim.seq,
      ':now': now,
      ':ref': claim.ref,
      ...(state.last_invalidated_at === undefined ? {} : { ':previous': state.last_invalidated_at }),
    },
  });
}

/** Takes over a claim whose invalidation was never confirmed (its claimer crashed or failed). */
export function reclaimInvalidation(
  year: number,
  ref: string,
  claimedAt: number | undefined,
  now: number,
): Promise<boolean> {
  return updateYearIf(year, {
    UpdateExpression: 'SET pending_claimed_at = :now',
    ConditionExpression: 'pending_ref = :ref AND pending_claimed_at = :claimedAt',
    ExpressionAttributeValues: { ':now': now, ':ref': ref, ':claimedAt': claimedAt ?? 0 },
  });
}

export async function completeInvalidation(year: number, ref: string): Promise<void> {
  await updateYearIf(year, {
    UpdateExpression: 'REMOVE pending_ref, pending_claimed_at',
    ConditionExpression: 'pending_ref = :ref',
    ExpressionAttributeValues: { ':ref': ref },
  });
}
