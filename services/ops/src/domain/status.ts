import { redriveCommand, stageOfQueue } from './dead-letters';
import {
  orderTimeline,
  type BookingFacts,
  type CrewEventFacts,
  type EmailOutcome,
  type EntryKind,
  type EntryOf,
  type TimelineEntry,
} from './timeline';
import { WHAT_TO_DO } from './what-to-do';

/**
 * A booking's status, derived from its timeline alone. Nothing derived is stored: the same entries give the same
 * status whatever order they arrived in and however often, so the read model is order-safe by construction. `now`
 * decides only whether a step still pending is late yet.
 */
export interface StatusSettings {
  now: Date;
  /** Minutes a step may take after the booking revision it follows before it is a problem. */
  stepMinutes: number;
}

export type StepName = 'guest_page' | 'crew_event' | 'calendar';
/** done; pending (within the step minutes); overdue; waiting (no booking event seen yet to follow). */
export type StepState = 'done' | 'pending' | 'overdue' | 'waiting';

export interface StepStatus {
  state: StepState;
  /** The revision the step last reflected, when it has reflected any, and when. */
  revision?: number;
  at?: string;
  /** The page's URL, the calendar entry's status, the crew event's id. */
  detail?: string;
}

export type Answer = 'confirmed' | 'declined' | 'none';
export type NoticeState = 'noticed' | 'pending' | 'overdue' | 'waiting';

export interface MemberStatus {
  member_id: string;
  name: string;
  role: string;
  email: string;
  notice: NoticeState;
  last_notice?: { kind: string; revision?: number; at: string };
  answer: Answer;
  answered_at?: string;
  decline_reason?: string;
  /** What SES last said about this address on this booking's mail. */
  email_outcome?: EmailOutcome;
  email_detail?: string;
}

export type ProblemCode =
  | 'step_overdue'
  | 'notice_overdue'
  | 'dead_letter'
  | 'not_owner'
  | 'declined'
  | 'email_bounced'
  | 'email_complained'
  | 'email_rejected';

export interface Problem {
  code: ProblemCode;
  /** blocking: the charter is not ready because of it; warning: worth knowing, nothing to wait for. */
  severity: 'blocking' | 'warning';
  message: string;
  at?: string;
  /** How many events it stands for, when more than one (another partner's refused events, one problem per partner). */
  count?: number;
  /** What the operator does next, in a line: the command to run or the person to call. */
  what_to_do: string;
}

export interface Readiness {
  state: 'ready' | 'not_ready' | 'cancelled' | 'unknown';
  /** What is still to come before the charter is ready, one line each (what went wrong is in `problems`). */
  missing: string[];
}

export interface BookingStatus {
  booking_id: string;
  owner?: string;
  revision?: number;
  lifecycle: 'live' | 'cancelled' | 'unknown';
  booking?: BookingFacts;
  cancelled?: { at: string; by?: string };
  guest_page: StepStatus;
  crew_event: StepStatus;
  calendar: StepStatus;
  crew: MemberStatus[];
  confirmed: { count: number; of: number };
  problems: Problem[];
  readiness: Readiness;
}

const BOOKING_KINDS = new Set<EntryKind>(['BookingCreated', 'BookingUpdated', 'BookingCancelled']);
const CREW_EVENT_KINDS = new Set<EntryKind>(['EventCreated', 'EventUpdated', 'EventCancelled']);
/** Which entries say a service did its part, so a later one settles that service's earlier dead letter. */
const SUCCESS_OF: Record<string, EntryKind[]> = {
  'guest-pages': ['GuestPagePublished'],
  scc: ['EventCreated', 'EventUpdated', 'EventCancelled', 'CrewConfirmed', 'CrewDeclined'],
  calendar: ['CalendarUpdated'],
  notifications: ['CrewNotified'],
};
/** The service that does each step. */
const STEP_SERVICE: Record<StepName, string> = { guest_page: 'guest-pages', crew_event: 'scc', calendar: 'calendar' };
const STEP_WORDS: Record<StepName, string> = {
  guest_page: 'Guest page',
  crew_event: 'Crew event',
  calendar: 'Calendar entry',
};

type Booking = EntryOf<'BookingCreated'> | EntryOf<'BookingUpdated'> | EntryOf<'BookingCancelled'>;
type CrewEvent = EntryOf<'EventCreated'> | EntryOf<'EventUpdated'> | EntryOf<'EventCancelled'>;

