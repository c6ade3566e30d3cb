import { BookingCreated, type BookingCreatedInput, type CrewMember } from '@charter/events';
import { bookingInput as sampleBooking } from '@charter/local/fixtures';
import { eventIdFor, projectBooking, type CrewEvent } from '../src/domain/crew-event';

export const ROSTER: CrewMember[] = [
  { member_id: 'rowan-hale', name: 'Rowan Hale', email: 'captain@crew.example.com', role: 'captain' },
  { member_id: 'isla-moreno', name: 'Isla Moreno', email: 'mate@crew.example.com', role: 'mate' },
  { member_id: 'theo-park', name: 'Theo Park', email: 'deckhand@crew.example.com', role: 'deckhand' },
];

/** The address a ROSTER member's crew link is sent to (and signed over). */
export const rosterEmail = (memberId: string): string => {
  const member = ROSTER.find((m) => m.member_id === memberId);
  if (!member) throw new Error(`${memberId} is not on ROSTER`);
  return member.email;
};

/** The test booking for six with Ann Lee as the guest, and money in its notes. */
export const bookingInput = (overrides: Partial<BookingCreatedInput> = {}): BookingCreatedInput =>
  sampleBooking({
    guest_count: 6,
    guest: { name: 'Ann Lee', email: 'ann.lee@example.com', phone: '+1 619 555 0100' },
    notes: 'Birthday party for Ann, paid $1,450.00 in full.\nCaptain fee: $300\nBring a cake knife.',
    ...overrides,
  });

export const booking = (overrides: Partial<BookingCreatedInput> = {}): BookingCreated =>
  BookingCreated.parse(bookingInput(overrides));

/** What the crew-safe projection of `booking()` holds besides its booking id. */
export const PROJECTED_FIELDS = {
  charter_date: '2027-05-30',
  charter_start: '10:00',
  charter_end: '13:00',
  timezone: 'America/Los_Angeles',
  vessel: 'JADA',
  location: 'Shelter Island, San Diego',
  guest_count: 6,
  notes: 'Birthday party for Ann.\nBring a cake knife.',
  crew: ROSTER,
};

/** A POST /events body for a manual sunset sail; each test adds its own notes. */
export const manualEvent = (extra: Record<string, unknown> = {}) => ({
  booking_id: 'manual-001',
  charter_date: '2027-06-01',
  charter_start: '17:00',
  charter_end: '19:30',
  vessel: 'JADA',
  location: 'Shelter Island, San Diego',
  guest_count: 12,
  ...extra,
});

/** The crew event `booking()` makes, as stored: the roster as crew, no answers, revision and version 1. */
export const storedEvent = (overrides: Partial<CrewEvent> = {}): CrewEvent => ({
  ...projectBooking(booking(), ROSTER),
  event_id: eventIdFor('xhqgmdh'),
  confirmations: {},
  declines: {},
  version: 1,
  revision: 1,
  lifecycle: 'live',
  owner: 'boatsetter',
  created_at: '2027-04-01T00:00:00.000Z',
  updated_at: '2027-04-01T00:00:00.000Z',
  ...overrides,
});
