import { BookingId } from '@charter/events';
import * as z from '@charter/events/zod';
import { readDeadLetter, type DeadLetterMessage } from '@charter/shared/dead-letter-read';
import { instant, type DeadLetterFacts, type EntryOf } from './timeline';
import { WHAT_TO_DO } from './what-to-do';

/** The bus event a bus consumer's dead letter holds (a scheduled or HTTP function's payload is none of these). */
const HeldEvent = z.object({
  id: z.string(),
  source: z.string(),
  'detail-type': z.string(),
  detail: z.looseObject({ booking_id: z.optional(z.unknown()), revision: z.optional(z.unknown()) }),
});

export interface DeadLetter {
  /** The queue's service, e.g. `calendar` (from `charter-<service>-dlq-<stage>`). */
  service: string;
  queue: string;
  message_id: string;
  function_name: string;
  booking_id?: string;
  failed_at: string;
  condition: string;
  error_type: string;
  reason: string;
  code?: 'not_owner';
  event?: DeadLetterFacts['event'];
  /** For a `not_owner` refusal: the partner whose event was refused (its bus source `partner.<name>`). */
  refused_partner?: string;
}

/** `charter-calendar-dlq-prod` -> `calendar`; a queue outside the convention is named as it is. */
export const serviceOfQueue = (queue: string) => /^charter-(.+)-dlq-[^-]+$/.exec(queue)?.[1] ?? queue;
/** `charter-calendar-dlq-prod` -> `prod`; undefined outside the convention. */
export const stageOfQueue = (queue: string | undefined) => /^charter-.+-dlq-([^-]+)$/.exec(queue ?? '')?.[1];

/** The command that replays a stage's dead letters to their functions (local/README.md): the local cloud needs none. */
export const redriveCommand = (stage: string | undefined) =>
  stage === 'local' ? 'npm run dlq -- redrive' : `npm run dlq -- --stage ${stage ?? '<stage>'} redrive`;

/** Errors a replay meets again: the partner's event itself is wrong (invalid, or another content for a revision). */
const PARTNERS_TO_CORRECT = new Set(['InvalidEventError', 'RevisionConflictError']);

/** What the operator does about one dead letter, in a line. */
export function whatToDoWith(
  letter: Pick<DeadLetter, 'code' | 'queue' | 'error_type' | 'refused_partner' | 'event'>,
): string {
  if (letter.code === 'not_owner') return WHAT_TO_DO.not_owner(letter.refused_partner ?? 'the partner');
  if (PARTNERS_TO_CORRECT.has(letter.error_type) && letter.event?.source.startsWith('partner.')) {
    return (
      `Nothing to replay (it would be refused again): ask ${letter.event.source.slice(8)} to send the booking ` +
      'corrected, as a BookingUpdated with a higher revision.'
    );
  }
  if (letter.error_type === 'Unreadable')
    return 'Read it with npm run dlq: neither a Lambda failure record nor an event EventBridge could not deliver.';
  return WHAT_TO_DO.dead_letter(redriveCommand(stageOfQueue(letter.queue)));
}

/**
 * One message of a dead-letter queue, read whatever it holds (`readDeadLetter`: Lambda's onFailure record, or the event
 * EventBridge could not deliver to a rule's target with its reasons in message attributes); a message that is neither
 * is still listed, as `Unreadable`.
 */
export function parseDeadLetter(queue: string, messageId: string, message: DeadLetterMessage): DeadLetter {
  const service = serviceOfQueue(queue);
  const letter = readDeadLetter(message);
  if (letter.kind === 'unreadable') {
    return {
      service,
      queue,
      message_id: messageId,
      function_name: 'unknown',
      failed_at: instant(letter.failedAt),
      condition: 'unknown',
      error_type: 'Unreadable',
      reason: `The message is ${letter.reason}; read it with npm run dlq.`,
    };
  }
  const held = HeldEvent.safeParse(letter.payload);
  const event = held.success ? held.data : undefined;
  const bookingId = BookingId.safeParse(event?.detail.booking_id);
  const reason = letter.errorMessage;
  const notOwner = letter.errorType === 'NotOwnerError' || reason.startsWith('not_owner');
  // Every booking and service event without a revision is of revision 1 (the contracts' default).
  const revision = event ? (typeof event.detail.revision === 'number' ? event.detail.revision : 1) : undefined;
  return {
    service,
    queue,
    message_id: messageId,
    function_name: letter.functionName,
    ...(bookingId.success ? { booking_id: bookingId.data } : {}),
    failed_at: instant(letter.failedAt),
    condition: letter.condition,
    error_type: letter.errorType,
    reason,
    ...(notOwner ? { code: 'not_owner' as const } : {}),
    ...(event
      ? {
          event: {
            id: event.id,
            detail_type: event['detail-type'],
            source: event.source,
            ...(revision !== undefined ? { revision } : {}),
          },
        }
      : {}),
    ...(notOwner && event?.source.startsWith('partner.') ? { refused_partner: event.source.slice(8) } : {}),
  };
}

/**
 * The dead letter on its booking's timeline. Its id is the event it holds, per service, so the same event failed
 * again (a redrive that fails) stays one entry, and the sweep, which sees the letter every minute, writes it once.
 */
export function entryFromDeadLetter(letter: DeadLetter): EntryOf<'DeadLetter'> | undefined {
  if (!letter.booking_id) return undefined;
  return {
    id: `dlq:${letter.service}:${letter.event?.id ?? letter.message_id}`,
    booking_id: letter.booking_id,
    at: letter.failed_at,
    service: letter.service,
    ...(letter.event?.revision !== undefined ? { revision: letter.event.revision } : {}),
    kind: 'DeadLetter',
    facts: {
      service: letter.service,
      queue: letter.queue,
      function_name: letter.function_name,
      error_type: letter.error_type,
      reason: letter.reason,
      ...(letter.code ? { code: letter.code } : {}),
      ...(letter.event ? { event: letter.event } : {}),
    },
  };
}