const ofKind = <K extends EntryKind>(entries: TimelineEntry[], ...kinds: K[]) =>
  entries.filter((e): e is EntryOf<K> => (kinds as EntryKind[]).includes(e.kind));

/** The entry with the highest (key, at); the timeline is already in order, so the last of equals wins. */
function latestBy<T extends TimelineEntry>(entries: T[], key: (e: T) => number): T | undefined {
  let best: T | undefined;
  for (const e of entries) if (!best || key(e) >= key(best)) best = e;
  return best;
}

const minutesBetween = (from: string, now: Date) => (now.getTime() - Date.parse(from)) / 60_000;

interface Lifecycle {
  owner?: string;
  revision?: number;
  since?: string;
  booking?: BookingFacts;
  cancel?: EntryOf<'BookingCancelled'>;
  foreign: Booking[];
}

/**
 * The booking as its owner describes it. The owner is the partner of the first booking event, leaving out events a
 * service refused as `not_owner` (their dead letters say which): the services' own rule, seen after the fact.
 */
function lifecycleOf(ordered: TimelineEntry[]): Lifecycle {
  const refused = new Set(
    ofKind(ordered, 'DeadLetter')
      .filter((l) => l.facts.code === 'not_owner' && l.facts.event)
      .map((l) => l.facts.event!.id),
  );
  const bookings = ordered.filter((e): e is Booking => BOOKING_KINDS.has(e.kind));
  const owner = bookings.find((b) => !refused.has(b.id))?.facts.partner;
  const own = bookings.filter((b) => b.facts.partner === owner && !refused.has(b.id));
  const foreign = bookings.filter((b) => !own.includes(b));
  const revision = own.length ? Math.max(...own.map((b) => b.revision ?? 1)) : undefined;
  const described = latestBy(ofKind(own, 'BookingCreated', 'BookingUpdated'), (b) => b.revision ?? 1);
  const cancel = ofKind(own, 'BookingCancelled')[0];
  const since = cancel?.at ?? own.find((b) => (b.revision ?? 1) === revision)?.at;
  return {
    ...(owner ? { owner } : {}),
    ...(revision !== undefined ? { revision } : {}),
    ...(since ? { since } : {}),
    ...(described ? { booking: described.facts } : {}),
    ...(cancel ? { cancel } : {}),
    foreign,
  };
}

/** Whether a step reflects the booking as it stands: the revision, or, once cancelled, the cancellation. */
function stepStatus(
  reflects: { done: boolean; revision?: number; at?: string; detail?: string },
  life: Lifecycle,
  settings: StatusSettings,
): StepStatus {
  const seen = {
    ...(reflects.revision !== undefined ? { revision: reflects.revision } : {}),
    ...(reflects.at ? { at: reflects.at } : {}),
    ...(reflects.detail ? { detail: reflects.detail } : {}),
  };
  if (reflects.done) return { state: 'done', ...seen };
  if (!life.since) return { state: 'waiting', ...seen };
  const late = minutesBetween(life.since, settings.now) > settings.stepMinutes;
  return { state: late ? 'overdue' : 'pending', ...seen };
}

function steps(ordered: TimelineEntry[], life: Lifecycle, settings: StatusSettings) {
  const cancelled = life.cancel !== undefined;
  const current = life.revision ?? Infinity;
  const page = latestBy(ofKind(ordered, 'GuestPagePublished'), (e) => e.revision ?? 1);
  const event = latestBy(
    ordered.filter((e): e is CrewEvent => CREW_EVENT_KINDS.has(e.kind)),
    (e) => e.facts.version,
  );
  const calendar = latestBy(ofKind(ordered, 'CalendarUpdated'), (e) => e.revision ?? 1);
  // Once cancelled, a step is done when it shows the cancellation, or never showed the booking at all.
  const pageDone = cancelled
    ? !page || page.facts.status === 'cancelled'
    : !!page && (page.revision ?? 1) >= current && page.facts.status === 'live';
  const eventDone = cancelled
    ? !event || event.kind === 'EventCancelled'
    : !!event && (event.revision ?? 1) >= current && event.kind !== 'EventCancelled';
  const calendarDone = cancelled
    ? !calendar || calendar.facts.status === 'cancelled'
    : !!calendar && (calendar.revision ?? 1) >= current && calendar.facts.status !== 'cancelled';
  const seen = (e: TimelineEntry | undefined, detail?: string) => ({
    ...(e?.revision !== undefined ? { revision: e.revision } : {}),
    ...(e ? { at: e.at } : {}),
    ...(detail ? { detail } : {}),
  });
  return {
    event,
    guest_page: stepStatus({ done: pageDone, ...seen(page, page?.facts.url) }, life, settings),
    crew_event: stepStatus({ done: eventDone, ...seen(event, event?.facts.event_id) }, life, settings),
    calendar: stepStatus({ done: calendarDone, ...seen(calendar, calendar?.facts.status) }, life, settings),
  };
}

