import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { BookingCreated } from '@charter/events';
import { HttpError, ValidationError, conflict, envString, lazyConfig, readConfig, unauthorized } from '@charter/shared';
import { header, httpHandler, json, parseJson, rawBody, validate } from '@charter/shared/http';
import { createLogger, withBookingId } from '@charter/shared/logger';
import { publishBooking } from '@charter/shared/publisher';
import { secrets, type SecretVersions } from '@charter/shared/secrets';
import { z } from 'zod';
import { intakeKey } from '../domain/intake-key';
import { partnerSigningSecrets } from '../domain/partners';
import { verifySignature, type SignatureCheck } from '../domain/signature';

const logger = createLogger('charter-bus');
/** A booking is a few KB; anything near EventBridge's 256 KB is not a booking. */
const MAX_BODY_BYTES = 64 * 1024;
/** Partners retry webhooks for hours; a retry within a day gets the first answer back. */
const DUPLICATE_WINDOW_SECONDS = 24 * 60 * 60;

const config = lazyConfig(() =>
  readConfig(z.object({ PARTNER_SECRETS_NAME: envString, IDEMPOTENCY_TABLE: envString })),
);

const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: 'key',
  expiresAfterSeconds: DUPLICATE_WINDOW_SECONDS,
});
let publishOnce:
  | ((input: {
      key: string;
      partner: string;
      booking: BookingCreated;
      requestId: string;
    }) => Promise<{ event_id: string; request_id: string }>)
  | undefined;

function publisher() {
  publishOnce ??= makeIdempotent(
    async ({
      partner,
      booking,
      requestId,
    }: {
      key: string;
      partner: string;
      booking: BookingCreated;
      requestId: string;
    }) => ({
      event_id: await publishBooking(partner, booking),
      request_id: requestId,
    }),
    {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: config().IDEMPOTENCY_TABLE }),
      config: idempotencyConfig,
    },
  );
  return publishOnce;
}

export const handler = httpHandler(logger, async (event, context) => {
  const partner = event.pathParameters?.partner ?? '';
  const secretName = config().PARTNER_SECRETS_NAME;
  const body = rawBody(event, MAX_BODY_BYTES);
  // An unknown partner is a miss too: one onboarded a moment ago is not in the cached copy yet.
  const signature = await secrets.check(
    secretName,
    (accepted: SecretVersions): SignatureCheck | HttpError => {
      try {
        const signingSecrets = partnerSigningSecrets(partner, accepted, secretName);
        return verifySignature(header(event, 'x-charter-signature'), body, signingSecrets);
      } catch (error) {
        if (error instanceof HttpError && error.statusCode === 404) return error;
        throw error;
      }
    },
    (result) => result instanceof HttpError || !result.ok,
  );
  if (signature instanceof HttpError) throw signature;
  if (!signature.ok) throw unauthorized(signature.reason, 'invalid_signature');

  const payload = parseJson(body);
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new ValidationError([{ path: '(body)', message: 'must be a JSON object (one booking)' }], 'invalid_booking');
  }
  // The path names the partner; a body claiming another source cannot impersonate it.
  const booking = validate(BookingCreated, { ...payload, source: partner }, 'invalid_booking');
  withBookingId(logger, booking.booking_id);

  idempotencyConfig.registerLambdaContext(context);
  try {
    const key = intakeKey(partner, booking);
    const accepted = await publisher()({ key, partner, booking, requestId: context.awsRequestId });
    const duplicate = accepted.request_id !== context.awsRequestId;
    logger.info(duplicate ? 'duplicate booking delivery answered from the first' : 'booking accepted', {
      event_id: accepted.event_id,
    });
    return json(202, { status: 'accepted', booking_id: booking.booking_id, event_id: accepted.event_id, duplicate });
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw conflict('The same booking is being accepted right now; retry in a few seconds.', 'duplicate_in_progress');
    }
    throw error;
  }
});
