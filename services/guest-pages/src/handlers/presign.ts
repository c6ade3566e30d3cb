import { randomBytes } from 'node:crypto';
import { envString, lazyConfig, readConfig } from '@charter/shared/config';
import {
  HttpError,
  conflict,
  forbidden,
  notFound,
  payloadTooLarge,
  unauthorized,
  unsupportedMediaType,
} from '@charter/shared/errors';
import { header, httpHandler, json, jsonBody, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { SecretReader } from '@charter/shared/secrets';
import { z } from 'zod';
import { verifyUploadToken } from '../domain/upload-token';
import { PresignRequest, planUpload, type UploadRefusal } from '../domain/uploads';
import { findGuestPage, presignUpload } from '../store';

const logger = createLogger('charter-guest-pages');
const secrets = new SecretReader();
/** The request is four short fields; anything bigger is not from our page. */
const MAX_BODY_BYTES = 4 * 1024;

const config = lazyConfig(() =>
  readConfig(z.object({ GUEST_PAGES_TABLE: envString, UPLOADS_BUCKET: envString, UPLOAD_KEY_SECRET_NAME: envString })),
);

const refusals: Record<UploadRefusal['reason'], (message: string) => HttpError> = {
  ended: (message) => conflict(message, 'uploads_closed'),
  unsupported_type: (message) => unsupportedMediaType(message, 'unsupported_type'),
  too_large: (message) => payloadTooLarge(message, 'file_too_large'),
};

/**
 * POST /g/presign from a guest page: checks the page's upload token (X-Upload-Token) and the
 * upload window, then answers a presigned S3 POST for exactly one file under the booking's prefix.
 */
export const handler = httpHandler(logger, async (event) => {
  const settings = config();
  // Read first, so a stage without the key fails loudly even for a request with no token.
  const keys = await secrets.versions(settings.UPLOAD_KEY_SECRET_NAME);
  const token = header(event, 'x-upload-token');
  if (!token) throw unauthorized('Send the X-Upload-Token header; the guest page carries it.', 'missing_token');

  const request = validate(PresignRequest, jsonBody(event, MAX_BODY_BYTES), 'invalid_upload');
  withBookingId(logger, request.booking_id);
  // The token is checked before the table is read, so without one nobody learns which bookings exist.
  if (!verifyUploadToken([keys.current, keys.previous ?? ''], request.booking_id, token)) {
    throw forbidden(
      'This upload token is not valid for that booking; reopen the guest page and try again.',
      'invalid_token',
    );
  }
  const record = await findGuestPage(settings.GUEST_PAGES_TABLE, request.booking_id);
  if (!record) throw notFound(`There is no guest page for booking ${request.booking_id}.`, 'unknown_booking');

  const decision = planUpload({ request, charter: record, now: new Date(), id: randomBytes(8).toString('hex') });
  if (!decision.ok) throw refusals[decision.reason](decision.message);

  const post = await presignUpload(settings.UPLOADS_BUCKET, decision.plan);
  logger.info('upload presigned', {
    key: decision.plan.key,
    content_type: decision.plan.contentType,
    file_size: request.file_size,
  });
  return json(200, {
    url: post.url,
    fields: post.fields,
    key: decision.plan.key,
    max_bytes: decision.plan.maxBytes,
    expires_in: decision.plan.expiresInSeconds,
    uploads_close_at: decision.plan.closesAt.toISOString(),
  });
});
