import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import stableStringify from 'fast-json-stable-stringify';
import { isConditionFailure } from './dynamo';
import { PARTNER_SOURCE_PREFIX } from '@charter/events';
import { InvalidEventError, NotOwnerError, RevisionConflictError } from './errors';

/**
 * Ownership and revisions of a booking, as every consumer of booking events applies them (ARCHITECTURE.md, "The
 * booking lifecycle"). Each service keeps, on its own item for the booking, three attributes:
 *
 * | attribute   | meaning |
 * |-------------|---------|
 * | `owner`     | the partner whose event first named the booking; another partner's event changes nothing |
 * | `revision`  | the highest revision applied |
 * | `lifecycle` | `live`, or `cancelled`: final; nothing after it applies, and one that comes first is a tombstone |
 * | `content_hash` | a hash of the booking event applied at `revision` (not of a cancellation): the same revision with
 * |             | other content is a conflict (`revision_conflict`), not a redelivery |
 *
 * The check and the change are one conditional UpdateItem, never a read followed by a write, so of concurrent
 * deliveries exactly the newest revision wins, whatever the order. Only when the write is refused is the item read,
 * to say why.
 */

export interface BookingEventRef {
  /** The partner the event came from (its bus source `partner.<name>`). */
  owner: string;
  revision: number;
  /** A cancellation applies whatever its revision (it is final), so the end state never depends on arrival order. */
  cancels: boolean;
  /**
   * The hash of the booking's content at this revision (`contentHashOf`); none for a cancellation, which keeps its own
   * rule (final whatever its revision).
   */
  content?: string;
}

export type Lifecycle = 'live' | 'cancelled';

export interface RevisionHead {
  owner?: string;
  revision?: number;
  lifecycle?: Lifecycle;
  /** Absent on items written before it was kept, and after a cancellation: then nothing is compared. */
  content_hash?: string;
}

export type RevisionRefusal =
  /** The same event again (a redelivery, a redrive): nothing changes; the service repeats its idempotent effects. */
  | { kind: 'redelivery' }
  /** An older revision than the one applied: ignored, so a late event never undoes a newer one. */
  | { kind: 'stale'; current: number }
  /** The booking is cancelled: every later event is ignored. */
  | { kind: 'cancelled' }
  /** The same revision with other content: which is right is the partner's to say (dead-lettered). */
  | { kind: 'revision_conflict'; revision: number }
  | { kind: 'not_owner'; owner: string };

export type RevisionOutcome<T> = { kind: 'applied'; item: T } | RevisionRefusal;

/** The condition and assignments that apply `ref` to a booking's item. */
export function revisionGuard(ref: BookingEventRef): {
  condition: string;
  assignments: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const owned = '(attribute_not_exists(#owner) OR #owner = :owner)';
  const live = '(attribute_not_exists(#lifecycle) OR #lifecycle <> :cancelled)';
  const newer = '(attribute_not_exists(#revision) OR #revision < :revision)';
  const hashed = ref.content !== undefined;
  return {
    condition: ref.cancels ? `${owned} AND ${live}` : `${owned} AND ${live} AND ${newer}`,
    assignments: [
      '#owner = :owner',
      '#revision = :revision',
      '#lifecycle = :lifecycle',
      ...(hashed ? ['#content_hash = :content_hash'] : []),
    ],
    names: {
      '#owner': 'owner',
      '#revision': 'revision',
      '#lifecycle': 'lifecycle',
      ...(hashed ? { '#content_hash': 'content_hash' } : {}),
    },
    values: {
      ':owner': ref.owner,
      ':revision': ref.revision,
      ':cancelled': 'cancelled',
      ':lifecycle': ref.cancels ? 'cancelled' : 'live',
      ...(hashed ? { ':content_hash': ref.content } : {}),
    },
  };
}

/**
 * True when the guard's condition holds for `head`: what `revisionGuard(ref).condition` says in DynamoDB, said of an
 * item already read. For a service that reads its item first (to diff the old values) and then makes the guarded write
 * also conditional on what it read (a version): when that write is refused, this tells a lost race (read again and
 * retry) from a refusal (`refusalOf`). A refusal is final: the owner never changes, the revision only rises and
 * cancelled is final, so a read that refuses an event can skip the write.
 */
export function admits(head: RevisionHead | undefined, ref: BookingEventRef): boolean {
  if (head?.owner !== undefined && head.owner !== ref.owner) return false;
  if (head?.lifecycle === 'cancelled') return false;
  return ref.cancels || head?.revision === undefined || head.revision < ref.revision;
}

/** Why the guarded write was refused, from the item as it stands after the refusal. */
export function refusalOf(head: RevisionHead | undefined, ref: BookingEventRef): RevisionRefusal {
  if (head?.owner !== undefined && head.owner !== ref.owner) return { kind: 'not_owner', owner: head.owner };
  if (head?.lifecycle === 'cancelled') {
    return ref.cancels && head.revision === ref.revision ? { kind: 'redelivery' } : { kind: 'cancelled' };
  }
  if (head?.revision === ref.revision) {
    // Hashes taken by different versions of contentHashOf cannot tell other content from the same.
    const comparable =
      head.content_hash !== undefined &&
      ref.content !== undefined &&
      contentHashVersion(head.content_hash) === contentHashVersion(ref.content);
    const other = comparable && head.content_hash !== ref.content;
    return other ? { kind: 'revision_conflict', revision: ref.revision } : { kind: 'redelivery' };
  }
  return { kind: 'stale', current: head?.revision ?? 0 };
}

