import { HttpError, forbidden, notFound, unauthorized } from '@charter/shared/errors';
import { header, httpHandler, json, jsonBody, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { acceptedValues, secrets } from '@charter/shared/secrets';
import { admitUpload } from '../admit-upload';
import { setting } from '../config';
import { charterTimesOf } from '../domain/page-state';
import { verifyUploadToken } from '../domain/upload-token';
import { PresignRequest } from '../domain/uploads';
import { findGuestPage, presignUpload } from '../store';

const logger = createLogger('charter-guest-pages');
/** The request is four short fields; anything bigger is not from our page. */
const MAX_BODY_BYTES = 4 * 1024;

/**
 * POST /g/presign from a guest page: checks the page's upload token (X-Upload-Token), the upload window (so the token
 * is useless outside it) and the booking's quota, then answers a presigned S3 POST for exactly one file under the
 * booking's prefix.
 */
export const handler = httpHandler(logger, async (event) => {
  const uploadKeyName = setting('UPLOAD_KEY_SECRET_NAME');
  // Read first, so a stage without the key fails loudly even for a request with no token.
  await secrets.versions(uploadKeyName);
  const token = header(event, 'x-upload-token');
  if (!token) throw unauthorized('Send the X-Upload-Token header; the guest page carries it.', 'missing_token');

  const request = validate(PresignRequest, jsonBody(event, MAX_BODY_BYTES), 'invalid_upload');
  withBookingId(logger, request.booking_id);
  // Checked before the table is read, so without a valid token nobody learns which bookings exist.
  // A miss re-reads the key: a page rendered just after a rotation carries a token of the new key.
  const valid = await secrets.check(uploadKeyName, (keys) =>
    verifyUploadToken(acceptedValues(keys), request.booking_id, token),
  );
  if (!valid) {
    throw forbidden(
      'This upload token is not valid for that booking; reopen the guest page and try again.',
      'invalid_token',
    );
  }
  const record = await findGuestPage(request.booking_id);
  if (!record) throw notFound(`There is no guest page for booking ${request.booking_id}.`, 'unknown_booking');
  // Before any other window check: a cancelled charter's uploads are closed for good, whatever its times.
  if (record.lifecycle === 'cancelled') {
    throw new HttpError(410, 'cancelled', 'This charter was cancelled, so photo uploads are closed.');
  }
  const charter = charterTimesOf(record);
  if (!charter) throw notFound(`There is no guest page for booking ${request.booking_id}.`, 'unknown_booking');

  const { plan, window } = await admitUpload(request, charter);
  const post = await presignUpload(plan);
  logger.info('upload presigned', { key: plan.key, content_type: plan.contentType, file_size: request.file_size });
  return json(200, {
    url: post.url,
    fields: post.fields,
    key: plan.key,
    max_bytes: plan.maxBytes,
    expires_in: plan.expiresInSeconds,
    uploads_open_at: window.opensAt.toISOString(),
    uploads_close_at: plan.closesAt.toISOString(),
  });
});