/**
 * The revision of the last change a crew member must hear about: the creation, or a booking change of a field the
 * crew see (a change of notes alone is not told). A member added later must hear the call of the revision they were
 * added at.
 */
function noticeRevision(events: CrewEvent[], memberId: string): number {
  let revision = 0;
  for (const e of events) {
    const told =
      e.kind === 'EventCreated' ||
      (e.kind === 'EventUpdated' && e.facts.cause === 'booking' && e.facts.changes.length > 0) ||
      (e.kind === 'EventUpdated' && e.facts.crew_added.includes(memberId));
    if (told) revision = Math.max(revision, e.revision ?? 1);
  }
  return revision;
}

interface MemberContext {
  ordered: TimelineEntry[];
  events: CrewEvent[];
  cancelled: boolean;
  /** Once the crew event and the calendar both show the revision: when the crew notice became due. */
  noticeDueSince?: string;
  settings: StatusSettings;
}

function memberStatus(member: CrewEventFacts['crew'][number], ctx: MemberContext): MemberStatus {
  const { ordered, events, settings } = ctx;
  const eventId = events.at(-1)?.facts.event_id;
  const notices = ofKind(ordered, 'CrewNotified').filter((n) =>
    n.facts.recipients.some((r) => r.member_id === member.member_id),
  );
  const last = notices.at(-1);
  // Once cancelled, a member who was told of the charter is owed the cancellation; one never told is owed nothing.
  const owed = ctx.cancelled
    ? !!last && last.facts.kind !== 'cancel'
    : !last || (last.revision ?? 1) < noticeRevision(events, member.member_id);
  let notice: NoticeState = 'noticed';
  if (owed) {
    if (!ctx.noticeDueSince) notice = 'waiting';
    else notice = minutesBetween(ctx.noticeDueSince, settings.now) > settings.stepMinutes ? 'overdue' : 'pending';
  }
  // A change of date, time or place clears the confirmations: only answers about the plan as it now stands count.
  const clearedAt = Math.max(
    0,
    ...ofKind(events, 'EventUpdated')
      .filter((e) => e.facts.confirmations_cleared)
      .map((e) => e.facts.version),
  );
  const answers = ofKind(ordered, 'CrewConfirmed', 'CrewDeclined').filter(
    (a) => a.facts.member_id === member.member_id && a.facts.event_id === eventId && a.facts.version >= clearedAt,
  );
  const answer = latestBy(answers, (a) => a.facts.version);
  const address = member.email.toLowerCase();
  const email = ofKind(ordered, 'Email')
    .filter((e) => e.facts.recipients.includes(address))
    .at(-1);
  return {
    member_id: member.member_id,
    name: member.name,
    role: member.role,
    email: member.email,
    notice,
    ...(last
      ? { last_notice: { kind: last.facts.kind, ...(last.revision ? { revision: last.revision } : {}), at: last.at } }
      : {}),
    answer: answer ? (answer.kind === 'CrewConfirmed' ? 'confirmed' : 'declined') : 'none',
    ...(answer ? { answered_at: answer.at } : {}),
    ...(answer?.kind === 'CrewDeclined' && answer.facts.reason ? { decline_reason: answer.facts.reason } : {}),
    ...(email ? { email_outcome: email.facts.outcome } : {}),
    ...(email?.facts.detail ? { email_detail: email.facts.detail } : {}),
  };
}

/** A dead letter stops mattering once the same service did its part for that revision (a redrive that worked). */
function settled(letter: EntryOf<'DeadLetter'>, ordered: TimelineEntry[]): boolean {
  const kinds = SUCCESS_OF[letter.facts.service];
  if (!kinds) return false;
  return ordered.some(
    (e) =>
      kinds.includes(e.kind) &&
      (letter.revision !== undefined ? (e.revision ?? 1) >= letter.revision : e.at > letter.at),
  );
}

/** "calendar", "scc and calendar", "guest-pages, scc and calendar". */
const listed = (names: string[]) =>
  names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

