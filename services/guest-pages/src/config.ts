import { defineConfig, envInt, envString, envUrl } from '@charter/shared/config';
import { NotConfiguredError } from '@charter/shared/errors';
import * as z from '@charter/events/zod';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './domain/uploads';

/**
 * The guest-pages service's settings, as serverless.yml gives them to each function (each gets
 * only those it uses). EVENT_BUS_NAME and DLQ_URL are read by `@charter/shared`'s publisher and
 * dead-letter queue, not here.
 */
export const setting = defineConfig({
  /** One item per booking: its slug and charter times. */
  GUEST_PAGES_TABLE: envString,
  /** Where the pages are stored, as g/<slug>.html, behind the guest site's distribution. */
  SITE_BUCKET: envString,
  /** Where guests' photos and videos go, under uploads/<booking_id>/. */
  UPLOADS_BUCKET: envString,
  /** `charter/<stage>/guest-upload-key`: the HMAC key of the upload tokens pages carry. */
  UPLOAD_KEY_SECRET_NAME: envString,
  /** `charter/<stage>/scc-service-key` (scc's): the operator's X-Service-Key. */
  SERVICE_KEY_SECRET_NAME: envString,
  /** The HTTP API's base URL, which the page posts to for presigning. */
  API_URL: envUrl,
  /** The guest site's base URL, where /g/<slug> is served. */
  GUEST_SITE_URL: envUrl,
  /** Param uploadOpensDaysBefore: uploads open at midnight at the marina this many days before the charter. */
  UPLOAD_OPENS_DAYS_BEFORE: z._default(
    z.coerce.number().check(z.int(), z.minimum(0), z.maximum(365)),
    DEFAULT_UPLOAD_LIMITS.opensDaysBefore,
  ),
  /** Param uploadGraceHours: uploads stay open this many hours after the charter ends. */
  UPLOAD_GRACE_HOURS: z._default(
    z.coerce.number().check(z.int(), z.minimum(0), z.maximum(24 * 30)),
    DEFAULT_UPLOAD_LIMITS.graceHours,
  ),
  /** Param uploadMaxFiles: files presigned per booking. */
  UPLOAD_MAX_FILES: envInt(DEFAULT_UPLOAD_LIMITS.maxFiles),
  /** Param uploadMaxBytes: bytes presigned per booking (5 GB). */
  UPLOAD_MAX_BYTES: envInt(DEFAULT_UPLOAD_LIMITS.maxBytes),
});

/**
 * What the booking consumer needs to apply an event and publish its page. Read before it writes anything: a stage
 * missing one (its site bucket, say) fails naming it with no item written, rather than after the item took the
 * revision, when a retry would find it applied and no page would ever be put.
 */
const PUBLISHING_SETTINGS = [
  'GUEST_PAGES_TABLE',
  'SITE_BUCKET',
  'UPLOAD_KEY_SECRET_NAME',
  'API_URL',
  'GUEST_SITE_URL',
  'UPLOAD_OPENS_DAYS_BEFORE',
  'UPLOAD_GRACE_HOURS',
] as const;

/** Reads every setting publishing a page needs, and the bus the consumer announces on (read by the publisher). */
export function checkPublishingSettings(): void {
  for (const name of PUBLISHING_SETTINGS) setting(name);
  if (!process.env.EVENT_BUS_NAME) throw new NotConfiguredError('environment variable EVENT_BUS_NAME');
}

/** The upload window and quota: the page's and presign's, from the same settings. */
export const uploadLimits = (): UploadLimits => ({
  opensDaysBefore: setting('UPLOAD_OPENS_DAYS_BEFORE'),
  graceHours: setting('UPLOAD_GRACE_HOURS'),
  maxFiles: setting('UPLOAD_MAX_FILES'),
  maxBytes: setting('UPLOAD_MAX_BYTES'),
});
