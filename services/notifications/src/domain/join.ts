import type { CrewMember, CrewNotified, NoticeKind } from '@charter/events';
import {
  NOTICE_FIELDS,
  fieldsOf,
  type CaptainCopy,
  type Claim,
  type CrewEventSnapshot,
  type JoinState,
  type MemberRecord,
  type NoticeFields,
  type NoticeGroup,
  type Told,
} from './state';

/**
 * The join and the notices, decided from the booking's state alone (no AWS, no clock). Two questions:
 * - `joinOf`: have scc and the calendar applied the same revision (or both the cancellation)? Notices describe a
 *   revision, so they wait for both; a crew-only change keeps the revision, so it needs scc alone.
 * - `memberDue`: what is each member due now, from what THEY were last told? A change before the call folds into
 *   the call; a cancellation before any call sends nothing; a field told and unchanged is not told again.
 * The README's state tables are these two functions, row by row.
 */

export type MissingSide = 'crew_event' | 'calendar';

export type Join =
  /** Both sides at `snapshot.revision` (live), or both cancelled: the notices the snapshot calls for may go. */
  | { kind: 'joined'; snapshot: CrewEventSnapshot }
  /** One side is behind; someone may be due a notice once it catches up. */
  | { kind: 'waiting'; missing: MissingSide; revision: number | undefined; cancelled: boolean }
  /** Nothing can ever be sent: the booking is cancelled (or about to be) and nobody was ever told anything. */
  | { kind: 'nothing_to_tell' };

const isLive = (calendar: JoinState['calendar']) => calendar !== undefined && calendar.status !== 'cancelled';

/** True when some member was told something, or may be being told something now. */
const anyoneTold = (state: JoinState) =>
  Object.values(state.members).some((m) => m.told !== undefined || m.claim !== undefined);

export function joinOf(state: JoinState): Join {
  const { crew_event: event, calendar } = state;
  const calendarCancelled = calendar?.status === 'cancelled';
  if (!event) {
    if (calendar && !calendarCancelled)
      return { kind: 'waiting', missing: 'crew_event', revision: calendar.revision, cancelled: false };
    return calendarCancelled
      ? { kind: 'nothing_to_tell' }
      : { kind: 'waiting', missing: 'crew_event', revision: undefined, cancelled: false };
  }
  if (event.status === 'cancelled') {
    if (calendarCancelled) return { kind: 'joined', snapshot: event };
    return anyoneTold(state)
      ? { kind: 'waiting', missing: 'calendar', revision: event.revision, cancelled: true }
      : { kind: 'nothing_to_tell' };
  }
  if (calendarCancelled) {
    return anyoneTold(state)
      ? { kind: 'waiting', missing: 'crew_event', revision: calendar.revision, cancelled: true }
      : { kind: 'nothing_to_tell' };
  }
  if (isLive(calendar) && calendar!.revision === event.revision) return { kind: 'joined', snapshot: event };
  if (isLive(calendar) && calendar!.revision > event.revision)
    return { kind: 'waiting', missing: 'crew_event', revision: calendar!.revision, cancelled: false };
  return { kind: 'waiting', missing: 'calendar', revision: event.revision, cancelled: false };
}

/** Crew members by member id; a roster listing someone twice still gets them one notice. */
export function crewOf(event: Pick<CrewEventSnapshot, 'crew'>): CrewMember[] {
  const seen = new Set<string>();
  return event.crew.filter((member) => !seen.has(member.member_id) && seen.add(member.member_id));
}

/** The crew member whose role is captain (the first, if the roster names two). */
export function captainOf(event: Pick<CrewEventSnapshot, 'crew'> | undefined): CrewMember | undefined {
  return event?.crew.find((member) => member.role.trim().toLowerCase() === 'captain');
}

export interface FieldChange {
  field: keyof NoticeFields;
  from: string | number;
  to: string | number;
}

/** The fields that differ between what a member was told and what is true now, in the contract's order. */
export function changesBetween(told: NoticeFields, now: NoticeFields): FieldChange[] {
  return NOTICE_FIELDS.filter((field) => told[field] !== now[field]).map((field) => ({
    field,
    from: told[field],
    to: now[field],
  }));
}

/**
 * The member's record a claim compares against: what was read, so that the claim is a compare-and-set on it. `none`:
 * no record (never claimed). `claimed`: a claim that never reached SES, taken over from `claimedBy`.
 */
export type ClaimBase =
  | { status: 'none' }
  | { status: 'idle' }
  | { status: 'claimed'; claimedBy: string }
  | { status: 'unconfirmed' | 'rejected'; claim: Claim };

/** One notice due to one member: everything needed to claim, render and record it. */
export interface DueNotice {
  kind: NoticeKind;
  member: CrewMember;
  /** The member record's `sequence` before this notice (0: never claimed), which the claim compares against. */
  expected: number;
  /** The invite's SEQUENCE (= `expected`: one more than the last notice's). */
  sequence: number;
  /** The record as read: the claim's compare-and-set, and what a release puts back. */
  base: ClaimBase;
  fields: NoticeFields;
  /** For a change: old -> new, from what this member was told. */
  changes: FieldChange[];
  revision: number;
  version: number;
  event_id: string;
  /** The CrewNotified this notice is part of: `<kind>-v<version>` (a resend: `resend-<member>-s<sequence>`). */
  group: string;
  /** A cancellation's reason (scrubbed by SCC), for the cancel notice. */
  reason?: string;
  /** The operator's resend requests this notice serves (`resends` keys). */
  resends: string[];
}

