import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BookingDetailType, DetailOf } from '@charter/events';
import { publishBookingEvent } from '@charter/shared/publisher';
import type { Context } from 'aws-lambda';
import { setting } from './config';
import { intakeKey, type BookingEvent } from './domain/intake-request';

/**
 * The intake's only table, `charter-bus-intake-<stage>`, is Powertools idempotency's: one item
 * per accepted (partner, booking, detail-type, revision), `id` = a hash of that intake key, a hash
 * of the validated detail in `validation`, the first acceptance (event id, request id) in `data`,
 * and `expiration` as its TTL. Powertools owns the items and its own DynamoDB client (it writes
 * marshalled attributes, so our document client cannot stand in for it); the bus is published to
 * by `@charter/shared/publisher`.
 */

/** Partners retry webhooks for hours; a retry within a day gets the first answer back. */
const DUPLICATE_WINDOW_SECONDS = 24 * 60 * 60;

const idempotency = new IdempotencyConfig({
  eventKeyJmesPath: 'key',
  // The same key with other content is a partner's bug (a change sent without a new revision): Powertools compares
  // a hash of the validated detail (keys sorted, so the partner's whitespace and key order do not matter) and
  // throws IdempotencyValidationError rather than answer it with the first event.
  payloadValidationJmesPath: 'detail',
  expiresAfterSeconds: DUPLICATE_WINDOW_SECONDS,
});

type Delivery = { key: string; partner: string; detailType: BookingDetailType; detail: unknown; requestId: string };
type FirstAcceptance = { event_id: string; request_id: string };

let publishOnce: ((delivery: Delivery) => Promise<FirstAcceptance>) | undefined;

/** Made on first use: a missing table setting must answer 500 naming it, not fail the cold start. */
function idempotentPublisher() {
  publishOnce ??= makeIdempotent(
    // Anonymous on purpose: Powertools prefixes each record id with a named function's name, and a
    // new prefix would forget the deliveries accepted before the deploy.
    async ({ partner, detailType, detail, requestId }: Delivery): Promise<FirstAcceptance> => ({
      event_id: await publishBookingEvent(partner, detailType, detail as DetailOf<typeof detailType>),
      request_id: requestId,
    }),
    {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: setting('IDEMPOTENCY_TABLE') }),
      config: idempotency,
    },
  );
  return publishOnce;
}

/** What became of a delivery. */
export type Publication =
  | { kind: 'published'; eventId: string }
  /** The same event again (a partner's retry): answered with the first event id, nothing published. */
  | { kind: 'duplicate'; eventId: string }
  /** The first delivery of this key is still publishing. */
  | { kind: 'in_progress' }
  /** This key was accepted with other content. */
  | { kind: 'conflict' };

/**
 * Publishes a partner's booking event once per (partner, booking, detail-type, revision): a retry within a day is
 * answered with the first event id and publishes nothing; the same key with other content is a conflict.
 */
export async function publishBookingEventOnce(
  partner: string,
  event: BookingEvent,
  context: Context,
): Promise<Publication> {
  idempotency.registerLambdaContext(context);
  const delivery: Delivery = { key: intakeKey(partner, event), partner, ...event, requestId: context.awsRequestId };
  try {
    const first = await idempotentPublisher()(delivery);
    return { kind: first.request_id === context.awsRequestId ? 'published' : 'duplicate', eventId: first.event_id };
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError) return { kind: 'in_progress' };
    if (error instanceof IdempotencyValidationError) return { kind: 'conflict' };
    throw error;
  }
}
