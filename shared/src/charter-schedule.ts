import { BookingId, CharterDate, ClockTime, DEFAULT_TIMEZONE, Timezone, minutesOf } from '@charter/events';
import type { z } from 'zod';

/** The fields that place a booking's charter in time, as the calendar and SCC accept them (the zone defaults to the marina's). */
export const charterScheduleFields = {
  booking_id: BookingId,
  charter_date: CharterDate,
  charter_start: ClockTime,
  charter_end: ClockTime,
  timezone: Timezone.default(DEFAULT_TIMEZONE),
};

/** A zod check: charter_end must come after charter_start, whenever the value names both. */
export function endAfterStart(ctx: {
  value: { charter_start?: string; charter_end?: string };
  issues: z.core.$ZodRawIssue[];
}): void {
  const { charter_start: start, charter_end: end } = ctx.value;
  if (start && end && minutesOf(end) <= minutesOf(start)) {
    ctx.issues.push({ code: 'custom', path: ['charter_end'], message: 'must be after charter_start', input: end });
  }
}