export type MemberDecision =
  | { kind: 'notice'; notice: DueNotice }
  /** Nothing to tell: told the same already, never called, or off the crew and told so. */
  | { kind: 'none' }
  /** A claim that never reached SES and is moot now (nothing is due): given back, taken from `claimedBy`. */
  | { kind: 'void'; claimedBy: string; expected: number }
  /** A notice is with SES (or may be), or was refused: nothing new until that is resolved. */
  | { kind: 'held'; status: HeldStatus };

export type HeldStatus = Exclude<MemberRecord['status'], 'idle' | 'claimed'>;

const CALLED_KINDS = new Set<NoticeKind>(['call', 'change', 'resend']);

/** What the member was last told, or may have been: an unconfirmed notice counts as told for what comes next. */
export function lastTold(record: MemberRecord | undefined): Pick<Told, 'kind' | 'fields'> | undefined {
  if (record?.status === 'unconfirmed' && record.claim) return record.claim;
  return record?.told;
}

const called = (told: Pick<Told, 'kind'> | undefined) => told !== undefined && CALLED_KINDS.has(told.kind);

/** The record as a claim reads it, and the sequence it starts from (a dead claim's is given back). */
function baseOf(record: MemberRecord | undefined): { base: ClaimBase; expected: number } {
  if (!record) return { base: { status: 'none' }, expected: 0 };
  switch (record.status) {
    case 'claimed':
      return { base: { status: 'claimed', claimedBy: record.claim?.claimed_by ?? '' }, expected: record.sequence - 1 };
    case 'unconfirmed':
    case 'rejected':
      if (record.claim) return { base: { status: record.status, claim: record.claim }, expected: record.sequence };
      return { base: { status: 'idle' }, expected: record.sequence };
    default:
      return { base: { status: 'idle' }, expected: record.sequence };
  }
}

/**
 * What one member is due under a joined snapshot. `member` is their roster entry when on the crew, else what their
 * record remembers of them. `resends`: the operator's unserved resend requests for them.
 */
export function memberDue(
  snapshot: CrewEventSnapshot,
  member: CrewMember,
  record: MemberRecord | undefined,
  onCrew: boolean,
  resends: string[] = [],
): MemberDecision {
  const asked = resends.length > 0 && onCrew && snapshot.status === 'live';
  if (record?.status === 'sending') return { kind: 'held', status: 'sending' };
  const moved = record !== undefined && record.email.toLowerCase() !== member.email.toLowerCase();
  // SES refused the record's address and a PATCH gave the member another one: the refused address is let go (no
  // removal: it refused the last notice, and one to it would be refused again) and the new address gets the call.
  const corrected = record?.status === 'rejected' && moved && onCrew && snapshot.status === 'live';
  if (record?.status === 'rejected' && !asked && !corrected) return { kind: 'held', status: 'rejected' };
  const { base, expected } = baseOf(record);
  const now = fieldsOf(snapshot);
  // The address their invite went to, when the crew list now gives them another (a PATCH changed their email): that
  // address hears they are off the crew (its invite cancelled), then the new one gets the call.
  const toldAt = moved && !corrected ? { ...member, name: record.name, email: record.email } : undefined;
  const notice = (
    kind: NoticeKind,
    fields: NoticeFields,
    changes: FieldChange[] = [],
    to: CrewMember = member,
  ): MemberDecision => ({
    kind: 'notice',
    notice: {
      kind,
      member: to,
      expected,
      sequence: expected,
      base,
      fields,
      changes,
      revision: snapshot.revision,
      version: snapshot.version,
      event_id: snapshot.event_id,
      group: kind === 'resend' ? `resend-${member.member_id}-s${expected}` : `${kind}-v${snapshot.version}`,
      ...(kind === 'cancel' && snapshot.reason ? { reason: snapshot.reason } : {}),
      resends: asked ? resends : [],
    },
  });
  const told = lastTold(record);
  let decision: MemberDecision = { kind: 'none' };
  if (snapshot.status === 'cancelled') {
    // The cancel goes where the invite went.
    if (called(told)) decision = notice('cancel', told!.fields, [], toldAt);
  } else if (!onCrew) {
    if (called(told)) decision = notice('removal', told!.fields);
  } else if (called(told) && toldAt) {
    decision = notice('removal', told!.fields, [], toldAt);
  } else if (!called(told) || corrected) {
    // `corrected`: the new address never had an invite, whatever the refused one was told.
    decision = notice('call', now);
  } else {
    const changes = changesBetween(told!.fields, now);
    if (changes.length > 0) decision = notice('change', now, changes);
    else if (asked) decision = notice('resend', now);
  }
  if (decision.kind === 'none' && base.status === 'claimed')
    return { kind: 'void', claimedBy: base.claimedBy, expected };
  return decision;
}

