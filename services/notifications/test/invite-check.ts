import ICAL from 'ical.js';

/**
 * Reads a calendar invite as a strict parser does (ical.js throws on any malformed line or value) and checks what
 * Google Calendar, Apple Calendar and Outlook need to update one event in place rather than add a second (RFC 5545,
 * RFC 5546): one VEVENT with UID, DTSTAMP in UTC, SEQUENCE, ORGANIZER and ATTENDEE as mailto addresses, DTSTART and
 * DTEND with a TZID that a VTIMEZONE of the same file defines, a METHOD equal to the `method=` of its MIME part,
 * and STATUS:CANCELLED with METHOD:CANCEL. Throws, naming the rule, when one does not hold.
 */

export interface CheckedInvite {
  method: 'REQUEST' | 'CANCEL';
  uid: string;
  sequence: number;
  dtstamp: string;
  tzid: string;
  /** DTSTART and DTEND as instants, computed with the file's own VTIMEZONE. */
  start: string;
  end: string;
  organizer: string;
  attendees: string[];
  status: string | undefined;
  summary: string;
  location: string;
  description: string;
}

function fail(rule: string): never {
  throw new Error(`invite: ${rule}`);
}

/** The `method=` parameter of a MIME type such as `text/calendar; charset=UTF-8; method=REQUEST`. */
export const methodParameter = (contentType: string) => /(?:^|;)\s*method=([A-Za-z-]+)/i.exec(contentType)?.[1];

export function checkInvite(ics: string, contentType: string): CheckedInvite {
  if (!/^text\/calendar\s*;/i.test(contentType)) fail(`the part is ${contentType}, not text/calendar`);
  const lines = ics.split('\r\n');
  if (lines.some((line) => line.includes('\n'))) fail('lines must end with CRLF');
  if (lines.some((line) => Buffer.byteLength(line) > 75)) fail('a line is longer than 75 octets (not folded)');

  const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  if (calendar.name !== 'vcalendar') fail('not a VCALENDAR');
  if (calendar.getFirstPropertyValue('version') !== '2.0') fail('VERSION is not 2.0');
  if (!calendar.getFirstPropertyValue('prodid')) fail('no PRODID');
  const method = String(calendar.getFirstPropertyValue('method') ?? '');
  if (method !== 'REQUEST' && method !== 'CANCEL') fail(`METHOD is ${method || 'missing'}`);
  const mimeMethod = methodParameter(contentType);
  if (mimeMethod?.toUpperCase() !== method) fail(`METHOD:${method} but the MIME part says method=${mimeMethod}`);

  const events = calendar.getAllSubcomponents('vevent');
  if (events.length !== 1) fail(`${events.length} VEVENTs`);
  const event = events[0]!;
  const text = (name: string) => {
    const value = event.getFirstPropertyValue(name);
    if (value === null || value === undefined || value === '') fail(`no ${name.toUpperCase()}`);
    return String(value);
  };
  const uid = text('uid');
  const stamp = event.getFirstPropertyValue('dtstamp') as ICAL.Time | null;
  if (!stamp || stamp.zone?.tzid !== 'UTC') fail('DTSTAMP must be in UTC');
  const sequence = event.getFirstPropertyValue('sequence');
  if (typeof sequence !== 'number' || !Number.isInteger(sequence) || sequence < 0) fail('SEQUENCE must be an integer');
  const mailto = (name: string, value: unknown) => {
    const match = typeof value === 'string' ? /^mailto:(.+)$/i.exec(value) : null;
    if (!match) fail(`${name} must be a mailto address`);
    return match[1]!;
  };
  const organizer = mailto('ORGANIZER', event.getFirstPropertyValue('organizer'));
  const attendees = event.getAllProperties('attendee').map((p) => mailto('ATTENDEE', p.getFirstValue()));
  if (attendees.length === 0) fail('no ATTENDEE');

  const zones = new Map(
    calendar
      .getAllSubcomponents('vtimezone')
      .map((c) => [String(c.getFirstPropertyValue('tzid')), new ICAL.Timezone(c)]),
  );
  const instant = (name: 'dtstart' | 'dtend') => {
    const property = event.getFirstProperty(name);
    if (!property) fail(`no ${name.toUpperCase()}`);
    const tzid = property.getParameter('tzid');
    if (typeof tzid !== 'string') fail(`${name.toUpperCase()} has no TZID`);
    const zone = zones.get(tzid);
    if (!zone) fail(`${name.toUpperCase()};TZID=${tzid} has no VTIMEZONE in the file`);
    const time = (property.getFirstValue() as ICAL.Time).clone();
    time.zone = zone;
    return { tzid, at: time.toJSDate().toISOString() };
  };
  const start = instant('dtstart');
  const end = instant('dtend');
  if (end.at <= start.at) fail('DTEND is not after DTSTART');
  const status = event.getFirstPropertyValue('status') as string | null;
  if (method === 'CANCEL' && status !== 'CANCELLED') fail('METHOD:CANCEL without STATUS:CANCELLED');

  return {
    method,
    uid,
    sequence,
    dtstamp: stamp.toString(),
    tzid: start.tzid,
    start: start.at,
    end: end.at,
    organizer,
    attendees,
    status: status ?? undefined,
    summary: text('summary'),
    location: text('location'),
    description: text('description'),
  };
}
