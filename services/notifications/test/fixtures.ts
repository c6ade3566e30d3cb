import {
  CalendarUpdated,
  CrewDeclined,
  EventCancelled,
  EventCreated,
  EventUpdated,
  type CalendarUpdatedInput,
  type CrewMember,
  type CrewSafeField,
  type NoticeKind,
} from '@charter/events';
import { JoinState, snapshotOf, type MemberRecord, type NoticeFields } from '../src/domain/state';

/**
 * The events scc and the calendar publish, built through their contract schemas (so a fixture that drifts from the
 * contract fails here, not in production), and join states as the store holds them.
 */

/** The local stage's roster (ARCHITECTURE.md, "Crew email"). */
export const ROSTER: CrewMember[] = [
  { member_id: 'rowan-hale', name: 'Rowan Hale', email: 'captain@crew.example.com', role: 'captain' },
  { member_id: 'isla-moreno', name: 'Isla Moreno', email: 'mate@crew.example.com', role: 'mate' },
  { member_id: 'theo-park', name: 'Theo Park', email: 'deckhand@crew.example.com', role: 'deckhand' },
];
export const NEW_HAND: CrewMember = {
  member_id: 'ada-quinn',
  name: 'Ada Quinn',
  email: 'deckhand2@crew.example.com',
  role: 'deckhand',
};

export const eventIdOf = (bookingId: string) => `evt_${bookingId.replace(/[^A-Za-z0-9_-]/g, '')}0000`;

export function eventCreated(bookingId = 'xhqgmdh', overrides: Partial<EventCreated> = {}): EventCreated {
  return EventCreated.parse({
    schema_version: 1,
    booking_id: bookingId,
    event_id: eventIdOf(bookingId),
    charter_date: '2024-05-30',
    charter_start: '10:00',
    charter_end: '13:00',
    timezone: 'America/Los_Angeles',
    vessel: 'JADA',
    location: 'Shelter Island, San Diego',
    guest_count: 4,
    revision: 1,
    version: 1,
    crew: ROSTER.map((member) => ({ ...member })),
    ...overrides,
  });
}

/**
 * The EventUpdated scc publishes for a change of `previous`: the whole crew event as it now stands, the changed
 * crew-safe fields, and the crew added and removed.
 */
export function eventUpdated(
  previous: EventCreated | EventUpdated,
  change: Partial<EventCreated> & { cause?: 'booking' | 'crew' },
): EventUpdated {
  const { cause = 'booking', ...fields } = change;
  const next = { ...previous, ...fields };
  const changes = (Object.keys(fields) as CrewSafeField[])
    .filter((f) =>
      ['charter_date', 'charter_start', 'charter_end', 'timezone', 'vessel', 'location', 'guest_count'].includes(f),
    )
    .filter((f) => previous[f] !== next[f])
    .map((field) => ({ field, from: previous[field], to: next[field] }));
  const before = new Set(previous.crew.map((m) => m.member_id));
  const after = new Set(next.crew.map((m) => m.member_id));
  return EventUpdated.parse({
    ...next,
    revision: cause === 'booking' ? previous.revision + 1 : previous.revision,
    version: previous.version + 1,
    cause,
    changes,
    crew_added: next.crew.filter((m) => !before.has(m.member_id)).map((m) => m.member_id),
    crew_removed: previous.crew.filter((m) => !after.has(m.member_id)),
    confirmations_cleared: changes.some((c) => c.field !== 'guest_count' && c.field !== 'vessel'),
  });
}

export function eventCancelled(
  previous: EventCreated | EventUpdated,
  extra: { revision?: number; reason?: string } = {},
): EventCancelled {
  const {
    cause: _cause,
    changes: _c,
    crew_added: _a,
    crew_removed: _r,
    confirmations_cleared: _x,
    ...rest
  } = previous as EventUpdated;
  return EventCancelled.parse({
    ...rest,
    revision: extra.revision ?? previous.revision + 1,
    version: previous.version + 1,
    cancelled_at: '2024-05-20T16:05:00Z',
    cancelled_by: 'weather',
    ...(extra.reason ? { reason: extra.reason } : {}),
  });
}

export function calendarUpdated(bookingId = 'xhqgmdh', overrides: Partial<CalendarUpdatedInput> = {}): CalendarUpdated {
  return CalendarUpdated.parse({
    schema_version: 1,
    booking_id: bookingId,
    revision: 1,
    status: 'booked',
    year: 2024,
    calendar_url: 'https://calendar.example.com/calendar/2024.json',
    ...overrides,
  });
}

export function crewDeclined(bookingId: string, memberId: string, reason?: string): CrewDeclined {
  return CrewDeclined.parse({
    schema_version: 1,
    booking_id: bookingId,
    event_id: eventIdOf(bookingId),
    member_id: memberId,
    revision: 1,
    version: 1,
    declined_at: '2024-05-21T09:30:00Z',
    ...(reason ? { reason } : {}),
  });
}

export const T0 = new Date('2024-05-01T12:00:00.000Z');
export const minutesAfter = (minutes: number, from = T0) => new Date(from.getTime() + minutes * 60_000);
export const at = (minutes: number) => minutesAfter(minutes).toISOString();

/** A join item as the store would hold it. */
export function joinState(parts: Partial<JoinState> = {}): JoinState {
  return JoinState.parse({ booking_id: 'xhqgmdh', watch_since: at(0), updated_at: at(0), ...parts });
}

/** The join state once scc and the calendar both applied `event` (live or cancelled). */
export function joined(
  event: EventCreated | EventUpdated | EventCancelled,
  members: Record<string, MemberRecord> = {},
  parts: Partial<JoinState> = {},
): JoinState {
  const cancelled = 'cancelled_at' in event;
  return joinState({
    crew_event: snapshotOf(event, cancelled),
    calendar: {
      revision: event.revision,
      status: cancelled ? 'cancelled' : 'booked',
      year: 2024,
      calendar_url: 'https://c/2024.json',
    },
    members,
    ...parts,
  });
}

/** A member record after notices certainly sent: the last one `kind` with `fields`, `count` notices in all. */
export function toldRecord(member: CrewMember, kind: NoticeKind, fields: NoticeFields, count = 1): MemberRecord {
  return {
    name: member.name,
    email: member.email,
    role: member.role,
    sequence: count,
    status: 'idle',
    told: {
      kind,
      fields,
      revision: 1,
      version: 1,
      sequence: count - 1,
      message_id: `msg-${member.member_id}`,
      sent_at: at(1),
    },
  };
}

/** A member record holding a claim (in flight, or kept as rejected / unconfirmed). */
export function claimedRecord(
  member: CrewMember,
  fields: NoticeFields,
  status: Exclude<MemberRecord['status'], 'idle'> = 'claimed',
  claimedAt = at(1),
): MemberRecord {
  return {
    name: member.name,
    email: member.email,
    role: member.role,
    sequence: 1,
    status,
    claim: {
      kind: 'call',
      fields,
      revision: 1,
      version: 1,
      sequence: 0,
      group: 'call-v1',
      claimed_by: 'req-1/aaaa',
      claimed_at: claimedAt,
      ...(status === 'claimed' ? {} : { reason: 'MessageRejected: no' }),
    },
  };
}
