import { MemberId, type CrewResendRequested } from '@charter/events';
import type { CrewEvent } from './crew-event';

/**
 * The operator's "send this crew member a fresh notice" (POST /events/{event_id}/crew/{member_id}/resend): the crew
 * error page tells a member whose link failed to "ask the captain to send you a fresh link", and the stall check's
 * report of a call or change that may not have reached someone names this route (for a cancellation or a removal,
 * which this route refuses with 409, the report says to phone them). SCC only decides whether the member may get
 * one and says so on the bus (CrewResendRequested); the notifier sends it, counted as one more notice.
 */
export type ResendDecision =
  | { kind: 'requested'; detail: CrewResendRequested }
  /** Not on the crew now, nor ever taken off it: no such member for this event (404). */
  | { kind: 'unknown_member' }
  /** The booking was cancelled: the crew were told so, and there is nothing fresh to send (409). */
  | { kind: 'cancelled' }
  /** Taken off the crew since: their link no longer opens the event, and a notice would say otherwise (409). */
  | { kind: 'not_on_crew' };

export function resendDecision(event: CrewEvent, memberId: string, now: Date): ResendDecision {
  const onCrew = event.crew.some((member) => member.member_id === memberId);
  const wasOnCrew = event.former_crew?.includes(memberId) ?? false;
  if (!MemberId.safeParse(memberId).success || (!onCrew && !wasOnCrew)) return { kind: 'unknown_member' };
  if (event.lifecycle === 'cancelled') return { kind: 'cancelled' };
  if (!onCrew) return { kind: 'not_on_crew' };
  return {
    kind: 'requested',
    detail: {
      schema_version: 1,
      booking_id: event.booking_id,
      event_id: event.event_id,
      member_id: memberId,
      revision: event.revision,
      version: event.version,
      requested_at: now.toISOString(),
    },
  };
}
