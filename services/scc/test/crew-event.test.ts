import { EventCreated } from '@charter/events';
import { ValidationError } from '@charter/shared/errors';
import { validate } from '@charter/shared/http';
import {
  CreateEventRequest,
  PutRosterRequest,
  UpdateEventRequest,
  eventCreatedDetail,
  eventIdFor,
  eventView,
  expectedVersion,
  planChanges,
  projectBooking,
  projectRequest,
  sameFields,
  type CrewEvent,
} from '../src/domain/crew-event';
import { PROJECTED_FIELDS, ROSTER, booking, manualEvent } from './fixtures';

const fieldsOf = (schema: Parameters<typeof validate>[0], value: unknown) => {
  try {
    validate(schema, value);
  } catch (error) {
    if (error instanceof ValidationError) return error.fields.map((f) => f.path);
    throw error;
  }
  return [];
};

describe('the crew-safe projection of a booking', () => {
  const projection = projectBooking(booking(), ROSTER);

  it('keeps what the crew needs: date, times, zone, vessel, location, guest count, crew', () => {
    expect(projection).toEqual({ booking_id: 'xhqgmdh', ...PROJECTED_FIELDS });
  });

  it('never carries money or guest contact details', () => {
    const text = JSON.stringify(projection);
    for (const forbidden of [
      'revenue',
      'captain_fee',
      'currency',
      '145000',
      '30000',
      '1,450',
      '$',
      'guest"',
      'ann.lee@example.com',
      '555',
    ]) {
      expect(text).not.toContain(forbidden);
    }
  });

  it('omits notes that were only about money', () => {
    expect(projectBooking(booking({ notes: 'Revenue $1,450' }), ROSTER)).not.toHaveProperty('notes');
  });

  it("removes the booking's own amounts from the notes however bare they are, and what the owner keeps", () => {
    const notes = [
      'Boatsetter collected 1,450.00',
      'Captain gets 300',
      'Rev 1450 / capt 300',
      'Charter was 1.450,00',
      'Owner keeps 1,150 after the captain',
      'Board at 10:00, dock 3.',
    ].join('\n');
    const projection = projectBooking(booking({ notes, revenue_cents: 145000, captain_fee_cents: 30000 }), ROSTER);
    expect(projection.notes).toBe('Board at 10:00, dock 3.');
  });

  it('copies the crew rather than sharing the roster objects', () => {
    expect(projection.crew[0]).not.toBe(ROSTER[0]);
  });
});

describe('event ids', () => {
  it('are derived from the booking id, the same every time', () => {
    expect(eventIdFor('xhqgmdh')).toBe(eventIdFor('xhqgmdh'));
    expect(eventIdFor('xhqgmdh')).not.toBe(eventIdFor('xhqgmdi'));
    expect(eventIdFor('xhqgmdh')).toMatch(/^evt_[A-Za-z0-9_-]{22}$/);
  });
});

describe('EventCreated', () => {
  it('is the projection without notes, valid against the strict contract schema', () => {
    const detail = eventCreatedDetail({ ...projectBooking(booking(), ROSTER), event_id: eventIdFor('xhqgmdh') });
    expect(EventCreated.parse(detail)).toEqual({ ...detail, revision: 1, version: 1 });
    expect(detail).not.toHaveProperty('notes');
    expect(detail.crew).toHaveLength(3);
  });
});

describe('POST /events body', () => {
  const valid = manualEvent({ notes: 'Sunset sail. Price $900.' });

  it('accepts the projection fields and defaults the time zone', () => {
    expect(validate(CreateEventRequest, valid).timezone).toBe('America/Los_Angeles');
  });

  it('names each bad field', () => {
    expect(fieldsOf(CreateEventRequest, { ...valid, charter_date: '2027-02-30', guest_count: 0, vessel: ' ' })).toEqual(
      expect.arrayContaining(['charter_date', 'guest_count', 'vessel']),
    );
    expect(fieldsOf(CreateEventRequest, { ...valid, charter_end: '16:00' })).toEqual(['charter_end']);
    expect(fieldsOf(CreateEventRequest, { ...valid, booking_id: undefined })).toEqual(['booking_id']);
    expect(fieldsOf(CreateEventRequest, { ...valid, timezone: 'Mars/Olympus' })).toEqual(['timezone']);
    expect(fieldsOf(CreateEventRequest, { ...valid, crew: [] })).toEqual(['crew']);
    expect(fieldsOf(CreateEventRequest, { ...valid, crew: [ROSTER[0], ROSTER[0]] })).toEqual(['crew.1.member_id']);
    expect(fieldsOf(CreateEventRequest, { ...valid, crew: [{ ...ROSTER[0], email: 'nope' }] })).toEqual([
      'crew.0.email',
    ]);
  });

  it('checks the notes against the amounts a caller sends, then drops them', () => {
    const request = validate(CreateEventRequest, {
      ...valid,
      notes: 'Sunset sail. Charter was 900, captain gets 250.',
      revenue_cents: 90000,
      captain_fee_cents: 25000,
    });
    const fields = projectRequest(request, ROSTER);
    expect(fields.notes).toBe('Sunset sail.');
    expect(JSON.stringify(fields)).not.toMatch(/90000|25000|900|250|revenue|captain_fee/);
  });

  it('drops money and guest fields a caller sends, and redacts the notes', () => {
    const request = validate(CreateEventRequest, {
      ...valid,
      revenue_cents: 90000,
      guest: { name: 'Ann', email: 'a@b.co' },
    });
    const fields = projectRequest(request, ROSTER);
    expect(JSON.stringify(fields)).not.toMatch(/90000|revenue|a@b\.co|\$900/);
    expect(fields.notes).toBe('Sunset sail.');
    expect(fields.crew).toEqual(ROSTER);
  });

  it('uses the crew it names instead of the roster', () => {
    const request = validate(CreateEventRequest, { ...valid, crew: [ROSTER[1]] });
    expect(projectRequest(request, ROSTER).crew).toEqual([ROSTER[1]]);
  });
});

