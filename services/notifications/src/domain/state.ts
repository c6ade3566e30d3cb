import {
  CalendarStatus,
  CancelledBy,
  CrewSafeField,
  NoticeKind,
  Revision,
  crewEventFields,
  type EventCancelled,
  type EventCreated,
  type EventUpdated,
} from '@charter/events';
import * as z from '@charter/events/zod';

/**
 * What the notifier keeps per booking (one item of the join table): the latest state of each side, never a log of
 * the events. EventBridge delivers at least once, in any order, days late after a redrive; a state that only moves
 * forward (a higher crew event `version`, a higher calendar `revision`, a cancellation that is final) converges
 * whatever the order, and the notices are decided from it alone (`./join.ts`).
 */

/** The crew-safe fields a member is told, and told old -> new about when they change. */
export const NoticeFields = z.object({
  charter_date: crewEventFields.charter_date,
  charter_start: crewEventFields.charter_start,
  charter_end: crewEventFields.charter_end,
  timezone: crewEventFields.timezone,
  vessel: z.string(),
  location: z.string(),
  guest_count: crewEventFields.guest_count,
});
export type NoticeFields = z.infer<typeof NoticeFields>;

export const NOTICE_FIELDS = CrewSafeField.options;

/** The crew event as SCC last published it (EventCreated, EventUpdated or EventCancelled). */
export const CrewEventSnapshot = z.object({
  ...crewEventFields,
  vessel: z.string(),
  location: z.string(),
  /** `cancelled` is final: a later version never reopens it. */
  status: z._default(z.enum(['live', 'cancelled']), 'live'),
  cancelled_at: z.optional(z.string()),
  cancelled_by: z.optional(CancelledBy),
  /** Scrubbed by SCC of money and contact details; still partner text, escaped wherever it is shown. */
  reason: z.optional(z.string()),
});
export type CrewEventSnapshot = z.infer<typeof CrewEventSnapshot>;

/** CalendarUpdated's revision and status: the entry the public calendar shows. */
export const CalendarState = z.object({
  revision: z._default(Revision, 1),
  status: z._default(CalendarStatus, 'booked'),
  year: z.number().check(z.int()),
  calendar_url: z.string(),
});
export type CalendarState = z.infer<typeof CalendarState>;

/**
 * Where a member's notices stand. "About to send" and "sent" are apart, so that only the truly unknown case is left
 * to a person:
 * - `idle`: nothing in flight; `told` is what they last certainly got.
 * - `claimed`: one invocation holds the right to send `claim`, and has not asked SES yet: certainly not sent. Anyone
 *   may take it over (a compare-and-set on `claim.claimed_by`), so an invocation that died here costs nothing.
 * - `sending`: the invocation marked it just before asking SES. In flight, or, once that invocation is certainly
 *   gone (its own retry sees it, or the claim lease passed), unknown: then it becomes `unconfirmed`.
 * - `rejected`: SES refused `claim` for good. Nothing more is sent automatically; the operator's resend may.
 * - `unconfirmed`: SES may have taken `claim` (its answer was lost, or the invocation died while SES had it). Taken
 *   as told for what comes next (a change or cancellation still reaches the member), and reported by the stall check
 *   unless a later notice certainly reached them; the operator's resend sends a fresh notice.
 */
export const MemberStatus = z.enum(['idle', 'claimed', 'sending', 'rejected', 'unconfirmed']);
export type MemberStatus = z.infer<typeof MemberStatus>;

const noticeFacts = {
  kind: NoticeKind,
  /** What the notice told: the current fields for a call or change, what they knew for a cancel or removal. */
  fields: NoticeFields,
  revision: Revision,
  version: z.number().check(z.int()),
  /** The invite's SEQUENCE. */
  sequence: z.number().check(z.int(), z.minimum(0)),
};

/** The last notice a member certainly got. */
export const Told = z.object({ ...noticeFacts, message_id: z.string(), sent_at: z.string() });
export type Told = z.infer<typeof Told>;

/** The notice a member's record is claimed for (or kept as rejected / unconfirmed). */
export const Claim = z.object({
  ...noticeFacts,
  /** The CrewNotified the notice belongs to (`notices.<group>`). */
  group: z.string(),
  claimed_by: z.string(),
  claimed_at: z.string(),
  /** When the claimer asked SES: from here the notice may have gone. */
  sending_at: z.optional(z.string()),
  reason: z.optional(z.string()),
  failed_at: z.optional(z.string()),
});
export type Claim = z.infer<typeof Claim>;

