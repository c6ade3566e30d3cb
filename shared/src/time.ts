import { minutesOf } from '@charter/events';

/** Milliseconds the zone is ahead of UTC at an instant (negative west of Greenwich). */
function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wallAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wallAsUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time at the marina happens. Two passes settle the offset across a
 * daylight-saving change; a time skipped by spring-forward resolves to the hour after.
 */
export function marinaTimeToInstant(date: string, time: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute);
  let instant = wallAsUtc - zoneOffsetMs(wallAsUtc, timeZone);
  instant = wallAsUtc - zoneOffsetMs(instant, timeZone);
  return new Date(instant);
}

export interface CharterTimes {
  charter_date: string;
  charter_start: string;
  charter_end: string;
  timezone: string;
}

export const charterStartsAt = (c: CharterTimes) => marinaTimeToInstant(c.charter_date, c.charter_start, c.timezone);
export const charterEndsAt = (c: CharterTimes) => marinaTimeToInstant(c.charter_date, c.charter_end, c.timezone);

/** "Thursday, May 30, 2024" */
export function dateInWords(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('en-US', {
    timeZone: 'UTC',
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** "10:00" -> "10:00 AM", "18:30" -> "6:30 PM" */
export function clockInWords(time: string): string {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const suffix = hour < 12 ? 'AM' : 'PM';
  return `${hour % 12 === 0 ? 12 : hour % 12}:${String(minute).padStart(2, '0')} ${suffix}`;
}

/** "3 hours", "2 hours 30 minutes" */
export function durationInWords(start: string, end: string): string {
  const total = minutesOf(end) - minutesOf(start);
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  const parts = [];
  if (hours) parts.push(`${hours} hour${hours === 1 ? '' : 's'}`);
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  return parts.join(' ') || '0 minutes';
}

/** Short zone name at the charter's date, e.g. "PDT". */
export function zoneAbbreviation(c: CharterTimes): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: c.timezone, timeZoneName: 'short' }).formatToParts(
    charterStartsAt(c),
  );
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? c.timezone;
}
