import { BookingCreated, type BookingCreatedInput, type CrewMember } from '@charter/events';

export const ROSTER: CrewMember[] = [
  { member_id: 'rowan-hale', name: 'Rowan Hale', email: 'captain@crew.example.com', role: 'captain' },
  { member_id: 'isla-moreno', name: 'Isla Moreno', email: 'mate@crew.example.com', role: 'mate' },
  { member_id: 'theo-park', name: 'Theo Park', email: 'deckhand@crew.example.com', role: 'deckhand' },
];

export function bookingInput(overrides: Partial<BookingCreatedInput> = {}): BookingCreatedInput {
  return {
    schema_version: 1,
    booking_id: 'xhqgmdh',
    source: 'boatsetter',
    charter_date: '2027-05-30',
    charter_start: '10:00',
    charter_end: '13:00',
    timezone: 'America/Los_Angeles',
    guest_count: 6,
    guest: { name: 'Ann Lee', email: 'ann.lee@example.com', phone: '+1 619 555 0100' },
    vessel: 'JADA',
    location: 'Shelter Island, San Diego',
    revenue_cents: 145000,
    captain_fee_cents: 30000,
    currency: 'USD',
    notes: 'Birthday party for Ann, paid $1,450.00 in full.\nCaptain fee: $300\nBring a cake knife.',
    ...overrides,
  };
}

export const booking = (overrides: Partial<BookingCreatedInput> = {}): BookingCreated => BookingCreated.parse(bookingInput(overrides));
