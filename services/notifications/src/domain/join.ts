import { CalendarUpdated, CrewMember, EventCreated, type CrewNotified } from '@charter/events';
import { z } from 'zod';

/**
 * The notifier's join, one item per booking. EventBridge delivers EventCreated and
 * CalendarUpdated at least once and in any order, so the item only ever accumulates facts:
 * the first copy of each event is kept, every send is claimed before it happens and recorded
 * after, and the decision of what to do next is made here, from the item alone.
 */

/**
 * A send moves claimed -> sent (SES accepted it, message id recorded). When SES answers with
 * a refusal it moves to rejected; when SES gave no answer (connection lost mid-request) it moves
 * to unconfirmed. A claim with no record after CLAIM_LEASE_MS belongs to an invocation that
 * died between SendEmail and the record: the mail may or may not have gone. Neither claimed,
 * rejected nor unconfirmed is ever sent again automatically (at most once per member); the
 * stall check reports them to the captain.
 */
export const SendStatus = z.enum(['claimed', 'sent', 'rejected', 'unconfirmed']);
export type SendStatus = z.infer<typeof SendStatus>;

export const SendRecord = z.object({
  status: SendStatus,
  email: z.string(),
  claimed_at: z.string(),
  claimed_by: z.string(),
  message_id: z.string().optional(),
  sent_at: z.string().optional(),
  reason: z.string().optional(),
});
export type SendRecord = z.infer<typeof SendRecord>;

/** A one-off action (CrewNotified, an alert) claimed by one invocation, then recorded. */
export const OnceRecord = z.object({
  status: z.enum(['claimed', 'done', 'rejected']),
  claimed_at: z.string(),
  claimed_by: z.string(),
  id: z.string().optional(),
  reason: z.string().optional(),
});
export type OnceRecord = z.infer<typeof OnceRecord>;

/** The item's one-off actions, each held as a OnceRecord. */
export type OnceField = 'crew_notified' | 'stall_alert' | 'delivery_alert';

export const JoinState = z.object({
  booking_id: z.string(),
  crew_event: EventCreated.optional(),
  crew_event_at: z.string().optional(),
  calendar: CalendarUpdated.pick({ year: true, calendar_url: true }).optional(),
  calendar_at: z.string().optional(),
  sends: z.record(z.string(), SendRecord).default({}),
  crew_notified: OnceRecord.optional(),
  stall_alert: OnceRecord.optional(),
  delivery_alert: OnceRecord.optional(),
  watch_since: z.string().optional(),
  /** Set by every arrival: a stall decision taken on an older read must not undo what it started. */
  updated_at: z.string().optional(),
});
export type JoinState = z.infer<typeof JoinState>;

/** Four times the function timeout (30 s): a claim this old has no live owner. */
export const CLAIM_LEASE_MS = 2 * 60 * 1000;

export type MissingStep = 'crew_event' | 'calendar';

export interface Undelivered {
  member: CrewMember;
  /** `not_sent`: no invocation got as far as claiming it (its event failed and was dead-lettered). */
  status: 'not_sent' | Exclude<SendStatus, 'sent'>;
  reason?: string;
}

export type NextStep =
  | { kind: 'wait'; missing: MissingStep }
  | { kind: 'send'; event: EventCreated; members: CrewMember[] }
  | { kind: 'in_progress'; members: CrewMember[] }
  | { kind: 'blocked'; undelivered: Undelivered[] }
  | { kind: 'publish'; notice: CrewNotice }
  | { kind: 'done' };

/** CrewNotified's detail, minus schema_version (added when it is published). */
export type CrewNotice = Omit<CrewNotified, 'schema_version'>;

/** Crew members by member id; a roster listing someone twice still gets them one email. */
export function crewOf(event: EventCreated): CrewMember[] {
  const seen = new Set<string>();
  return event.crew.filter((member) => !seen.has(member.member_id) && seen.add(member.member_id));
}

/** The crew member whose role is captain (the first, if the roster names two). */
export function captainOf(event: EventCreated | undefined): CrewMember | undefined {
  return event?.crew.find((member) => member.role.trim().toLowerCase() === 'captain');
}

