import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig } from '@charter/shared/aws';
import { lazy } from '@charter/shared/lazy';
import { setting } from '../config';
import {
  PUBLIC_CALENDAR_CACHE_CONTROL,
  PUBLIC_CALENDAR_CONTENT_TYPE,
  calendarKey,
  calendarPath,
} from '../domain/public-calendar';

/** The public site: `calendar/<year>.json` in the calendar bucket, served by the CloudFront distribution. */
const s3 = lazy(() => new S3Client(s3ClientConfig()));
const cloudfront = lazy(() => new CloudFrontClient({}));

export async function putPublicCalendar(year: number, body: string, version: number): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: setting('CALENDAR_BUCKET'),
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
      DistributionId: setting('CALENDAR_DISTRIBUTION_ID'),
      InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: 1, Items: [calendarPath(year)] } },
    }),
  );
  return result.Invalidation?.Id;
}
