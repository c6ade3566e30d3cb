import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { s3ClientConfig } from '@charter/shared/aws';
import { documentClient } from '@charter/shared/dynamo';
import type { CharterTimes } from '@charter/shared/time';
import { setting } from './config';
import { pageKey } from './domain/slug';
import { presignedPostInput, type UploadPlan } from './domain/uploads';

/**
 * The guest-pages table (one item per booking: its slug and charter times, what presign and the
 * operator route need; no guest contact data) and the two buckets (pages, uploads).
 */
const dynamo = documentClient();
const s3 = new S3Client(s3ClientConfig());

export interface GuestPageRecord extends CharterTimes {
  booking_id: string;
  slug: string;
  created_at: string;
  updated_at: string;
}

/**
 * A page may be re-rendered (a re-delivered or corrected booking), and the distribution caches
 * what this header allows: one minute at the edge and in the browser, then a revalidation, so a
 * new render is live within a minute without an invalidation. The upload window does not depend
 * on it: the page's script and presign both read the end time, not the cache.
 */
export const PAGE_CACHE_CONTROL = 'public, max-age=60, must-revalidate';

/**
 * Records the booking's page and returns its slug. One atomic UpdateItem: the candidate slug is
 * kept only if the booking has none (`if_not_exists`), so a re-delivered BookingCreated, or two
 * deliveries racing, end with the first slug; the charter times follow the latest delivery, so
 * presign's window matches the page that was rendered last.
 */
export async function recordGuestPage(
  booking: CharterTimes & { booking_id: string },
  candidateSlug: string,
  now: Date = new Date(),
): Promise<GuestPageRecord> {
  const result = await dynamo.send(
    new UpdateCommand({
      TableName: setting('GUEST_PAGES_TABLE'),
      Key: { booking_id: booking.booking_id },
      UpdateExpression:
        'SET #slug = if_not_exists(#slug, :slug), #date = :date, #start = :start, #end = :end, #tz = :tz, ' +
        '#created = if_not_exists(#created, :now), #updated = :now',
      ExpressionAttributeNames: {
        '#slug': 'slug',
        '#date': 'charter_date',
        '#start': 'charter_start',
        '#end': 'charter_end',
        '#tz': 'timezone',
        '#created': 'created_at',
        '#updated': 'updated_at',
      },
      ExpressionAttributeValues: {
        ':slug': candidateSlug,
        ':date': booking.charter_date,
        ':start': booking.charter_start,
        ':end': booking.charter_end,
        ':tz': booking.timezone,
        ':now': now.toISOString(),
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return result.Attributes as GuestPageRecord;
}

/** Strongly consistent: a guest may upload a second after the page is published. */
export async function findGuestPage(bookingId: string): Promise<GuestPageRecord | undefined> {
  const result = await dynamo.send(
    new GetCommand({ TableName: setting('GUEST_PAGES_TABLE'), Key: { booking_id: bookingId }, ConsistentRead: true }),
  );
  return result.Item as GuestPageRecord | undefined;
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