export interface GuardedUpdate {
  dynamo: DynamoDBDocumentClient;
  table: string;
  key: Record<string, unknown>;
  ref: BookingEventRef;
  /** More `SET` assignments made in the same write (the booking's data), with their names and values. */
  set?: { assignments: string[]; names?: Record<string, string>; values?: Record<string, unknown> };
  /** `REMOVE` clauses made in the same write. */
  remove?: string[];
  /** `ADD` clauses made in the same write (a set's union, a counter), their names and values in `set`. */
  add?: string[];
}

/**
 * Applies a booking event to its item in one conditional UpdateItem: `applied` with the item as it now stands, or the
 * reason it was refused (read consistently after the refusal).
 */
export async function applyBookingEvent<T extends RevisionHead>(update: GuardedUpdate): Promise<RevisionOutcome<T>> {
  const guard = revisionGuard(update.ref);
  const assignments = [...guard.assignments, ...(update.set?.assignments ?? [])];
  const removals = update.remove?.length ? ` REMOVE ${update.remove.join(', ')}` : '';
  const additions = update.add?.length ? ` ADD ${update.add.join(', ')}` : '';
  try {
    const result = await update.dynamo.send(
      new UpdateCommand({
        TableName: update.table,
        Key: update.key,
        UpdateExpression: `SET ${assignments.join(', ')}${additions}${removals}`,
        ConditionExpression: guard.condition,
        ExpressionAttributeNames: { ...guard.names, ...update.set?.names },
        ExpressionAttributeValues: { ...guard.values, ...update.set?.values },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { kind: 'applied', item: result.Attributes as T };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const { Item } = await update.dynamo.send(
    new GetCommand({ TableName: update.table, Key: update.key, ConsistentRead: true }),
  );
  return refusalOf(Item as RevisionHead | undefined, update.ref);
}

/**
 * The refusals a consumer dead-letters: another partner's event naming an owned booking (`not_owner`), and a revision
 * already applied with other content (`revision_conflict`). The others (a redelivery, a stale or a late event) are
 * answers, not failures.
 */
export function assertApplicable(outcome: RevisionOutcome<unknown>, bookingId: string, partner: string): void {
  if (outcome.kind === 'not_owner') throw new NotOwnerError(bookingId, partner, outcome.owner);
  if (outcome.kind === 'revision_conflict') throw new RevisionConflictError(bookingId, outcome.revision);
}

/**
 * The version of `contentHashOf`. The hash is of the validated detail (defaults applied), so a release that changes
 * what validation makes of the same input (a new default, a transform) changes the hash of every booking already
 * applied: a redrive of one would then be refused as a `revision_conflict`. Such a release bumps this; hashes of
 * different versions are never compared: after a bump, a same-revision event with other content for a booking applied
 * before it is answered as a redelivery (not applied, not dead-lettered: as before hashes were kept) until its next
 * revision. shared/test/booking-revision.test.ts fails, naming this constant, when validation's output changes for its
 * pinned inputs. The bus intake's idempotency record (Powertools, 24 h) hashes the validated detail too: a partner's
 * retry within a day that spans such a release is answered 409 `revision_conflict`, and a new revision goes through.
 */
export const CONTENT_HASH_VERSION = 1;

/**
 * A hash of a booking event's content, the same for a BookingCreated and a BookingUpdated of the same booking
 * (both are the whole booking as it stands): the validated detail (defaults applied) with its keys sorted, so key order
 * and an explicit default are no change. Version 1 is the bare hash (what every stored head holds); a later version
 * is written `v<n>:<hash>`.
 */
export function contentHashOf(detail: object, version: number = CONTENT_HASH_VERSION): string {
  if (!Number.isInteger(version) || version < 1)
    throw new RangeError(`content hash version ${version}: a whole number >= 1`);
  const hash = createHash('sha256').update(stableStringify(detail)).digest('base64url');
  return version === 1 ? hash : `v${version}:${hash}`;
}

/** The version a stored or computed content hash was taken with (a bare hash is version 1). */
export const contentHashVersion = (hash: string): number => Number(/^v(\d+):/.exec(hash)?.[1] ?? 1);

/**
 * The reference a consumer applies for a partner's booking event. The owner is the partner the bus says sent it
 * (`partner.<name>`, which the bus policy lets only that partner publish); a detail claiming another source can never
 * succeed and is dead-lettered.
 */
export function bookingEventRef(
  envelope: { source: string },
  detail: { booking_id: string; source: string; revision: number },
  cancels: boolean,
): BookingEventRef {
  const partner = envelope.source.startsWith(PARTNER_SOURCE_PREFIX)
    ? envelope.source.slice(PARTNER_SOURCE_PREFIX.length)
    : undefined;
  if (partner !== detail.source) {
    const message = `must be the partner that published the event (bus source ${envelope.source})`;
    throw new InvalidEventError([{ path: 'source', message }], detail.booking_id);
  }
  return { owner: partner, revision: detail.revision, cancels, ...(cancels ? {} : { content: contentHashOf(detail) }) };
}
