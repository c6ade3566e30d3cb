import type { CalendarUpdatedInput } from '@charter/events';
import type { BookingEventRef, RevisionHead } from '@charter/shared/booking-revision';
import { yearOf, type CalendarEntry, type EntryStatus } from './entry';
import { calendarUrl } from './public-calendar';

/**
 * A booking's head: the one item per booking that every change goes through (a partner's event or the operator's
 * POST), in one conditional write. It holds the booking as the calendar shows it, so every effect (the entry in its
 * year, the public JSON, CalendarUpdated) is driven from it, never from the event: a redelivery repeats them from here.
 *
 * - `owner`, `revision`, `lifecycle`: the revision guard's (shared/src/booking-revision.ts). The operator's POST sets
 *   the owner of a booking it creates and never changes `revision`.
 * - `rev`: bumped by every write of the head; it orders the entry items, so a slow writer never puts back an older one.
 * - `years`: every year the booking was ever filed in (it may repeat), where a stale item or a stale JSON could remain.
 * - A cancellation keeps the last schedule and `year` (the year CalendarUpdated names); a cancellation that came first
 *   is a tombstone with neither.
 */
export interface BookingHead extends RevisionHead, Partial<Omit<CalendarEntry, 'booking_id' | 'status'>> {
  booking_id: string;
  status: EntryStatus;
  rev: number;
  year?: number;
  years?: number[];
  created_at: string;
  updated_at: string;
  cancelled_at?: string;
}

/** What the calendar keeps per booking in its year (internal: the public JSON projects it further). */
export interface StoredEntry extends CalendarEntry {
  created_at: string;
  updated_at: string;
  /** The partner's revision the entry reflects; absent for an entry only the operator wrote. */
  revision?: number;
}

/** The year the booking's entry is filed in; none once cancelled (the calendar lists live bookings only). */
export function filedYear(head: BookingHead): number | undefined {
  return head.lifecycle !== 'cancelled' && head.charter_date ? yearOf(head.charter_date) : undefined;
}

/** Every year an entry of the booking may be in: where it is filed, and every year it ever was. */
export function yearsToSettle(head: BookingHead): number[] {
  const filed = filedYear(head);
  return [...new Set([...(head.years ?? []), ...(filed === undefined ? [] : [filed])])].sort((a, b) => a - b);
}

/** The entry the head files in its year, or none (cancelled, or never given a date). */
export function entryOf(head: BookingHead): StoredEntry | undefined {
  const { charter_date, charter_start, charter_end, timezone, guest_count, source } = head;
  if (filedYear(head) === undefined || !charter_start || !charter_end || !timezone || !guest_count || !source) {
    return undefined;
  }
  return {
    booking_id: head.booking_id,
    charter_date: charter_date!,
    charter_start,
    charter_end,
    timezone,
    guest_count,
    source,
    status: head.status,
    created_at: head.created_at,
    updated_at: head.updated_at,
    ...(head.revision === undefined ? {} : { revision: head.revision }),
  };
}

/**
 * CalendarUpdated for the head as it stands: its revision and status, and the year whose JSON shows it (for a
 * cancellation, the year it was taken out of). None for a tombstone: there is no year to name, and nobody to tell.
 */
export function calendarUpdateOf(head: BookingHead, siteUrl: string): CalendarUpdatedInput | undefined {
  if (head.year === undefined) return undefined;
  return {
    schema_version: 1,
    booking_id: head.booking_id,
    // An entry only the operator wrote has no partner revision yet: it is the booking's first state.
    revision: head.revision ?? 1,
    status: head.status,
    year: head.year,
    calendar_url: calendarUrl(siteUrl, head.year),
  };
}

/**
 * True while the head still stands at the event's revision: a redelivery repeats its effects only then (once a newer
 * revision or a cancellation has landed, its own writer has the effects to make).
 */
export const headReflects = (head: BookingHead, ref: BookingEventRef): boolean =>
  head.revision === ref.revision && (head.lifecycle === 'cancelled') === ref.cancels;
