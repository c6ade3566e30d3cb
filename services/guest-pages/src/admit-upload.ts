import { randomBytes } from 'node:crypto';
import { HttpError, conflict, payloadTooLarge, unsupportedMediaType } from '@charter/shared/errors';
import type { CharterTimes } from '@charter/shared/time';
import { uploadLimits } from './config';
import {
  planUpload,
  quotaMessage,
  uploadWindow,
  type PresignRequest,
  type UploadPlan,
  type UploadRefusal,
  type UploadWindow,
} from './domain/uploads';
import { reserveUpload } from './store';

const refusals: Record<UploadRefusal['reason'], (message: string) => HttpError> = {
  not_open: (message) => conflict(message, 'uploads_not_open'),
  ended: (message) => conflict(message, 'uploads_closed'),
  unsupported_type: (message) => unsupportedMediaType(message, 'unsupported_type'),
  too_large: (message) => payloadTooLarge(message, 'file_too_large'),
};

/**
 * One upload of a live booking, admitted or refused: inside the booking's window (409 before it opens or after it
 * closes), of an allowed type and size (415, 413), and within its quota (429 `quota_exceeded` naming the limit). The
 * quota is counted last, so only an upload that would otherwise be presigned uses it.
 */
export async function admitUpload(
  request: PresignRequest,
  charter: CharterTimes,
  now = new Date(),
): Promise<{ plan: UploadPlan; window: UploadWindow }> {
  const limits = uploadLimits();
  const window = uploadWindow(charter, limits);
  const decision = planUpload({ request, window, now, id: randomBytes(8).toString('hex') });
  if (!decision.ok) throw refusals[decision.reason](decision.message);
  const reservation = await reserveUpload(request.booking_id, decision.plan.fileSize, limits);
  if (reservation.kind === 'quota_exceeded') {
    throw new HttpError(429, 'quota_exceeded', quotaMessage(reservation.limit, limits), { limit: reservation.limit });
  }
  return { plan: decision.plan, window };
}