/** What the join should do now, given everything recorded for the booking. */
export function nextStep(state: JoinState): NextStep {
  const event = state.crew_event;
  if (!event) return { kind: 'wait', missing: 'crew_event' };
  if (!state.calendar) return { kind: 'wait', missing: 'calendar' };

  const crew = crewOf(event);
  const unclaimed = crew.filter((member) => !state.sends[member.member_id]);
  if (unclaimed.length > 0) return { kind: 'send', event, members: unclaimed };

  const inFlight = crew.filter((member) => state.sends[member.member_id]?.status === 'claimed');
  if (inFlight.length > 0) return { kind: 'in_progress', members: inFlight };

  const undelivered = undeliveredOf(state, crew);
  if (undelivered.length > 0) return { kind: 'blocked', undelivered };

  if (state.crew_notified?.status === 'done') return { kind: 'done' };
  return {
    kind: 'publish',
    notice: {
      booking_id: state.booking_id,
      event_id: event.event_id,
      kind: 'call',
      revision: event.revision,
      recipients: crew.map((member) => {
        const send = state.sends[member.member_id]!;
        return { member_id: member.member_id, email: send.email, message_id: send.message_id! };
      }),
    },
  };
}

function undeliveredOf(state: JoinState, crew: CrewMember[], staleBefore?: number): Undelivered[] {
  const out: Undelivered[] = [];
  for (const member of crew) {
    const send = state.sends[member.member_id];
    if (!send) out.push({ member, status: 'not_sent' });
    else if (send.status === 'rejected' || send.status === 'unconfirmed') {
      out.push({ member, status: send.status, ...(send.reason ? { reason: send.reason } : {}) });
    } else if (send.status === 'claimed' && staleBefore !== undefined && Date.parse(send.claimed_at) < staleBefore) {
      out.push({ member, status: 'claimed' });
    }
  }
  return out;
}

export type StallDecision =
  /** Nothing to report yet: keep the booking on the watch list. */
  | { kind: 'keep_watching' }
  /** Finished, or already reported: take the booking off the watch list. */
  | { kind: 'stop_watching' }
  | { kind: 'missing_step'; missing: MissingStep; since: string }
  | { kind: 'undelivered'; undelivered: Undelivered[] }
  /** Everyone was emailed but CrewNotified was never recorded (its publisher died): publish it. */
  | { kind: 'publish'; notice: CrewNotice };

export interface StallPolicy {
  stallMinutes: number;
  leaseMs?: number;
}

/**
 * What the scheduled stall check does with one watched booking. "Stalled" means one of the
 * two events arrived stallMinutes ago and the other has not, or both arrived stallMinutes ago
 * and some crew member's email is still not confirmed sent.
 */
export function stallDecision(state: JoinState, now: Date, policy: StallPolicy): StallDecision {
  const stallMs = policy.stallMinutes * 60 * 1000;
  const leaseMs = policy.leaseMs ?? CLAIM_LEASE_MS;
  const olderThan = (iso: string | undefined, ms: number) => iso !== undefined && now.getTime() - Date.parse(iso) >= ms;

  if (state.crew_notified?.status === 'done') return { kind: 'stop_watching' };

  const step = nextStep(state);
  if (step.kind === 'wait') {
    const present = step.missing === 'calendar' ? state.crew_event_at : state.calendar_at;
    if (!present) return { kind: 'stop_watching' };
    if (!olderThan(present, stallMs)) return { kind: 'keep_watching' };
    return state.stall_alert
      ? { kind: 'stop_watching' }
      : { kind: 'missing_step', missing: step.missing, since: present };
  }

  const joinedAt = [state.crew_event_at, state.calendar_at].sort().at(-1);
  if (step.kind === 'publish') {
    const claim = state.crew_notified;
    // A fresh claim belongs to a live publisher; a stale one to an invocation that died.
    if (claim && !olderThan(claim.claimed_at, leaseMs)) return { kind: 'keep_watching' };
    return { kind: 'publish', notice: step.notice };
  }
  if (!olderThan(joinedAt, stallMs)) return { kind: 'keep_watching' };

  const undelivered = undeliveredOf(state, crewOf(state.crew_event!), now.getTime() - leaseMs);
  if (undelivered.length === 0) return { kind: 'keep_watching' };
  return state.delivery_alert ? { kind: 'stop_watching' } : { kind: 'undelivered', undelivered };
}

/** Who hears about a stall: the captain when the roster is known and they can be reached. */
export function alertRecipient(state: JoinState, operatorAddress: string, undelivered: Undelivered[] = []): string {
  const captain = captainOf(state.crew_event);
  if (!captain || undelivered.some((u) => u.member.member_id === captain.member_id)) return operatorAddress;
  return captain.email;
}
