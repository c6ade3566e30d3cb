import type { CrewConfirmed, CrewDeclined } from '@charter/events';
import { scrubText, stripControls, type PrivateFacts } from '@charter/shared/redaction';
import * as z from '@charter/events/zod';
import type { CrewEvent } from './crew-event';

/**
 * A crew member's answer to the plan as it stands: "I'll be there" (Confirm) or "I can't make it" (decline, with a
 * reason for the captain if they give one). The latest answer counts: confirming after a decline replaces the decline,
 * and the other way round. A new plan (another day, hour or place) clears both.
 */

export const MAX_DECLINE_REASON = 500;

/**
 * A decline's reason as the captain and the crew page show it: the member's words without control characters or
 * bidi overrides (before it is stored or mailed), and without money or contact details (a member may pass on the
 * guest's number), scrubbed against the booking's private facts.
 */
export function crewSafeDeclineReason(reason: string | undefined, known?: PrivateFacts): string | undefined {
  return (
    scrubText(reason && stripControls(reason), known)
      ?.slice(0, MAX_DECLINE_REASON)
      .trim() || undefined
  );
}

/** The reason a member may give with a decline: their own words for the captain, optional. */
export const DeclineReason = z.pipe(
  z.optional(
    z
      .string()
      .check(z.trim(), z.maxLength(MAX_DECLINE_REASON, { error: `must be at most ${MAX_DECLINE_REASON} characters` })),
  ),
  z.transform((reason: string | undefined) => (reason ? reason : undefined)),
);

type Answered = Pick<CrewEvent, 'booking_id' | 'event_id' | 'revision' | 'version' | 'confirmations' | 'declines'>;

/**
 * CrewConfirmed from the stored confirmation: a repeat of the same answer gives the same detail (the first time is
 * kept), as a redelivery would. Undefined when the member has no confirmation on the event.
 */
export function crewConfirmedDetail(event: Answered, memberId: string): CrewConfirmed | undefined {
  const confirmedAt = event.confirmations[memberId];
  if (!confirmedAt) return undefined;
  return { ...answerPart(event, memberId), confirmed_at: confirmedAt };
}

/** CrewDeclined from the stored decline (the first time and reason are kept); undefined when there is none. */
export function crewDeclinedDetail(event: Answered, memberId: string): CrewDeclined | undefined {
  const decline = event.declines[memberId];
  if (!decline) return undefined;
  return {
    ...answerPart(event, memberId),
    declined_at: decline.at,
    ...(decline.reason ? { reason: decline.reason } : {}),
  };
}

const answerPart = (event: Answered, memberId: string) => ({
  schema_version: 1 as const,
  booking_id: event.booking_id,
  event_id: event.event_id,
  member_id: memberId,
  revision: event.revision,
  version: event.version,
});