/** One field of a change notice, old -> new. */
export const FieldChangeRecord = z.object({
  field: CrewSafeField,
  from: z.union([z.string(), z.number()]),
  to: z.union([z.string(), z.number()]),
});

/**
 * The captain's copy of a member's notice, kept with the member's record by the same write that records the notice,
 * so it cannot be lost between the two: what the member was told (to render the copy again after a crash) and the
 * one-off record of its own send. The copy is its own message with no invite and no link (see notice-email.ts).
 * Only the latest notice's copy is kept: a newer notice recorded before the copy went replaces it.
 */
export const CaptainCopy = z.object({
  to: z.string(),
  captain_name: z.string(),
  kind: NoticeKind,
  fields: NoticeFields,
  changes: z._default(z.array(FieldChangeRecord), []),
  reason: z.optional(z.string()),
  revision: Revision,
  version: z.number().check(z.int()),
  /** The member's notice's invite SEQUENCE: what the copy's claim is pinned to. */
  sequence: z.number().check(z.int(), z.minimum(0)),
  event_id: z.string(),
  sent: z.optional(z.lazy(() => OnceRecord)),
});
export type CaptainCopy = z.infer<typeof CaptainCopy>;

export const MemberRecord = z.object({
  name: z.string(),
  email: z.string(),
  role: z.string(),
  /** Notices claimed so far, which is also the SEQUENCE of the next invite; the compare-and-set of every claim. */
  sequence: z.number().check(z.int(), z.minimum(0)),
  status: MemberStatus,
  told: z.optional(Told),
  claim: z.optional(Claim),
  /** The `sequence` at which the stall check last reported this member as not reached. */
  reported: z.optional(z.number().check(z.int())),
  /** The captain's copy of the last notice, until sent (then kept with its `sent` record). */
  copy: z.optional(CaptainCopy),
});
export type MemberRecord = z.infer<typeof MemberRecord>;

/**
 * A one-off action (a CrewNotified, an alert, a decline email) claimed by one invocation, then recorded. As for a
 * member: `claimed` has not been sent (anyone may take it over), `sending` was handed to SES, `unconfirmed` may
 * have gone (never sent again), `rejected` was refused for good, `done` went.
 */
export const OnceRecord = z.object({
  status: z.enum(['claimed', 'sending', 'done', 'rejected', 'unconfirmed']),
  claimed_at: z.string(),
  claimed_by: z.string(),
  id: z.optional(z.string()),
  reason: z.optional(z.string()),
});
export type OnceRecord = z.infer<typeof OnceRecord>;

/** One CrewNotified: a kind of notice about one version of the crew event, and who got it. */
export const NoticeGroup = z.object({
  kind: NoticeKind,
  revision: Revision,
  version: z.number().check(z.int()),
  event_id: z.string(),
  recipients: z._default(z.record(z.string(), z.object({ email: z.string(), message_id: z.string() })), {}),
  published: z.optional(OnceRecord),
});
export type NoticeGroup = z.infer<typeof NoticeGroup>;

/** A CrewDeclined, kept until the captain has been told. */
export const Decline = z.object({
  member_id: z.string(),
  revision: Revision,
  version: z.number().check(z.int()),
  declined_at: z.string(),
  reason: z.optional(z.string()),
  told: z.optional(OnceRecord),
});
export type Decline = z.infer<typeof Decline>;

/**
 * The operator asked for a fresh notice to one member (CrewResendRequested, `resends.<member_id>@<requested_at>`).
 * The next notice that member is sent serves it: the one due anyway (its details are the current ones), else a
 * `resend`. `served` is the member's sequence it was served at.
 */
export const ResendRequest = z.object({
  member_id: z.string(),
  requested_at: z.string(),
  version: z.number().check(z.int()),
  served: z.optional(z.number().check(z.int())),
});
export type ResendRequest = z.infer<typeof ResendRequest>;

/** v1's record of a member's one crew call (`sends.<member_id>`), before notices had kinds: adopted once as members. */
const V1Send = z.object({
  status: z.enum(['claimed', 'sent', 'rejected', 'unconfirmed']),
  email: z.string(),
  claimed_at: z.string(),
  claimed_by: z.string(),
  message_id: z.optional(z.string()),
  sent_at: z.optional(z.string()),
  reason: z.optional(z.string()),
});