describe('PATCH /events/{id} body', () => {
  const stored: CrewEvent = {
    ...projectBooking(booking(), ROSTER),
    event_id: eventIdFor('xhqgmdh'),
    confirmations: { 'rowan-hale': '2027-05-01T10:00:00.000Z' },
    version: 3,
    created_at: '2027-04-01T00:00:00.000Z',
    updated_at: '2027-04-02T00:00:00.000Z',
  };

  it('accepts times, guest count, notes, crew and an expected version', () => {
    expect(validate(UpdateEventRequest, { guest_count: 8, expected_version: 3 })).toEqual({
      guest_count: 8,
      expected_version: 3,
    });
  });

  it('refuses fields that cannot change here, naming them', () => {
    expect(() => validate(UpdateEventRequest, { vessel: 'Other', guest_count: 8 })).toThrow(/vessel/);
    expect(() => validate(UpdateEventRequest, { currency: 'USD', guest_count: 8 })).toThrow(/currency/);
  });

  it('takes the booking amounts only to redact notes: alone they are no change', () => {
    expect(fieldsOf(UpdateEventRequest, { revenue_cents: 1, expected_version: 3 })).toEqual(['(body)']);
    expect(fieldsOf(UpdateEventRequest, { notes: 'x', revenue_cents: -1 })).toEqual(['revenue_cents']);
  });

  it('needs at least one change', () => {
    expect(() => validate(UpdateEventRequest, { expected_version: 3 })).toThrow(ValidationError);
  });

  it('checks the times as they will be after the change', () => {
    expect(planChanges(stored, { charter_end: '09:00' })).toEqual({
      ok: false,
      fields: [{ path: 'charter_end', message: expect.stringContaining('09:00') as unknown }],
    });
    expect(planChanges(stored, { charter_start: '14:00' })).toMatchObject({
      ok: false,
      fields: [{ path: 'charter_start' }],
    });
    expect(planChanges(stored, { charter_start: '11:00', charter_end: '15:00' })).toEqual({
      ok: true,
      changes: { charter_start: '11:00', charter_end: '15:00' },
    });
  });

  it('redacts new notes again, and null or all-money notes clear them', () => {
    expect(planChanges(stored, { notes: 'Two more guests, they paid $200 extra.' })).toEqual({
      ok: true,
      changes: { notes: 'Two more guests.' },
    });
    expect(planChanges(stored, { notes: null })).toEqual({ ok: true, changes: { notes: null } });
    expect(planChanges(stored, { notes: 'Fee $40' })).toEqual({ ok: true, changes: { notes: null } });
  });

  it('redacts new notes against the amounts the PATCH names, and never stores them', () => {
    const notes = 'Two more guests. Charter is now 1,650 and the captain gets 350.';
    expect(planChanges(stored, { notes, revenue_cents: 165000, captain_fee_cents: 35000 })).toEqual({
      ok: true,
      changes: { notes: 'Two more guests.' },
    });
    // Without the amounts only the vocabulary is known: the stored event has no money to check against.
    expect(planChanges(stored, { notes })).toEqual({ ok: true, changes: { notes } });
  });
});

describe('the version a PATCH expects', () => {
  it('comes from the body first, then If-Match', () => {
    expect(expectedVersion(4, '"3"')).toEqual({ kind: 'given', version: 4 });
    expect(expectedVersion(undefined, '"3"')).toEqual({ kind: 'given', version: 3 });
    expect(expectedVersion(undefined, 'W/"7"')).toEqual({ kind: 'given', version: 7 });
    expect(expectedVersion(undefined, '5')).toEqual({ kind: 'given', version: 5 });
    expect(expectedVersion(undefined, '*')).toEqual({ kind: 'given', version: 'any' });
  });

  it('is missing without either, and refused when If-Match is not an ETag', () => {
    expect(expectedVersion(undefined, undefined)).toEqual({ kind: 'missing' });
    expect(expectedVersion(undefined, 'yesterday')).toMatchObject({ kind: 'malformed' });
  });
});

describe('PUT /crew body', () => {
  it('is a list of crew members with unique ids', () => {
    expect(validate(PutRosterRequest, { crew: ROSTER }).crew).toEqual(ROSTER);
    expect(fieldsOf(PutRosterRequest, { crew: [] })).toEqual(['crew']);
    expect(fieldsOf(PutRosterRequest, { crew: [{ ...ROSTER[0], member_id: 'Rowan Hale' }] })).toEqual([
      'crew.0.member_id',
    ]);
    expect(fieldsOf(PutRosterRequest, { crew: [ROSTER[0], { ...ROSTER[1], member_id: 'rowan-hale' }] })).toEqual([
      'crew.1.member_id',
    ]);
  });
});

describe('the API view of an event', () => {
  it('lists each crew member with their confirmation time or null', () => {
    const view = eventView({
      ...projectBooking(booking(), ROSTER),
      event_id: 'evt_abcdefghij',
      confirmations: { 'isla-moreno': '2027-05-01T10:00:00.000Z' },
      version: 2,
      created_at: 'x',
      updated_at: 'y',
    });
    expect(view.crew.map((m) => m.confirmed_at)).toEqual([null, '2027-05-01T10:00:00.000Z', null]);
    expect(view.version).toBe(2);
  });

  it('sameFields tells a repeated request from a different one', () => {
    const a = projectBooking(booking(), ROSTER);
    expect(sameFields(a, { ...a })).toBe(true);
    expect(sameFields(a, { ...a, guest_count: 7 })).toBe(false);
  });
});
