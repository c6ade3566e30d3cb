import { HttpError, ValidationError, conflict, notFound, unauthorized } from '@charter/shared/errors';
import { header, httpHandler, json, parseJson, rawBody } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { secrets } from '@charter/shared/secrets';
import { setting } from '../config';
import { bookingIdOverridden, intakeDetail, isIntakeRoute } from '../domain/intake-request';
import { checkPartnerSignature } from '../domain/signature';
import { publishBookingEventOnce } from '../store';

const logger = createLogger('charter-bus');
/** A booking is a few KB; anything near EventBridge's 256 KB is not a booking. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * POST /partners/{partner}/bookings (BookingCreated), PUT .../bookings/{booking_id} (BookingUpdated) and
 * POST .../bookings/{booking_id}/cancel (BookingCancelled): a partner's signed request becomes the event with source
 * `partner.<name>`, once per (booking, detail-type, revision): a retry is answered with the first event id.
 */
export const handler = httpHandler(logger, async (event, context) => {
  const route = event.routeKey;
  if (!isIntakeRoute(route)) throw notFound(`No intake route ${route}.`);
  const { partner = '', booking_id: pathBookingId } = event.pathParameters ?? {};
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

  const payload = parseJson(body);
  const request = intakeDetail(route, { partner, booking_id: pathBookingId }, payload);
  if (!request.ok) throw new ValidationError(request.fields, 'invalid_booking');
  const { detailType, detail } = request.event;
  withBookingId(logger, detail.booking_id);
  const overridden = bookingIdOverridden(payload, pathBookingId);
  if (overridden) logger.warn('the body named another booking; the path wins', { body_booking_id: overridden });

  const publication = await publishBookingEventOnce(partner, request.event, context);
  if (publication.kind === 'in_progress') {
    throw conflict(
      'The same booking event is being accepted right now; retry in a few seconds.',
      'duplicate_in_progress',
    );
  }
  if (publication.kind === 'conflict') {
    const message =
      `Revision ${detail.revision} of ${detailType} for booking ${detail.booking_id} was already accepted with ` +
      `different content. Send the change with a higher revision (the booking's next one).`;
    throw new HttpError(409, 'revision_conflict', message, { revision: detail.revision });
  }
  const duplicate = publication.kind === 'duplicate';
  logger.info(duplicate ? 'duplicate delivery answered from the first' : 'booking event accepted', {
    detail_type: detailType,
    revision: detail.revision,
    event_id: publication.eventId,
  });
  const { booking_id, revision } = detail;
  return json(202, { status: 'accepted', booking_id, revision, event_id: publication.eventId, duplicate });
});