const EMAIL_PROBLEM: Record<Exclude<EmailOutcome, 'delivered'>, ProblemCode> = {
  bounced: 'email_bounced',
  complained: 'email_complained',
  rejected: 'email_rejected',
};

/**
 * Another partner's events for this booking, refused everywhere as not_owner: one warning per partner, with a count,
 * however many it sent (a partner's sync looping over the wrong id would otherwise bury every other problem). An
 * event is counted once whether ops saw it on the bus, in the services' dead letters, or both.
 */
class Refusals {
  private readonly byPartner = new Map<string, { events: Set<string>; what: string; at: string }>();
  constructor(private readonly owner: string | undefined) {}

  add(partner: string, eventId: string, what: string, at: string): void {
    const seen = this.byPartner.get(partner) ?? { events: new Set<string>(), what, at };
    seen.events.add(eventId);
    if (at >= seen.at) Object.assign(seen, { what, at });
    this.byPartner.set(partner, seen);
  }

  problems(): Problem[] {
    return [...this.byPartner].map(([partner, { events, what, at }]) => ({
      code: 'not_owner' as const,
      severity: 'warning' as const,
      message:
        events.size === 1
          ? `${partner}'s ${what} was refused (not_owner): the booking belongs to ${this.owner ?? 'another partner'}`
          : `${partner}'s ${events.size} booking events were refused (not_owner): the booking belongs to ` +
            (this.owner ?? 'another partner'),
      at,
      ...(events.size > 1 ? { count: events.size } : {}),
      what_to_do: WHAT_TO_DO.not_owner(partner),
    }));
  }
}

function problemsOf(
  ordered: TimelineEntry[],
  life: Lifecycle,
  stepStates: Record<StepName, StepStatus>,
  crew: MemberStatus[],
): Problem[] {
  const problems: Problem[] = [];
  for (const [step, status] of Object.entries(stepStates) as [StepName, StepStatus][]) {
    if (status.state !== 'overdue') continue;
    const what = life.cancel ? 'does not show the cancellation' : `does not show revision ${life.revision}`;
    problems.push({
      code: 'step_overdue',
      severity: 'blocking',
      message: `${STEP_WORDS[step]} ${what} yet`,
      what_to_do: WHAT_TO_DO.step_overdue(STEP_SERVICE[step]),
    });
  }
  const refused = new Refusals(life.owner);
  const failures = new Map<
    string,
    { services: string[]; what: string; error: string; reason: string; at?: string; queue?: string }
  >();
  for (const letter of ofKind(ordered, 'DeadLetter')) {
    const { facts } = letter;
    const what = facts.event?.detail_type ?? 'an event';
    if (facts.code === 'not_owner') {
      const partner = facts.event?.source.replace(/^partner\./, '') ?? 'another partner';
      refused.add(partner, facts.event?.id ?? letter.id, what, letter.at);
    } else if (!settled(letter, ordered)) {
      // The same event refused by several services for the same reason is one problem naming them all.
      const key = `${facts.event?.id ?? letter.id}|${facts.error_type}|${facts.reason}`;
      const group = failures.get(key) ?? { services: [], what, error: facts.error_type, reason: facts.reason };
      group.services.push(facts.service);
      group.at ??= letter.at;
      group.queue ??= facts.queue;
      failures.set(key, group);
    }
  }
  for (const f of failures.values()) {
    problems.push({
      code: 'dead_letter',
      // Ops missing an event is ops' fault, not the charter's.
      severity: f.services.every((service) => service === 'ops') ? 'warning' : 'blocking',
      message: `${listed([...f.services].sort())} could not process ${f.what} (${f.error}): ${f.reason}`,
      ...(f.at ? { at: f.at } : {}),
      what_to_do: WHAT_TO_DO.dead_letter(redriveCommand(stageOfQueue(f.queue))),
    });
  }
  for (const b of life.foreign) refused.add(b.facts.partner, b.id, b.kind, b.at);
  problems.push(...refused.problems());
  for (const m of crew) {
    const who = `${m.name} (${m.role})`;
    if (m.answer === 'declined' && !life.cancel) {
      const why = m.decline_reason ? `: ${m.decline_reason}` : '';
      problems.push({
        code: 'declined',
        severity: 'blocking',
        message: `${who} declined${why}`,
        ...(m.answered_at ? { at: m.answered_at } : {}),
        what_to_do: WHAT_TO_DO.declined(m.name),
      });
    }
    if (m.email_outcome && m.email_outcome !== 'delivered') {
      const why = m.email_detail ? ` (${m.email_detail})` : '';
      problems.push({
        code: EMAIL_PROBLEM[m.email_outcome],
        severity: 'blocking',
        message: `Crew email to ${who} at ${m.email} ${m.email_outcome}${why}`,
        what_to_do: WHAT_TO_DO[EMAIL_PROBLEM[m.email_outcome]](m.name),
      });
    }
    if (m.notice === 'overdue') {
      problems.push({
        code: 'notice_overdue',
        severity: 'blocking',
        message: `${who} has not been sent the crew notice`,
        what_to_do: WHAT_TO_DO.notice_overdue(m.name),
      });
    }
  }
  return problems;
}

