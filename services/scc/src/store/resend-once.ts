import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { setting } from '../config';

/**
 * The resend route's `Idempotency-Key`: a request repeated with the same key for the same event and member within a
 * day is answered with the first request's 202 body and publishes nothing more (a client that lost the answer and
 * retries must not send the member a second fresh notice). Powertools idempotency keeps one small item per key in
 * the crew events table, `pk` = `EVENT#resend#<hash of event id, member id and key>` (a kind the role's
 * `dynamodb:LeadingKeys` pattern `EVENT#resend#*` names, and which nothing else reads), with Powertools' `status`,
 * `data` (the 202 body) and `expiration` (the table's TTL attribute, and checked by Powertools itself).
 */
const WINDOW_SECONDS = 24 * 60 * 60;

const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: WINDOW_SECONDS });

export type ResendAnswer = {
  status: 'accepted';
  event_id: string;
  member_id: string;
  requested_at: string;
  request_id: string;
};

type Request = { key: string };

let requestOnce: ((request: Request, work: () => Promise<ResendAnswer>) => Promise<ResendAnswer>) | undefined;

/** Made on first use: a missing table setting answers 500 naming it rather than fail the cold start. */
function idempotentRequest() {
  requestOnce ??= makeIdempotent(async (_request: Request, work: () => Promise<ResendAnswer>) => work(), {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: setting('EVENTS_TABLE'), keyAttr: 'pk' }),
    config,
    keyPrefix: 'EVENT#resend',
    dataIndexArgument: 0,
  });
  return requestOnce;
}

export type ResendOnce =
  | { kind: 'answered'; answer: ResendAnswer; replayed: boolean }
  /** The first request with this key is still being handled. */
  | { kind: 'in_progress' };

/**
 * Runs `work` (decide, publish, answer) once per key: the first answer is kept a day and returned to every repeat.
 * A refusal (`work` throws a 404 or 409) keeps nothing, so the same key may be tried again once the cause is gone.
 */
export async function resendOnce(
  key: { eventId: string; memberId: string; idempotencyKey: string },
  context: Context,
  work: () => Promise<ResendAnswer>,
): Promise<ResendOnce> {
  config.registerLambdaContext(context);
  let ran = false;
  try {
    const answer = await idempotentRequest()(
      { key: `${key.eventId}/${key.memberId}/${key.idempotencyKey}` },
      async () => {
        ran = true;
        return work();
      },
    );
    return { kind: 'answered', answer, replayed: !ran };
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError) return { kind: 'in_progress' };
    throw error;
  }
}