export const JoinState = z.object({
  booking_id: z.string(),
  crew_event: z.optional(CrewEventSnapshot),
  crew_event_at: z.optional(z.string()),
  calendar: z.optional(CalendarState),
  calendar_at: z.optional(z.string()),
  members: z._default(z.record(z.string(), MemberRecord), {}),
  notices: z._default(z.record(z.string(), NoticeGroup), {}),
  declines: z._default(z.record(z.string(), Decline), {}),
  resends: z._default(z.record(z.string(), ResendRequest), {}),
  alerts: z._default(z.record(z.string(), OnceRecord), {}),
  /** Items written by v1 (one crew call per booking): its sends, until adopted as members (`adopted_v1`). */
  sends: z.optional(z.record(z.string(), V1Send)),
  crew_notified: z.optional(OnceRecord),
  adopted_v1: z.optional(z.string()),
  /** Set when an arrival changed the state: the stall clock of the booking. */
  watch_since: z.optional(z.string()),
  /** Set by every arrival that changed the state: a stall decision taken on an older read must not undo it. */
  updated_at: z.optional(z.string()),
});
export type JoinState = z.infer<typeof JoinState>;

/** The crew event a notice describes, from any of SCC's three events. */
export function snapshotOf(event: EventCreated | EventUpdated | EventCancelled, cancelled: boolean): CrewEventSnapshot {
  const { schema_version, booking_id, event_id, revision, version, crew } = event;
  const base = { schema_version, booking_id, event_id, revision, version, crew, ...fieldsOf(event) };
  if (!cancelled) return { ...base, status: 'live' };
  const { cancelled_at, cancelled_by, reason } = event as EventCancelled;
  return { ...base, status: 'cancelled', cancelled_at, cancelled_by, reason };
}

/** The crew-safe fields of a crew event. */
export function fieldsOf(event: NoticeFields): NoticeFields {
  const { charter_date, charter_start, charter_end, timezone, vessel, location, guest_count } = event;
  return { charter_date, charter_start, charter_end, timezone, vessel, location, guest_count };
}

/** True for an item v1 wrote (it has `sends`) not yet adopted: its calls become members before anything is decided. */
export const needsV1Adoption = (state: JoinState) => state.adopted_v1 === undefined && state.sends !== undefined;

/**
 * What v1's sends become: each member it called was told a call with the crew event it kept (v1 never replaced it),
 * with no invite yet (so the next notice's SEQUENCE, 1, is their first); a send v1 left claimed, rejected or
 * unconfirmed is held as such. v1's CrewNotified is the group `call-v1`.
 */
export function v1Adoption(state: JoinState): { members: Record<string, MemberRecord>; group?: NoticeGroup } {
  const event = state.crew_event;
  if (!event) return { members: {} };
  const fields = fieldsOf(event);
  const facts = { kind: 'call' as const, fields, revision: event.revision, version: event.version, sequence: 0 };
  const members: Record<string, MemberRecord> = {};
  const recipients: NoticeGroup['recipients'] = {};
  for (const [id, send] of Object.entries(state.sends ?? {})) {
    if (state.members[id]) continue;
    const onCrew = event.crew.find((m) => m.member_id === id);
    const who = { name: onCrew?.name ?? id, email: send.email, role: onCrew?.role ?? 'crew', sequence: 1 };
    if (send.status === 'sent' && send.message_id) {
      const sentAt = send.sent_at ?? send.claimed_at;
      members[id] = { ...who, status: 'idle', told: { ...facts, message_id: send.message_id, sent_at: sentAt } };
      recipients[id] = { email: send.email, message_id: send.message_id };
    } else {
      // v1 had no mark between its claim and SendEmail: a claim it left may have been sent, so it is unconfirmed.
      const status = send.status === 'sent' || send.status === 'claimed' ? 'unconfirmed' : send.status;
      const claim = { ...facts, group: 'call-v1', claimed_by: send.claimed_by, claimed_at: send.claimed_at };
      members[id] = { ...who, status, claim: { ...claim, ...(send.reason ? { reason: send.reason } : {}) } };
    }
  }
  const group: NoticeGroup = {
    kind: 'call',
    revision: event.revision,
    version: event.version,
    event_id: event.event_id,
    recipients,
    ...(state.crew_notified ? { published: state.crew_notified } : {}),
  };
  return { members, group };
}