/**
 * Ready when nothing is still to come and nothing went wrong. `missing` holds what is still to come (a step within its
 * minutes, a notice not sent yet, crew who have not answered); what went wrong (a decline, a bounce, a dead letter, a
 * step overdue) is a problem, listed once, there.
 */
function readinessOf(
  life: Lifecycle,
  stepStates: Record<StepName, StepStatus>,
  crew: MemberStatus[],
  problems: Problem[],
): Readiness {
  if (life.cancel) return { state: 'cancelled', missing: [] };
  const missing: string[] = [];
  if (!life.owner) missing.push('No booking event seen yet');
  for (const [step, status] of Object.entries(stepStates) as [StepName, StepStatus][]) {
    if (status.state !== 'pending') continue;
    const seen = status.revision !== undefined ? ` (shows revision ${status.revision} of ${life.revision})` : '';
    missing.push(
      step === 'guest_page' && !status.at ? 'Guest page not live yet' : `${STEP_WORDS[step]} not up to date${seen}`,
    );
  }
  const names = (list: MemberStatus[]) => list.map((m) => m.name).join(', ');
  const untold = crew.filter((c) => c.notice === 'pending');
  if (untold.length) missing.push(`Not told yet: ${names(untold)}`);
  const unconfirmed = crew.filter((c) => c.answer === 'none');
  if (unconfirmed.length) missing.push(`Crew not confirmed: ${names(unconfirmed)}`);
  if (stepStates.crew_event.state === 'done' && crew.length === 0) missing.push('No crew on the crew event');
  if (!life.owner) return { state: 'unknown', missing };
  const wrong = problems.some((p) => p.severity === 'blocking');
  return { state: missing.length || wrong ? 'not_ready' : 'ready', missing };
}

/** Notices wait for both scc and the calendar (the notifier's join): due from the later of the two. */
function noticeDue(stepStates: Record<StepName, StepStatus>): { noticeDueSince?: string } {
  const { crew_event: event, calendar } = stepStates;
  if (event.state !== 'done' || calendar.state !== 'done') return {};
  const since = [event.at, calendar.at]
    .filter((at): at is string => !!at)
    .sort()
    .at(-1);
  return since ? { noticeDueSince: since } : {};
}

/** The booking's status and readiness from its timeline entries (any order, duplicates allowed). */
export function deriveStatus(
  bookingId: string,
  entries: readonly TimelineEntry[],
  settings: StatusSettings,
): BookingStatus {
  const ordered = orderTimeline(entries);
  const life = lifecycleOf(ordered);
  const { event, ...stepStates } = steps(ordered, life, settings);
  const events = event
    ? ordered
        .filter((e): e is CrewEvent => CREW_EVENT_KINDS.has(e.kind))
        .filter((e) => e.facts.event_id === event.facts.event_id)
    : [];
  const crew = (event?.facts.crew ?? []).map((m) =>
    memberStatus(m, { ordered, events, settings, cancelled: !!life.cancel, ...noticeDue(stepStates) }),
  );
  const problems = problemsOf(ordered, life, stepStates, crew);
  return {
    booking_id: bookingId,
    ...(life.owner ? { owner: life.owner } : {}),
    ...(life.revision !== undefined ? { revision: life.revision } : {}),
    lifecycle: life.cancel ? 'cancelled' : life.owner ? 'live' : 'unknown',
    ...(life.booking ? { booking: life.booking } : {}),
    ...(life.cancel
      ? {
          cancelled: {
            at: life.cancel.facts.cancelled_at,
            ...(life.cancel.facts.cancelled_by ? { by: life.cancel.facts.cancelled_by } : {}),
          },
        }
      : {}),
    ...stepStates,
    crew,
    confirmed: { count: crew.filter((m) => m.answer === 'confirmed').length, of: crew.length },
    problems,
    readiness: readinessOf(life, stepStates, crew, problems),
  };
}
