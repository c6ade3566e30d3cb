import { BookingCreated } from '@charter/events';
import { ValidationError } from '@charter/shared/errors';
import { validate } from '@charter/shared/http';
import { CalendarEntryInput, YearQuery, calendarFieldsOf, compareEntries, yearOf } from '../src/domain/entry';

const body = {
  booking_id: 'xhqgmdh',
  charter_date: '2027-05-30',
  charter_start: '10:00',
  charter_end: '13:00',
  guest_count: 4,
  source: 'boatsetter',
};

/** The fields a 422 names, as the dashboard would read them. */
function refusedFields(
  value: unknown,
  schema: typeof CalendarEntryInput | typeof YearQuery = CalendarEntryInput,
): string[] {
  try {
    validate(schema, value);
  } catch (error) {
    if (error instanceof ValidationError) {
      expect(error.statusCode).toBe(422);
      return error.fields.map((f) => f.path);
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a calendar entry (POST /calendar/entries body)', () => {
  it('accepts the seed body and defaults the timezone to the marina and the status to booked', () => {
    const entry = validate(CalendarEntryInput, body);
    expect(entry).toEqual({ ...body, timezone: 'America/Los_Angeles', status: 'booked' });
  });

  it('keeps a timezone and a status that are given', () => {
    const entry = validate(CalendarEntryInput, { ...body, timezone: 'Pacific/Honolulu', status: 'tentative' });
    expect(entry.timezone).toBe('Pacific/Honolulu');
    expect(entry.status).toBe('tentative');
  });

  it('refuses a date that does not exist, naming charter_date', () => {
    expect(refusedFields({ ...body, charter_date: '2027-02-30' })).toEqual(['charter_date']);
    expect(refusedFields({ ...body, charter_date: '2027-02-29' })).toEqual(['charter_date']);
    expect(validate(CalendarEntryInput, { ...body, charter_date: '2028-02-29' }).charter_date).toBe('2028-02-29');
  });

  it('refuses an end that is not after the start, naming charter_end', () => {
    expect(refusedFields({ ...body, charter_end: '10:00' })).toEqual(['charter_end']);
    expect(refusedFields({ ...body, charter_start: '18:30', charter_end: '09:00' })).toEqual(['charter_end']);
  });

  it('refuses an unknown timezone, naming timezone', () => {
    expect(refusedFields({ ...body, timezone: 'America/Atlantis' })).toEqual(['timezone']);
    expect(refusedFields({ ...body, timezone: '+05:00' })).toEqual(['timezone']);
  });

  it('refuses times, counts, ids, sources and statuses that are not what they claim, naming each field', () => {
    expect(
      refusedFields({
        booking_id: 'x y',
        charter_date: '2027-05-30',
        charter_start: '25:00',
        charter_end: '13:00',
        guest_count: 0,
        source: 'Boat Setter',
        status: 'maybe',
      }).sort(),
    ).toEqual(['booking_id', 'charter_start', 'guest_count', 'source', 'status']);
    expect(refusedFields({ ...body, guest_count: 151 })).toEqual(['guest_count']);
  });

  it('refuses a year the calendar cannot announce', () => {
    expect(refusedFields({ ...body, charter_date: '1999-12-31' })).toEqual(['charter_date']);
  });

  it('names every missing field', () => {
    expect(refusedFields({}).sort()).toEqual([
      'booking_id',
      'charter_date',
      'charter_end',
      'charter_start',
      'guest_count',
      'source',
    ]);
  });

  it('does not keep personal data or money sent alongside the entry', () => {
    const entry = validate(CalendarEntryInput, {
      ...body,
      guest: { name: 'Dana Whitfield' },
      notes: 'cake',
      revenue_cents: 145000,
    });
    expect(Object.keys(entry).sort()).toEqual([
      'booking_id',
      'charter_date',
      'charter_end',
      'charter_start',
      'guest_count',
      'source',
      'status',
      'timezone',
    ]);
  });
});

describe('the calendar fields of a booking', () => {
  it('takes the schedule and head count of a BookingCreated and nothing personal', () => {
    const booking = BookingCreated.parse({
      schema_version: 1,
      ...body,
      guest: { name: 'Dana Whitfield', email: 'dana.whitfield@example.com', phone: '+1 619 555 0142' },
      vessel: 'JADA',
      location: 'Shelter Island, San Diego',
      revenue_cents: 145000,
      notes: 'Birthday cruise',
    });
    expect(calendarFieldsOf(booking)).toEqual({ ...body, timezone: 'America/Los_Angeles', status: 'booked' });
  });
});

describe('?year= of GET /calendar/entries', () => {
  it('reads a four-digit year', () => {
    expect(validate(YearQuery, { year: '2027' })).toEqual({ year: 2027 });
  });

  it.each([['27'], ['2027a'], ['twenty'], ['1999'], ['2101'], [''], [undefined]])(
    'refuses year=%p, naming year',
    (year) => {
      expect(refusedFields({ year }, YearQuery)).toEqual(['year']);
    },
  );
});

describe('entry order', () => {
  it('sorts by date, then start, then booking id', () => {
    const entries = [
      { booking_id: 'b', charter_date: '2027-06-12', charter_start: '18:30' },
      { booking_id: 'c', charter_date: '2027-03-02', charter_start: '09:00' },
      { booking_id: 'a', charter_date: '2027-06-12', charter_start: '18:30' },
      { booking_id: 'd', charter_date: '2027-06-12', charter_start: '09:00' },
    ];
    expect([...entries].sort(compareEntries).map((e) => e.booking_id)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('finds the year of a date', () => {
    expect(yearOf('2027-02-28')).toBe(2027);
  });
});
