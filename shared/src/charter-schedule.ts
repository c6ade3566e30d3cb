import { BookingId, CharterDate, ClockTime, DEFAULT_TIMEZONE, Timezone } from '@charter/events';

/**
 * The fields that place a booking's charter in time, as the calendar and SCC accept them (the zone
 * defaults to the marina's).
 */
export const charterScheduleFields = {
  booking_id: BookingId,
  charter_date: CharterDate,
  charter_start: ClockTime,
  charter_end: ClockTime,
  timezone: Timezone.default(DEFAULT_TIMEZONE),
};
