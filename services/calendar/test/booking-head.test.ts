import {
  calendarUpdateOf,
  entryOf,
  filedYear,
  headReflects,
  yearsToSettle,
  type BookingHead,
} from '../src/domain/booking-head';

const head = (overrides: Partial<BookingHead> = {}): BookingHead => ({
  booking_id: 'GMB-88213',
  charter_date: '2028-01-05',
  charter_start: '14:00',
  charter_end: '17:30',
  timezone: 'America/Los_Angeles',
  guest_count: 6,
  source: 'getmyboat',
  status: 'booked',
  rev: 3,
  year: 2028,
  years: [2027, 2028, 2027],
  owner: 'getmyboat',
  revision: 2,
  lifecycle: 'live',
  created_at: '2027-02-20T10:00:00.000Z',
  updated_at: '2027-02-27T09:00:00.000Z',
  ...overrides,
});
/** A cancellation that came first: no schedule, no year. */
const tombstone = (): BookingHead => ({
  booking_id: 'GMB-88213',
  status: 'cancelled',
  rev: 1,
  owner: 'getmyboat',
  revision: 3,
  lifecycle: 'cancelled',
  created_at: '2027-03-01T16:05:01.000Z',
  updated_at: '2027-03-01T16:05:01.000Z',
});
const SITE = 'https://calendar.example.com';

describe("a booking's head", () => {
  it('files a live booking in the year of its date, and settles every year it was ever in, once each', () => {
    expect(filedYear(head())).toBe(2028);
    expect(yearsToSettle(head())).toEqual([2027, 2028]);
    expect(yearsToSettle(head({ years: undefined }))).toEqual([2028]);
  });

  it('files a cancelled booking nowhere, but still settles the years it was in', () => {
    const cancelled = head({ lifecycle: 'cancelled', status: 'cancelled', revision: 3 });
    expect(filedYear(cancelled)).toBeUndefined();
    expect(entryOf(cancelled)).toBeUndefined();
    expect(yearsToSettle(cancelled)).toEqual([2027, 2028]);
    expect(yearsToSettle(tombstone())).toEqual([]);
  });

  it("keeps an operator's own `cancelled` status filed: the booking is live, the JSON leaves it out", () => {
    expect(entryOf(head({ status: 'cancelled' }))).toMatchObject({ status: 'cancelled', charter_date: '2028-01-05' });
  });

  it('makes the entry from the schedule, the status and the revision, and nothing else', () => {
    expect(entryOf(head())).toEqual({
      booking_id: 'GMB-88213',
      charter_date: '2028-01-05',
      charter_start: '14:00',
      charter_end: '17:30',
      timezone: 'America/Los_Angeles',
      guest_count: 6,
      source: 'getmyboat',
      status: 'booked',
      created_at: '2027-02-20T10:00:00.000Z',
      updated_at: '2027-02-27T09:00:00.000Z',
      revision: 2,
    });
  });

  it('announces the revision and status the head stands at, in the year of its JSON', () => {
    expect(calendarUpdateOf(head(), SITE)).toEqual({
      schema_version: 1,
      booking_id: 'GMB-88213',
      revision: 2,
      status: 'booked',
      year: 2028,
      calendar_url: 'https://calendar.example.com/calendar/2028.json',
    });
    // A cancellation names the year it was taken out of.
    expect(calendarUpdateOf(head({ lifecycle: 'cancelled', status: 'cancelled', revision: 3 }), SITE)).toMatchObject({
      revision: 3,
      status: 'cancelled',
      year: 2028,
    });
    // An entry only the operator wrote is the booking's first state.
    expect(calendarUpdateOf(head({ revision: undefined, owner: 'direct' }), SITE)?.revision).toBe(1);
  });

  it('announces nothing for a tombstone: no year to name, nobody to tell', () => {
    expect(calendarUpdateOf(tombstone(), SITE)).toBeUndefined();
  });

  it('repeats a redelivery only while the head still stands at its revision', () => {
    const ref = { owner: 'getmyboat', revision: 2, cancels: false };
    expect(headReflects(head(), ref)).toBe(true);
    expect(headReflects(head({ revision: 4 }), ref)).toBe(false);
    expect(headReflects(head({ lifecycle: 'cancelled', revision: 2 }), ref)).toBe(false);
    expect(headReflects(tombstone(), { ...ref, revision: 3, cancels: true })).toBe(true);
  });
});
