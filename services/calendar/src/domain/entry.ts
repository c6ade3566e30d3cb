import { GuestCount, PartnerName, endAfterStart, type BookingCreated } from '@charter/events';
import { charterScheduleFields } from '@charter/shared/charter-schedule';
import * as z from '@charter/events/zod';

/** The years CalendarUpdated can name; a public JSON per year outside them would never be announced. */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

/** `booked` holds the boat; `tentative` is a hold the operator has not confirmed; `cancelled` frees it. */
export const ENTRY_STATUSES = ['booked', 'tentative', 'cancelled'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/**
 * What the calendar keeps about a booking, and the body of POST /calendar/entries. Guest details,
 * notes and money are not fields here: the calendar never stores what it must never publish.
 * Unknown fields are dropped rather than refused, so a partner adding fields breaks nothing.
 */
export const CalendarEntryInput = z
  .object({
    ...charterScheduleFields,
    guest_count: GuestCount,
    source: PartnerName,
    status: z._default(z.enum(ENTRY_STATUSES, { error: `must be one of ${ENTRY_STATUSES.join(', ')}` }), 'booked'),
  })
  .check((ctx) => {
    endAfterStart(ctx);
    // The operator cancels a booking as a partner does (BookingCancelled, on the `direct` channel for its own), so the
    // guest page, the crew and the calendar never disagree: a calendar-only "cancelled" would free the boat while the
    // crew are still called, and would read to the notifier as the end of the booking.
    if (ctx.value.status === 'cancelled') {
      ctx.issues.push({
        code: 'custom',
        path: ['status'],
        message:
          'cannot be set here: cancel the booking with BookingCancelled ' +
          '(POST /partners/<partner>/bookings/<booking_id>/cancel), and the calendar follows',
        input: ctx.value.status,
      });
    }
    const date = ctx.value.charter_date;
    const year = yearOf(date);
    if (year < FIRST_YEAR || year > LAST_YEAR) {
      ctx.issues.push({
        code: 'custom',
        path: ['charter_date'],
        message: `must be in the years ${FIRST_YEAR}-${LAST_YEAR}`,
        input: date,
      });
    }
  });

export type CalendarEntry = z.infer<typeof CalendarEntryInput>;
export type CalendarEntryBody = z.input<typeof CalendarEntryInput>;

/**
 * The calendar's view of a booking: its schedule and head count, nothing personal. Validate
 * it with CalendarEntryInput: a booking valid on the bus may still fall outside the calendar's years.
 */
export function calendarFieldsOf(booking: BookingCreated): CalendarEntryBody {
  return {
    booking_id: booking.booking_id,
    charter_date: booking.charter_date,
    charter_start: booking.charter_start,
    charter_end: booking.charter_end,
    timezone: booking.timezone,
    guest_count: booking.guest_count,
    source: booking.source,
    status: 'booked',
  };
}

/** The year of a YYYY-MM-DD date already validated by CharterDate. */
export const yearOf = (date: string): number => Number(date.slice(0, 4));

/** `?year=` of GET /calendar/entries: four digits inside the calendar's years. */
export const YearQuery = z.object({
  year: z
    .pipe(
      z
        .string({ error: 'is required: send ?year=YYYY' })
        .check(z.regex(/^\d{4}$/, { error: 'must be a year written YYYY' })),
      z.transform(Number),
    )
    .check(
      z.refine((year: number) => year >= FIRST_YEAR && year <= LAST_YEAR, {
        error: `must be in the years ${FIRST_YEAR}-${LAST_YEAR}`,
      }),
    ),
});

/** Entry order everywhere (internal list and public JSON): by date, then start, then booking id. */
export function compareEntries(
  a: { charter_date: string; charter_start: string; booking_id: string },
  b: { charter_date: string; charter_start: string; booking_id: string },
): number {
  return (
    compareText(a.charter_date, b.charter_date) ||
    compareText(a.charter_start, b.charter_start) ||
    compareText(a.booking_id, b.booking_id)
  );
}

/** Code-unit order, not locale order: the same bytes sort the same on every machine. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
