/**
 * `@charter/local/fixtures`: bookings and dates for tests and for `npm start`, apart from the
 * emulator (`@charter/local/testing`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingCreatedInput } from '@charter/events';
import { ROOT } from './cloud/account';

/** YYYY-MM-DD some days from today at the marina (America/Los_Angeles). */
export function marinaDate(daysFromToday: number): string {
  const instant = new Date(Date.now() + daysFromToday * 24 * 3600 * 1000);
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** A full Boatsetter booking on 2027-05-30, with the guest's contact details and the money no service may pass on. */
export function bookingInput(overrides: Partial<BookingCreatedInput> = {}): BookingCreatedInput {
  return {
    schema_version: 1,
    booking_id: 'xhqgmdh',
    source: 'boatsetter',
    charter_date: '2027-05-30',
    charter_start: '10:00',
    charter_end: '13:00',
    timezone: 'America/Los_Angeles',
    guest_count: 4,
    guest: { name: 'Dana Whitfield', email: 'dana.whitfield@example.com', phone: '+1 619 555 0142' },
    vessel: 'JADA',
    location: 'Shelter Island, San Diego',
    revenue_cents: 145000,
    captain_fee_cents: 30000,
    currency: 'USD',
    notes: 'Birthday cruise, bringing a cake.\nRevenue: $1,450.00 (Boatsetter payout after fees)\nCaptain fee $300',
    ...overrides,
  };
}

export const SAMPLES_DIR = join(ROOT, 'events', 'samples');

/** The partners' sample bookings in events/samples, in file-name order: what `npm start` publishes. */
export function sampleBookings(): BookingCreatedInput[] {
  return readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(SAMPLES_DIR, f), 'utf8')) as BookingCreatedInput);
}
