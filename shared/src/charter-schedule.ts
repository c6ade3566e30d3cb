import { BookingId, CharterDate, ClockTime, DEFAULT_TIMEZONE, Timezone } from '@charter/events';
import * as z from '@charter/events/zod';

/**
 * The fields that place a booking's charter in time, as the calendar and SCC accept them (the zone
 * defaults to the marina's).
 */
export const charterScheduleFields = {
  booking_id: BookingId,
  charter_date: CharterDate,
  charter_start: ClockTime,
  charter_end: ClockTime,
  timezone: z._default(Timezone, DEFAULT_TIMEZONE),
};
