import { marinaTimeToInstant } from '@charter/shared/time';
import ICAL from 'ical.js';
import { transitions, vtimezone } from '../src/domain/vtimezone';

/** The instant a calendar reader computes for a wall-clock time with a TZID defined by our VTIMEZONE. */
function readerInstant(zone: string, date: string, time: string): string {
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//vtimezone//EN',
    vtimezone(zone, Number(date.slice(0, 4))),
    'BEGIN:VEVENT',
    'UID:x@example.com',
    'DTSTAMP:20260101T000000Z',
    `DTSTART;TZID=${zone}:${date.replaceAll('-', '')}T${time.replace(':', '')}00`,
    'END:VEVENT',
    'END:VCALENDAR',
  ].join('\r\n');
  const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  const zoneDefinition = new ICAL.Timezone(calendar.getFirstSubcomponent('vtimezone')!);
  const start = (calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('dtstart') as ICAL.Time).clone();
  start.zone = zoneDefinition;
  return start.toJSDate().toISOString();
}

describe('the VTIMEZONE an invite carries', () => {
  it('has the two changes of a year in Los Angeles as DAYLIGHT and STANDARD observances', () => {
    const text = vtimezone('America/Los_Angeles', 2027);
    expect(text).toContain(
      'BEGIN:DAYLIGHT\r\nDTSTART:20270314T020000\r\nTZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nEND:DAYLIGHT',
    );
    expect(text).toContain(
      'BEGIN:STANDARD\r\nDTSTART:20271107T020000\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nEND:STANDARD',
    );
  });

  it('finds each change to the minute, half-hour and southern-hemisphere zones included', () => {
    const sydney = transitions('Australia/Sydney', Date.UTC(2027, 0, 1), Date.UTC(2028, 0, 1));
    expect(sydney.map((t) => [new Date(t.at).toISOString(), t.from, t.to])).toEqual([
      ['2027-04-03T16:00:00.000Z', 660, 600],
      ['2027-10-02T16:00:00.000Z', 600, 660],
    ]);
  });

  it('gives a zone without changes one STANDARD observance', () => {
    expect(vtimezone('Asia/Kolkata', 2027)).toBe(
      'BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n' +
        'TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE',
    );
  });

  it.each([
    ['America/Los_Angeles', '2027-01-15', '10:00'],
    ['America/Los_Angeles', '2027-03-14', '03:30'],
    ['America/Los_Angeles', '2027-07-04', '18:30'],
    ['America/Los_Angeles', '2027-11-07', '03:00'],
    ['America/Los_Angeles', '2028-01-05', '09:00'],
    ['Europe/London', '2027-03-28', '09:00'],
    ['Europe/London', '2027-10-31', '09:00'],
    ['Australia/Sydney', '2027-04-04', '10:00'],
    ['Australia/Sydney', '2027-12-24', '17:00'],
    ['America/St_Johns', '2027-08-01', '12:00'],
    ['Pacific/Chatham', '2027-02-01', '08:00'],
    ['Asia/Kolkata', '2027-05-30', '06:00'],
    ['America/Sao_Paulo', '2027-12-01', '10:00'],
    ['Pacific/Honolulu', '2027-06-01', '16:00'],
  ])('puts %s %s %s at the same instant a reader computes', (zone, date, time) => {
    expect(readerInstant(zone, date, time)).toBe(marinaTimeToInstant(date, time, zone).toISOString());
  });
});
