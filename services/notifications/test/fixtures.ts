import type { CalendarUpdated, EventCreated } from '@charter/events';
import type { JoinState } from '../src/domain/join';

/** The local stage's roster (ARCHITECTURE.md, "Crew email"). */
export const ROSTER = [
  { member_id: 'rowan-hale', name: 'Rowan Hale', email: 'captain@crew.example.com', role: 'captain' },
  { member_id: 'isla-moreno', name: 'Isla Moreno', email: 'mate@crew.example.com', role: 'mate' },
  { member_id: 'theo-park', name: 'Theo Park', email: 'deckhand@crew.example.com', role: 'deckhand' },
];

export function eventCreated(bookingId = 'xhqgmdh', overrides: Partial<EventCreated> = {}): EventCreated {
  return {
    schema_version: 1,
    booking_id: bookingId,
    event_id: `evt_${bookingId}0000`,
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
  };
}

export function calendarUpdated(bookingId = 'xhqgmdh'): CalendarUpdated {
  return {
    schema_version: 1,
    booking_id: bookingId,
    revision: 1,
    status: 'booked',
    year: 2024,
    calendar_url: 'https://calendar.example.com/calendar/2024.json',
  };
}

export const T0 = new Date('2024-05-01T12:00:00.000Z');
export const minutesAfter = (minutes: number, from = T0) => new Date(from.getTime() + minutes * 60_000);
export const at = (minutes: number) => minutesAfter(minutes).toISOString();

/** A join item as the store would hold it after the given arrivals. */
export function joinState(parts: Partial<JoinState> = {}): JoinState {
  return { booking_id: 'xhqgmdh', sends: {}, ...parts };
}

export const sent = (email: string, minutes = 1) => ({
  status: 'sent' as const,
  email,
  claimed_at: at(minutes),
  claimed_by: 'req-1/aaaa',
  message_id: `msg-${email}`,
  sent_at: at(minutes),
});
