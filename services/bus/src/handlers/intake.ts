import { HttpError, ValidationError, conflict, notFound } from '@charter/shared/errors';
import { header, httpHandler, json, parseJson, rawBody, type HttpEvent } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { secrets } from '@charter/shared/secrets';
import type { Context } from 'aws-lambda';
import { setting } from '../config';
import { bookingIdOverridden, intakeDetail, isIntakeRoute, type IntakeRoute } from '../domain/intake-request';
import { isPartnerName, partnerSecretName } from '../domain/partners';
import { SignatureRefused } from '../domain/refusal';
import { checkPartnerSignature, unknownPartner } from '../domain/signature';
import { reportRefusal } from '../report-refusal';
import { publishBookingEventOnce } from '../store';

const logger = createLogger('charter-bus');
/** A booking is a few KB; anything near EventBridge's 256 KB is not a booking. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * POST /partners/{partner}/bookings (BookingCreated), PUT .../bookings/{booking_id} (BookingUpdated) and
 * POST .../bookings/{booking_id}/cancel (BookingCancelled): a partner's signed request becomes the event with source
 * `partner.<name>`, once per (booking, detail-type, revision): a retry is answered with the first event id. Every
 * refusal but a 409 is reported to ops as PartnerRequestRefused, best effort.
 */
export const handler = httpHandler(logger, async (event, context) => {
  const route = event.routeKey;
  if (!isIntakeRoute(route)) throw notFound(`No intake route ${route}.`);
  const { partner = '', booking_id: pathBookingId } = event.pathParameters ?? {};
  try {
    return await accept(route, { partner, pathBookingId }, event, context);
  } catch (error) {
    await reportRefusal(logger, error, { route, partner, bookingId: pathBookingId });
    throw error;
  }
});

async function accept(
  route: IntakeRoute,
  { partner, pathBookingId }: { partner: string; pathBookingId: string | undefined },
  event: HttpEvent,
  context: Context,
) {
  const body = await verifyPartner(partner, header(event, 'x-charter-signature'), () => rawBody(event, MAX_BODY_BYTES));

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
}

/**
 * The partner must be onboarded (have its own secret), and the header must sign the body with it; the body read only
 * then, so a name no partner has is 404 `unknown_partner` whatever was sent (an unknown resource before any
 * precondition), and ops counts every refusal of a made-up name under one row (it buckets `unknown_partner`).
 */
async function verifyPartner(partner: string, signature: string | undefined, body: () => string): Promise<string> {
  // A name that could not be a partner is refused without asking Secrets Manager.
  const check = !isPartnerName(partner)
    ? unknownPartner(partner)
    : await secrets.checkIfExists(
        partnerSecretName(setting('PARTNER_SECRET_NAME_PREFIX'), partner),
        // Over the limit is 413 (thrown) for an onboarded partner only.
        (accepted) => checkPartnerSignature({ partner, signature, body: accepted ? body() : '', accepted }),
        // An unknown partner is a miss too: one onboarded a moment ago may be cached as absent.
        (result) => !result.ok,
      );
  if (!check.ok) throw new SignatureRefused(check);
  return body();
}