export interface NoticePlan {
  join: Join;
  due: DueNotice[];
  /** Members whose notice is with SES, may have gone, or was refused. */
  held: Array<{ member_id: string; status: HeldStatus }>;
  /** Claims that never reached SES and are moot: given back. */
  voids: Array<{ member_id: string; claimedBy: string; expected: number }>;
}

/** The operator's unserved resend requests, by member. */
export function pendingResends(state: JoinState): Map<string, string[]> {
  const pending = new Map<string, string[]>();
  for (const [key, request] of Object.entries(state.resends)) {
    if (request.served !== undefined) continue;
    pending.set(request.member_id, [...(pending.get(request.member_id) ?? []), key]);
  }
  return pending;
}

/** Every member's due notice under the booking's state: the one decision the handler and the stall check share. */
export function planNotices(state: JoinState): NoticePlan {
  const join = joinOf(state);
  if (join.kind !== 'joined') return { join, due: [], held: [], voids: [] };
  const { snapshot } = join;
  const roster = new Map(crewOf(snapshot).map((member) => [member.member_id, member]));
  const ids = [...roster.keys(), ...Object.keys(state.members).filter((id) => !roster.has(id))];
  const resends = pendingResends(state);
  const plan: NoticePlan = { join, due: [], held: [], voids: [] };
  for (const id of ids) {
    const record = state.members[id];
    const member = roster.get(id) ?? { member_id: id, name: record!.name, email: record!.email, role: record!.role };
    const decision = memberDue(snapshot, member, record, roster.has(id), resends.get(id));
    if (decision.kind === 'notice') plan.due.push(decision.notice);
    if (decision.kind === 'held') plan.held.push({ member_id: id, status: decision.status });
    if (decision.kind === 'void') plan.voids.push({ member_id: id, ...decision });
  }
  return plan;
}

/** CrewNotified's detail, minus schema_version (added when it is published). */
export type CrewNotice = Omit<CrewNotified, 'schema_version'>;

/**
 * The CrewNotified events ready to publish: a group whose notices are all settled (none due, none in flight) and
 * that reached someone. A claim older than `staleBefore` (its invocation died) no longer holds a group back: the
 * stall check passes it, the handler does not.
 */
export function noticesToPublish(state: JoinState, staleBefore?: Date): Array<{ group: string; notice: CrewNotice }> {
  const unsettled = new Set(planNotices(state).due.map((notice) => notice.group));
  for (const record of Object.values(state.members)) {
    const claim = record.claim;
    if (!inFlight(record) || !claim) continue;
    if (staleBefore === undefined || Date.parse(claimTime(claim)) >= staleBefore.getTime()) unsettled.add(claim.group);
  }
  return Object.entries(state.notices)
    .filter(([group, g]) => !unsettled.has(group) && g.published?.status !== 'done' && hasRecipients(g))
    .map(([group, g]) => ({ group, notice: crewNoticeOf(state.booking_id, g) }));
}

/** A claim not yet settled: about to be sent, or with SES. */
export const inFlight = (record: MemberRecord) => record.status === 'claimed' || record.status === 'sending';

/** Since when a claim has been in its state: sending since it asked SES, claimed since the claim. */
export const claimTime = (claim: Claim) => claim.sending_at ?? claim.claimed_at;

const hasRecipients = (group: NoticeGroup) => Object.keys(group.recipients).length > 0;

function crewNoticeOf(bookingId: string, group: NoticeGroup): CrewNotice {
  return {
    booking_id: bookingId,
    event_id: group.event_id,
    kind: group.kind,
    revision: group.revision,
    recipients: Object.entries(group.recipients)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([member_id, r]) => ({ member_id, email: r.email, message_id: r.message_id })),
  };
}

/** Members whose last notice did not certainly reach them, and was not reported yet. */
export function unreportedKept(state: JoinState): Array<[string, MemberRecord]> {
  return Object.entries(state.members).filter(
    ([, m]) => (m.status === 'rejected' || m.status === 'unconfirmed') && (m.reported ?? 0) < m.sequence,
  );
}

/**
 * Nothing more will happen without a new event: joined (or nothing to tell), nobody due, nothing in flight, every
 * CrewNotified out, every refused or unanswered notice reported. The handler then takes the booking off the watch list.
 */
/** A captain's copy not sent yet, or claimed by an invocation that never reached SES (taken over). */
export const copyPending = (copy: CaptainCopy | undefined): copy is CaptainCopy =>
  copy !== undefined && (copy.sent === undefined || copy.sent.status === 'claimed');

export function isSettled(state: JoinState): boolean {
  const plan = planNotices(state);
  if (plan.join.kind === 'waiting' || plan.due.length > 0) return false;
  if (Object.values(state.members).some(inFlight)) return false;
  if (unreportedKept(state).length > 0) return false;
  if (Object.values(state.members).some((m) => copyPending(m.copy))) return false;
  return Object.values(state.notices).every((g) => g.published?.status === 'done' || !hasRecipients(g));
}
