import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { s3ClientConfig } from '@charter/shared/aws';
import { applyBookingEvent, type BookingEventRef, type RevisionOutcome } from '@charter/shared/booking-revision';
import { conditionally, documentClient } from '@charter/shared/dynamo';
import { lazy } from '@charter/shared/lazy';
import { setting } from './config';
import type { Lifecycle } from '@charter/shared/booking-revision';
import type { GuestPageItem, PageFacts } from './domain/page-state';
import { pageKey } from './domain/slug';
import { presignedPostInput, type QuotaLimit, type UploadLimits, type UploadPlan } from './domain/uploads';

/**
 * The guest-pages table and the two buckets (pages, uploads). One item per booking (`GuestPageItem`): its owner,
 * revision and lifecycle (`applyBookingEvent`'s head), its slug, and what its page shows (`PageFacts`: the guest's
 * first name and the charter, no contact details, notes or money), when it was cancelled, and what its uploads have
 * used of the quota (`upload_files`, `upload_bytes`, written only by `reserveUpload`).
 */
const dynamo = documentClient();
const s3 = lazy(() => new S3Client(s3ClientConfig()));

/**
 * A page may be re-rendered (a re-delivered or corrected booking), and the distribution caches
 * what this header allows: one minute at the edge and in the browser, then a revalidation, so a
 * new render is live within a minute without an invalidation. The upload window does not depend
 * on it: the page's script and presign both read the end time, not the cache.
 */
export const PAGE_CACHE_CONTROL = 'public, max-age=60, must-revalidate';

/** What a booking event writes besides the head: the page's facts (a live event) or when it was cancelled. */
export type PageChange =
  { kind: 'live'; facts: PageFacts; candidateSlug: string; redaction: string[] } | { kind: 'cancelled'; at: string };

/**
 * Applies a booking event to its item in one conditional UpdateItem (`applyBookingEvent`: ownership, revision,
 * cancellation). A live event keeps the booking's first slug (`if_not_exists`, so concurrent deliveries end with one)
 * and sets the page's facts, adding the revision's private facts to `redaction`; a cancellation sets only when it
 * happened, so one that comes first leaves a tombstone with no slug and no page.
 */
export function applyToGuestPage(
  bookingId: string,
  ref: BookingEventRef,
  change: PageChange,
  now: Date = new Date(),
): Promise<RevisionOutcome<GuestPageItem>> {
  const names: Record<string, string> = { '#created': 'created_at', '#updated': 'updated_at' };
  const values: Record<string, unknown> = { ':now': now.toISOString() };
  const assignments = ['#created = if_not_exists(#created, :now)', '#updated = :now'];
  const additions: string[] = [];
  const set = (attribute: string, value: unknown, expression = (v: string) => v) => {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    assignments.push(`#${attribute} = ${expression(`:${attribute}`)}`);
  };
  // This item records `page_stored` after each page put (an item without the mark predates that: see storedPageOf).
  set('records_page_stored', true);
  if (change.kind === 'live') {
    set('slug', change.candidateSlug, (v) => `if_not_exists(#slug, ${v})`);
    for (const [attribute, value] of Object.entries(change.facts))
      if (attribute !== 'booking_id') set(attribute, value);
    // Every revision's private facts, unioned into the item's string set (an empty set cannot be written).
    if (change.redaction.length) {
      names['#redaction'] = 'redaction';
      values[':redaction'] = new Set(change.redaction);
      additions.push('#redaction :redaction');
    }
  } else {
    set('cancelled_at', change.at);
  }
  return applyBookingEvent<GuestPageItem>({
    dynamo,
    table: setting('GUEST_PAGES_TABLE'),
    key: { booking_id: bookingId },
    ref,
    set: { assignments, names, values },
    add: additions,
  });
}

/** Strongly consistent: a guest may upload a second after the page is published. */
export async function findGuestPage(bookingId: string): Promise<GuestPageItem | undefined> {
  const result = await dynamo.send(
    new GetCommand({ TableName: setting('GUEST_PAGES_TABLE'), Key: { booking_id: bookingId }, ConsistentRead: true }),
  );
  return result.Item as GuestPageItem | undefined;
}

export type Reservation = { kind: 'reserved' } | { kind: 'quota_exceeded'; limit: QuotaLimit };

/**
 * Counts one upload against the booking's quota before it is presigned: one conditional UpdateItem that adds the file
 * and its declared size only while both stay within the limits, so concurrent presigns (a party choosing photos on six
 * phones at once) can never overshoot: DynamoDB applies each in turn, and each one's condition sees the others' adds.
 * It counts what was allowed, not what arrived: a presigned POST never used still counts.
 */
