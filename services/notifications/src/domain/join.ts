import type { CrewMember, CrewNotified, NoticeKind } from '@charter/events';
import {
  NOTICE_FIELDS,
  fieldsOf,
  type CrewEventSnapshot,
  type JoinState,
  type MemberRecord,
  type NoticeFields,
  type NoticeGroup,
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

/** One notice due to one member: everything needed to claim, render and record it. */
export interface DueNotice {
  kind: NoticeKind;
  member: CrewMember;
  /** The member record's `sequence` the claim compares against (0 and no record: never claimed). */
  expected: number;
  /** The invite's SEQUENCE (= `expected`: one more than the last notice's). */
  sequence: number;
  fields: NoticeFields;
  /** For a change: old -> new, from what this member was told. */
  changes: FieldChange[];
  revision: number;
  version: number;
  event_id: string;
  /** The CrewNotified this notice is part of: `<kind>-v<version>`. */
  group: string;
  /** A cancellation's reason (scrubbed by SCC), for the cancel notice. */
  reason?: string;
}

export type MemberDecision =
  | { kind: 'notice'; notice: DueNotice }
  /** Nothing to tell: told the same already, never called, or off the crew and told so. */
  | { kind: 'none' }
  /** A notice is in flight, or was refused or may have gone: nothing new until that is resolved. */
  | { kind: 'held'; status: Exclude<MemberRecord['status'], 'idle'> };

const called = (record: MemberRecord | undefined) => record?.told?.kind === 'call' || record?.told?.kind === 'change';

/**
 * What one member is due under a joined snapshot. `member` is their roster entry when on the crew, else what their
 * record remembers of them.
 */
export function memberDue(
  snapshot: CrewEventSnapshot,
  member: CrewMember,
  record: MemberRecord | undefined,
  onCrew: boolean,
): MemberDecision {
  if (record && record.status !== 'idle') return { kind: 'held', status: record.status };
  const expected = record?.sequence ?? 0;
  const now = fieldsOf(snapshot);
  const notice = (kind: NoticeKind, fields: NoticeFields, changes: FieldChange[] = []): MemberDecision => ({
    kind: 'notice',
    notice: {
      kind,
      member,
      expected,
      sequence: expected,
      fields,
      changes,
      revision: snapshot.revision,
      version: snapshot.version,
      event_id: snapshot.event_id,
      group: `${kind}-v${snapshot.version}`,
      ...(kind === 'cancel' && snapshot.reason ? { reason: snapshot.reason } : {}),
    },
  });
  const told = record?.told;
  if (snapshot.status === 'cancelled') return called(record) ? notice('cancel', told!.fields) : { kind: 'none' };
  if (!onCrew) return called(record) ? notice('removal', told!.fields) : { kind: 'none' };
  if (!called(record)) return notice('call', now);
  const changes = changesBetween(told!.fields, now);
  return changes.length > 0 ? notice('change', now, changes) : { kind: 'none' };
}

export interface NoticePlan {
  join: Join;
  due: DueNotice[];
  /** Members whose notice is in flight or stuck. */
  held: Array<{ member_id: string; status: Exclude<MemberRecord['status'], 'idle'> }>;
}

/** Every member's due notice under the booking's state: the one decision the handler and the stall check share. */
export function planNotices(state: JoinState): NoticePlan {
  const join = joinOf(state);
  if (join.kind !== 'joined') return { join, due: [], held: [] };
  const { snapshot } = join;
  const roster = new Map(crewOf(snapshot).map((member) => [member.member_id, member]));
  const ids = [...roster.keys(), ...Object.keys(state.members).filter((id) => !roster.has(id))];
  const due: DueNotice[] = [];
  const held: NoticePlan['held'] = [];
  for (const id of ids) {
    const record = state.members[id];
    const member = roster.get(id) ?? { member_id: id, name: record!.name, email: record!.email, role: record!.role };
    const decision = memberDue(snapshot, member, record, roster.has(id));
    if (decision.kind === 'notice') due.push(decision.notice);
    if (decision.kind === 'held') held.push({ member_id: id, status: decision.status });
  }
  return { join, due, held };
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
    if (record.status !== 'claimed' || !claim) continue;
    if (staleBefore === undefined || Date.parse(claim.claimed_at) >= staleBefore.getTime()) unsettled.add(claim.group);
  }
  return Object.entries(state.notices)
    .filter(([group, g]) => !unsettled.has(group) && g.published?.status !== 'done' && hasRecipients(g))
    .map(([group, g]) => ({ group, notice: crewNoticeOf(state.booking_id, g) }));
}

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
export function isSettled(state: JoinState): boolean {
  const plan = planNotices(state);
  if (plan.join.kind === 'waiting' || plan.due.length > 0) return false;
  if (Object.values(state.members).some((m) => m.status === 'claimed')) return false;
  if (unreportedKept(state).length > 0) return false;
  return Object.values(state.notices).every((g) => g.published?.status === 'done' || !hasRecipients(g));
}
