import { createHash } from 'node:crypto';
import { compareEntries, type CalendarEntry } from './entry';

/**
 * The public calendar: `calendar/<year>.json` in the calendar bucket, served by CloudFront to an
 * availability page. Its entries carry these six fields and nothing else (ARCHITECTURE.md:
 * booking ids, dates, times, guest counts and status only; no names, emails, phones, notes or
 * money). The projection copies named fields, so whatever else a caller passes in stays out.
 */
export const PUBLIC_ENTRY_FIELDS = ['booking_id', 'date', 'start', 'end', 'guest_count', 'status'] as const;

export interface PublicEntry {
  booking_id: string;
  date: string;
  start: string;
  end: string;
  guest_count: number;
  status: string;
}

export interface PublicCalendar {
  year: number;
  generated_at: string;
  entries: PublicEntry[];
}

/**
 * Browsers may keep the file a minute (a guest re-checking availability sees at most a minute-old
 * view) and CloudFront five: every change is followed by an invalidation, so the edge's own
 * lifetime only bounds how stale it can get when an invalidation is still coalescing (up to the
 * window plus a sweep minute) or failed. stale-while-revalidate keeps the page fast while the
 * fresh copy is fetched behind it.
 */
export const PUBLIC_CALENDAR_CACHE_CONTROL = 'public, max-age=60, s-maxage=300, stale-while-revalidate=60';
export const PUBLIC_CALENDAR_CONTENT_TYPE = 'application/json; charset=utf-8';

export const calendarKey = (year: number) => `calendar/${year}.json`;
/** The path CloudFront serves the key at, and the one to invalidate. */
export const calendarPath = (year: number) => `/${calendarKey(year)}`;
export const calendarUrl = (siteUrl: string, year: number) => `${siteUrl.replace(/\/+$/, '')}${calendarPath(year)}`;

type EntryLike = Pick<
  CalendarEntry,
  'booking_id' | 'charter_date' | 'charter_start' | 'charter_end' | 'guest_count' | 'status'
>;

export function publicEntry(entry: EntryLike): PublicEntry {
  return {
    booking_id: entry.booking_id,
    date: entry.charter_date,
    start: entry.charter_start,
    end: entry.charter_end,
    guest_count: entry.guest_count,
    status: entry.status,
  };
}

/**
 * The year's document, built only from the entries given (a query of the year), never from the
 * object already in the bucket. Entries of other years are left out, so a stray item cannot
 * put a charter on the wrong year's page. So are `cancelled` ones: the document lists what holds
 * the boat (`booked`, `tentative`), and a cancelled charter does not (README, "Cancellations").
 */
export function buildPublicCalendar(year: number, entries: readonly EntryLike[], generatedAt: Date): PublicCalendar {
  const ofYear = entries.filter((entry) => entry.charter_date.startsWith(`${year}-`) && entry.status !== 'cancelled');
  return {
    year,
    generated_at: generatedAt.toISOString(),
    entries: [...ofYear].sort(compareEntries).map(publicEntry),
  };
}

export const publicCalendarJson = (calendar: PublicCalendar) => `${JSON.stringify(calendar)}\n`;

/**
 * A fingerprint of what the page shows (not when it was generated): a rebuild that would show
 * the same entries (a redelivered booking) writes nothing and invalidates nothing.
 */
export const entriesDigest = (calendar: PublicCalendar) =>
  createHash('sha256').update(JSON.stringify(calendar.entries)).digest('base64url');
