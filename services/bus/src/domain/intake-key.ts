import { createHash } from 'node:crypto';
import type { BookingCreated } from '@charter/events';

/**
 * A partner that retries a webhook sends the same booking again, perhaps re-serialised. The key
 * is the validated booking (zod emits keys in schema order), so whitespace and key order in the
 * partner's JSON do not make a retry look new.
 */
export function intakeKey(partner: string, booking: BookingCreated): string {
  return `${partner}#${booking.booking_id}#${createHash('sha256').update(JSON.stringify(booking)).digest('hex')}`;
}
