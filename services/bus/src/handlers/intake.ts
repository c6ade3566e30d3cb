import { BookingCreated } from '@charter/events';
import { ValidationError, conflict, notFound, unauthorized } from '@charter/shared/errors';
import { header, httpHandler, json, parseJson, rawBody, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { secrets } from '@charter/shared/secrets';
import { setting } from '../config';
import { checkPartnerSignature } from '../domain/signature';
import { publishBookingOnce } from '../store';

const logger = createLogger('charter-bus');
/** A booking is a few KB; anything near EventBridge's 256 KB is not a booking. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * POST /partners/{partner}/bookings: a partner's signed booking becomes BookingCreated with source
 * `partner.<name>`, once per delivery (a retried webhook is answered with the first event id).
 */
export const handler = httpHandler(logger, async (event, context) => {
  const partner = event.pathParameters?.partner ?? '';
  const secretName = setting('PARTNER_SECRETS_SECRET_NAME');
  const body = rawBody(event, MAX_BODY_BYTES);
  const signature = await secrets.check(
    secretName,
    (accepted) =>
      checkPartnerSignature({ partner, signature: header(event, 'x-charter-signature'), body, accepted, secretName }),
    // An unknown partner is a miss too: one onboarded a moment ago is not in the cached copy yet.
    (check) => !check.ok,
  );
  if (!signature.ok) {
    const { code, reason } = signature;
    throw code === 'unknown_partner' ? notFound(reason, code) : unauthorized(reason, code);
  }

  const booking = bookingFrom(partner, parseJson(body));
  withBookingId(logger, booking.booking_id);
  const publication = await publishBookingOnce(partner, booking, context);
  if (publication.kind === 'in_progress') {
    throw conflict('The same booking is being accepted right now; retry in a few seconds.', 'duplicate_in_progress');
  }
  const duplicate = publication.kind === 'duplicate';
  const eventId = publication.eventId;
  logger.info(duplicate ? 'duplicate booking delivery answered from the first' : 'booking accepted', {
    event_id: eventId,
  });
  return json(202, { status: 'accepted', booking_id: booking.booking_id, event_id: eventId, duplicate });
});

/** One booking, its source forced to the partner in the path: a body cannot claim another partner. */
function bookingFrom(partner: string, payload: unknown): BookingCreated {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new ValidationError([{ path: '(body)', message: 'must be a JSON object (one booking)' }], 'invalid_booking');
  }
  return validate(BookingCreated, { ...payload, source: partner }, 'invalid_booking');
}
