import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BookingCreated } from '@charter/events';
import { publishBooking } from '@charter/shared/publisher';
import type { Context } from 'aws-lambda';
import { setting } from './config';
import { intakeKey } from './domain/intake-key';

/**
 * The intake's only table, `charter-bus-intake-<stage>`, is Powertools idempotency's: one item
 * per accepted delivery, `id` = the intake key (partner, booking id, hash of the validated
 * booking), the first acceptance (event id, request id) in `data`, and `expiration` as its TTL.
 * Powertools owns the items and its own DynamoDB client (it writes marshalled attributes, so our
 * document client cannot stand in for it); the bus is published to by `@charter/shared/publisher`.
 */

/** Partners retry webhooks for hours; a retry within a day gets the first answer back. */
const DUPLICATE_WINDOW_SECONDS = 24 * 60 * 60;

const idempotency = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: DUPLICATE_WINDOW_SECONDS });

type Delivery = { key: string; partner: string; booking: BookingCreated; requestId: string };
type FirstAcceptance = { event_id: string; request_id: string };

let publishOnce: ((delivery: Delivery) => Promise<FirstAcceptance>) | undefined;

/** Made on first use: a missing table setting must answer 500 naming it, not fail the cold start. */
function idempotentPublisher() {
  publishOnce ??= makeIdempotent(
    // Anonymous on purpose: Powertools prefixes each record id with a named function's name, and a
    // new prefix would forget the deliveries accepted before the deploy.
    async ({ partner, booking, requestId }: Delivery): Promise<FirstAcceptance> => ({
      event_id: await publishBooking(partner, booking),
      request_id: requestId,
    }),
    {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: setting('IDEMPOTENCY_TABLE') }),
      config: idempotency,
    },
  );
  return publishOnce;
}

/** What became of a delivery: published now, answered from the first delivery, or still being published. */
export type Publication =
  { kind: 'published'; eventId: string } | { kind: 'duplicate'; eventId: string } | { kind: 'in_progress' };

/**
 * Publishes a partner's booking as BookingCreated once per delivery: a retry of the same booking
 * within a day is answered with the first event id and publishes nothing.
 */
export async function publishBookingOnce(
  partner: string,
  booking: BookingCreated,
  context: Context,
): Promise<Publication> {
  idempotency.registerLambdaContext(context);
  const delivery = { key: intakeKey(partner, booking), partner, booking, requestId: context.awsRequestId };
  try {
    const first = await idempotentPublisher()(delivery);
    return { kind: first.request_id === context.awsRequestId ? 'published' : 'duplicate', eventId: first.event_id };
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError) return { kind: 'in_progress' };
    throw error;
  }
}
