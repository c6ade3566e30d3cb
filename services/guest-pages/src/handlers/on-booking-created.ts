import { busHandler } from '@charter/shared/consumer';
import { createLogger } from '@charter/shared/logger';
import { publish } from '@charter/shared/publisher';
import { secrets } from '@charter/shared/secrets';
import { setting } from '../config';
import { renderGuestPage } from '../domain/render';
import { guestPageUrl, newSlug } from '../domain/slug';
import { mintUploadToken } from '../domain/upload-token';
import { putGuestPage, recordGuestPage, uploadsUrl } from '../store';

const logger = createLogger('charter-guest-pages');

/**
 * BookingCreated -> the guest page at g/<slug>.html -> GuestPagePublished. Safe to repeat: a
 * re-delivery keeps the booking's slug, overwrites the same object with the same page and
 * publishes the same detail again (consumers of GuestPagePublished are idempotent too).
 */
export const handler = busHandler(logger, {
  BookingCreated: async (booking) => {
    const { current: uploadKey } = await secrets.versions(setting('UPLOAD_KEY_SECRET_NAME'));
    const siteUrl = setting('GUEST_SITE_URL');

    const record = await recordGuestPage(booking, newSlug());
    const page = renderGuestPage(booking, {
      apiUrl: setting('API_URL'),
      uploadsUrl: await uploadsUrl(),
      uploadToken: mintUploadToken(uploadKey, booking.booking_id),
    });
    await putGuestPage(record.slug, page);

    const url = guestPageUrl(siteUrl, record.slug);
    await publish('GuestPagePublished', { schema_version: 1, booking_id: booking.booking_id, slug: record.slug, url });
    logger.info('guest page published', {
      page_bytes: Buffer.byteLength(page),
      first_render: record.created_at === record.updated_at,
    });
  },
});