export async function reserveUpload(
  bookingId: string,
  bytes: number,
  limits: Pick<UploadLimits, 'maxFiles' | 'maxBytes'>,
): Promise<Reservation> {
  if (bytes > limits.maxBytes) return { kind: 'quota_exceeded', limit: 'bytes' };
  const reserved = await conditionally(() =>
    dynamo.send(
      new UpdateCommand({
        TableName: setting('GUEST_PAGES_TABLE'),
        Key: { booking_id: bookingId },
        UpdateExpression: 'ADD #files :one, #bytes :bytes',
        ConditionExpression:
          'attribute_exists(booking_id) AND (attribute_not_exists(#files) OR #files < :max_files) AND ' +
          '(attribute_not_exists(#bytes) OR #bytes <= :room)',
        ExpressionAttributeNames: { '#files': 'upload_files', '#bytes': 'upload_bytes' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':bytes': bytes,
          ':max_files': limits.maxFiles,
          ':room': limits.maxBytes - bytes,
        },
      }),
    ),
  );
  if (reserved) return { kind: 'reserved' };
  // Refused: the files limit if it is reached, else the bytes (the page only exists if the item does).
  const item = await findGuestPage(bookingId);
  return { kind: 'quota_exceeded', limit: (item?.upload_files ?? 0) >= limits.maxFiles ? 'files' : 'bytes' };
}

/** Writes g/<slug>.html; the same slug always overwrites the same object. */
export async function putGuestPage(slug: string, page: string): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: setting('SITE_BUCKET'),
      Key: pageKey(slug),
      Body: page,
      ContentType: 'text/html; charset=utf-8',
      CacheControl: PAGE_CACHE_CONTROL,
    }),
  );
}

/**
 * Records that the page showing `revision` and `lifecycle` is stored: written only after its S3 put succeeded, so the
 * operator's route never hands out a link to a page that is not there. It only moves forward (a later revision, or
 * the cancelled page, which is final), so a slow older delivery never records its page over a newer one's.
 */
export async function recordPageStored(bookingId: string, revision: number, lifecycle: Lifecycle): Promise<boolean> {
  const forward =
    lifecycle === 'cancelled'
      ? 'attribute_not_exists(#stored) OR #stored.#lifecycle <> :cancelled OR #stored.#revision = :revision'
      : 'attribute_not_exists(#stored) OR (#stored.#lifecycle <> :cancelled AND #stored.#revision <= :revision)';
  return conditionally(() =>
    dynamo.send(
      new UpdateCommand({
        TableName: setting('GUEST_PAGES_TABLE'),
        Key: { booking_id: bookingId },
        UpdateExpression: 'SET #stored = :stored',
        ConditionExpression: `attribute_exists(booking_id) AND (${forward})`,
        ExpressionAttributeNames: { '#stored': 'page_stored', '#lifecycle': 'lifecycle', '#revision': 'revision' },
        ExpressionAttributeValues: {
          ':stored': { revision, lifecycle },
          ':revision': revision,
          ':cancelled': 'cancelled',
        },
      }),
    ),
  );
}

/**
 * The page the booking's link shows, once stored: `page_stored`, or for an item written before that was recorded
 * (no `records_page_stored`: the table was written first then, so its page may be missing), what S3 itself says of
 * g/<slug>.html.
 */
export async function storedPageOf(
  item: GuestPageItem & { slug: string },
): Promise<{ revision: number; lifecycle: Lifecycle } | undefined> {
  if (item.page_stored || item.records_page_stored) return item.page_stored;
  try {
    await s3.send(new HeadObjectCommand({ Bucket: setting('SITE_BUCKET'), Key: pageKey(item.slug) }));
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error as Error).name === 'NotFound') return undefined;
    throw error;
  }
  return { revision: item.revision ?? 1, lifecycle: item.lifecycle ?? 'live' };
}

/** Signs the POST policy for one planned upload (local computation, no request to S3). */
export function presignUpload(plan: UploadPlan): Promise<PresignedPost> {
  return createPresignedPost(s3, presignedPostInput(setting('UPLOADS_BUCKET'), plan));
}

/**
 * The URL presigned POSTs for the uploads bucket go to, for the page's CSP. Asked of the same
 * signer that presign uses, so the page allows exactly the origin it will post to: the regional
 * S3 host in AWS, the local S3 endpoint (path-style) in the local cloud.
 */
export async function uploadsUrl(): Promise<string> {
  const probe = await createPresignedPost(s3, { Bucket: setting('UPLOADS_BUCKET'), Key: 'uploads/probe', Expires: 60 });
  return probe.url;
}
