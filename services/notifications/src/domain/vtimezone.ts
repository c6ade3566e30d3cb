/**
 * The VTIMEZONE of an invite (RFC 5545 3.6.5), made from the runtime's own tz database (ICU, through Intl).
 *
 * Hand-written because the libraries that ship zone definitions (@touch4it/ical-timezones, timezones-ical-library)
 * either read `.ics` files from disk next to their module at run time, which a bundled Lambda does not carry (the
 * invite then silently had no VTIMEZONE), or embed every zone of the world in the bundle. Node's ICU already holds
 * every zone, so the observances the invite needs are computed: each offset change in the years around the charter,
 * as one STANDARD or DAYLIGHT component with its DTSTART (the wall clock just before the change), TZOFFSETFROM and
 * TZOFFSETTO. A zone without changes gets one STANDARD component. Calendars (Google, Apple, Outlook) resolve the
 * event's TZID against these, so the charter lands at the same instant in every reader's zone.
 */

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes the zone is ahead of UTC at an instant (negative west of Greenwich). */
export function offsetMinutes(timeZone: string, instantMs: number): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instantMs)).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((wall - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

interface Transition {
  /** The first instant (to the minute) of the new offset. */
  at: number;
  from: number;
  to: number;
}

/** Every offset change from `startMs` to `endMs`: a daily scan, then a search to the minute within the day. */
export function transitions(timeZone: string, startMs: number, endMs: number): Transition[] {
  const found: Transition[] = [];
  let previous = offsetMinutes(timeZone, startMs);
  for (let day = startMs + DAY_MS; day <= endMs; day += DAY_MS) {
    const offset = offsetMinutes(timeZone, day);
    if (offset === previous) continue;
    let low = day - DAY_MS;
    let high = day;
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 120_000) * 60_000;
      if (offsetMinutes(timeZone, middle) === previous) low = middle;
      else high = middle;
    }
    found.push({ at: high, from: previous, to: offset });
    previous = offset;
  }
  return found;
}

const two = (n: number) => String(n).padStart(2, '0');

/** `-0800`, `+0530` */
const utcOffset = (minutes: number) =>
  `${minutes < 0 ? '-' : '+'}${two(Math.floor(Math.abs(minutes) / 60))}${two(Math.abs(minutes) % 60)}`;

/** A local date-time in iCalendar's basic form, e.g. 20270314T020000. */
const localDateTime = (instantMs: number, offset: number) => {
  const d = new Date(instantMs + offset * 60_000);
  return (
    `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}` +
    `T${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`
  );
};

/**
 * The VTIMEZONE component (CRLF lines, no trailing CRLF) for `timeZone`, covering the year before the charter to the
 * year after, which is every date an invite about it names.
 */
export function vtimezone(timeZone: string, charterYear: number): string {
  const start = Date.UTC(charterYear - 1, 0, 1);
  const end = Date.UTC(charterYear + 2, 0, 1);
  const changes = transitions(timeZone, start, end);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  if (changes.length === 0) {
    const offset = utcOffset(offsetMinutes(timeZone, start));
    lines.push(
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset}`,
      `TZOFFSETTO:${offset}`,
      'END:STANDARD',
    );
  } else {
    // Standard time is the lower offset of the years covered; a change into a higher one begins daylight time.
    const standard = Math.min(...changes.flatMap((c) => [c.from, c.to]));
    for (const change of changes) {
      const kind = change.to === standard ? 'STANDARD' : 'DAYLIGHT';
      lines.push(
        `BEGIN:${kind}`,
        // DTSTART is the wall clock at the change, read in the offset in force before it (RFC 5545 3.6.5).
        `DTSTART:${localDateTime(change.at, change.from)}`,
        `TZOFFSETFROM:${utcOffset(change.from)}`,
        `TZOFFSETTO:${utcOffset(change.to)}`,
        `END:${kind}`,
      );
    }
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
