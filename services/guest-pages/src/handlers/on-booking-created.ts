import { busHandler } from '@charter/shared/consumer';
import { envString, envUrl, lazyConfig, readConfig } from '@charter/shared/config';
import { createLogger } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import { SecretReader } from '@charter/shared/secrets';
import { z } from 'zod';
import { renderGuestPage } from '../domain/render';
import { guestPageUrl, newSlug } from '../domain/slug';
import { mintUploadToken } from '../domain/upload-token';
import { putGuestPage, recordGuestPage, uploadsUrl } from '../store';

const logger = createLogger('charter-guest-pages');
const secrets = new SecretReader();

const config = lazyConfig(() =>
  readConfig(
    z.object({
      GUEST_PAGES_TABLE: envString,
      SITE_BUCKET: envString,
      UPLOADS_BUCKET: envString,
      UPLOAD_KEY_SECRET_NAME: envString,
      API_URL: envUrl,
      GUEST_SITE_URL: envUrl,
    }),
  ),
);

/**
 * BookingCreated -> the guest page at g/<slug>.html -> GuestPagePublished. Safe to repeat: a
 * re-delivery keeps the booking's slug, overwrites the same object with the same page and
 * publishes the same detail again (consumers of GuestPagePublished are idempotent too).
 */
export const handler = busHandler(logger, {
  BookingCreated: async (booking) => {
    const settings = config();
    const { current: uploadKey } = await secrets.versions(settings.UPLOAD_KEY_SECRET_NAME);

    const record = await recordGuestPage(settings.GUEST_PAGES_TABLE, booking, newSlug());
    const page = renderGuestPage(booking, {
      apiUrl: settings.API_URL,
      uploadsUrl: await uploadsUrl(settings.UPLOADS_BUCKET),
      uploadToken: mintUploadToken(uploadKey, booking.booking_id),
    });
    await putGuestPage(settings.SITE_BUCKET, record.slug, page);

    const url = guestPageUrl(settings.GUEST_SITE_URL, record.slug);
    await publish('GuestPagePublished', { schema_version: 1, booking_id: booking.booking_id, slug: record.slug, url });
    logger.info('guest page published', {
      page_bytes: Buffer.byteLength(page),
      first_render: record.created_at === record.updated_at,
    });
  },
});
