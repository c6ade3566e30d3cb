import {
  PUBLIC_CALENDAR_CACHE_CONTROL,
  PUBLIC_ENTRY_FIELDS,
  buildPublicCalendar,
  calendarKey,
  calendarUrl,
  entriesDigest,
  publicCalendarJson,
} from '../src/domain/public-calendar';
import type { CalendarEntry } from '../src/domain/entry';

const entry = (overrides: Partial<CalendarEntry>): CalendarEntry => ({
  booking_id: 'xhqgmdh',
  charter_date: '2027-05-30',
  charter_start: '10:00',
  charter_end: '13:00',
  timezone: 'America/Los_Angeles',
  guest_count: 4,
  source: 'boatsetter',
  status: 'booked',
  ...overrides,
});

const generatedAt = new Date('2027-01-15T12:00:00.000Z');

describe('the public calendar JSON', () => {
  it('holds the year, when it was generated, and the public fields of each entry', () => {
    const calendar = buildPublicCalendar(2027, [entry({})], generatedAt);
    expect(calendar).toEqual({
      year: 2027,
      generated_at: '2027-01-15T12:00:00.000Z',
      entries: [
        { booking_id: 'xhqgmdh', date: '2027-05-30', start: '10:00', end: '13:00', guest_count: 4, status: 'booked' },
      ],
    });
    expect(Object.keys(calendar.entries[0]!)).toEqual([...PUBLIC_ENTRY_FIELDS]);
  });

  it("never carries a booking's guest name, email, phone, notes, money or source, whatever the entry holds", () => {
    const booking = {
      ...entry({}),
      guest: { name: 'Dana Whitfield', email: 'dana.whitfield@example.com', phone: '+1 619 555 0142' },
      guest_name: 'Dana Whitfield',
      email: 'dana.whitfield@example.com',
      phone: '+1 619 555 0142',
      notes: 'Birthday cruise. Revenue: $1,450.00, captain fee $300',
      revenue_cents: 145000,
      captain_fee_cents: 30000,
      currency: 'USD',
      vessel: 'JADA',
      location: 'Shelter Island, San Diego',
    };
    const json = publicCalendarJson(buildPublicCalendar(2027, [booking], generatedAt));
    for (const secret of [
      'Dana',
      'Whitfield',
      'dana.whitfield@example.com',
      '619 555 0142',
      'Birthday',
      '1,450',
      '145000',
      '30000',
      'USD',
      'captain',
      'revenue',
      'boatsetter',
      'Shelter Island',
      'timezone',
    ]) {
      expect(json).not.toContain(secret);
    }
    expect(json).toContain('xhqgmdh');
  });

  it('sorts entries by date, then start time, then booking id', () => {
    const calendar = buildPublicCalendar(
      2027,
      [
        entry({ booking_id: 'late-june', charter_date: '2027-06-12', charter_start: '18:30', charter_end: '21:00' }),
        entry({ booking_id: 'march', charter_date: '2027-03-02', charter_start: '09:00', charter_end: '12:30' }),
        entry({ booking_id: 'june-b', charter_date: '2027-06-12', charter_start: '09:00' }),
        entry({ booking_id: 'june-a', charter_date: '2027-06-12', charter_start: '09:00' }),
      ],
      generatedAt,
    );
    expect(calendar.entries.map((e) => e.booking_id)).toEqual(['march', 'june-a', 'june-b', 'late-june']);
  });

  it('leaves out entries of other years', () => {
    const calendar = buildPublicCalendar(
      2027,
      [entry({ booking_id: 'other', charter_date: '2028-01-01' }), entry({})],
      generatedAt,
    );
    expect(calendar.entries.map((e) => e.booking_id)).toEqual(['xhqgmdh']);
  });

  it('lists what holds the boat (booked, tentative) and leaves cancelled entries out', () => {
    const calendar = buildPublicCalendar(
      2027,
      [entry({ booking_id: 'held', status: 'tentative' }), entry({ booking_id: 'freed', status: 'cancelled' })],
      generatedAt,
    );
    expect(calendar.entries.map((e) => [e.booking_id, e.status])).toEqual([['held', 'tentative']]);
  });

  it('is a valid JSON document for an empty year', () => {
    expect(JSON.parse(publicCalendarJson(buildPublicCalendar(2030, [], generatedAt)))).toEqual({
      year: 2030,
      generated_at: generatedAt.toISOString(),
      entries: [],
    });
  });

  it('fingerprints what the page shows, not when it was generated', () => {
    const a = buildPublicCalendar(2027, [entry({})], generatedAt);
    const b = buildPublicCalendar(2027, [entry({})], new Date('2027-02-01T00:00:00Z'));
    const c = buildPublicCalendar(2027, [entry({ guest_count: 5 })], generatedAt);
    expect(entriesDigest(a)).toBe(entriesDigest(b));
    expect(entriesDigest(a)).not.toBe(entriesDigest(c));
  });

  it('lives at calendar/<year>.json under the calendar site', () => {
    expect(calendarKey(2027)).toBe('calendar/2027.json');
    expect(calendarUrl('https://d111.cloudfront.net/', 2027)).toBe('https://d111.cloudfront.net/calendar/2027.json');
  });

  it('is public and short-lived in browsers, longer at the edge that is invalidated on change', () => {
    expect(PUBLIC_CALENDAR_CACHE_CONTROL).toMatch(/^public\b/);
    expect(PUBLIC_CALENDAR_CACHE_CONTROL).toContain('max-age=60');
    expect(PUBLIC_CALENDAR_CACHE_CONTROL).toContain('s-maxage=300');
  });
});
