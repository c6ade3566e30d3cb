import { EventCreated } from '@charter/events';
import { ValidationError } from '@charter/shared/errors';
import { validate } from '@charter/shared/http';
import { privateFactsOf } from '@charter/shared/redaction';
import {
  CreateEventRequest,
  PutRosterRequest,
  UpdateEventRequest,
  bookingFieldIssues,
  eventCreatedDetail,
  eventIdFor,
  eventView,
  expectedVersion,
  isRepeatedCrewChange,
  planCrewChange,
  projectBooking,
  projectRequest,
  sameFields,
} from '../src/domain/crew-event';
import { PROJECTED_FIELDS, ROSTER, booking, manualEvent, storedEvent } from './fixtures';

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

  it('scrubs the location and the vessel as well as the notes: "$1,450, capt fee $300, guest cell ..."', () => {
    const projected = projectBooking(
      booking({
        location: 'Shelter Island, $1,450, capt fee $300, guest cell 619 555 0100',
        vessel: 'JADA (owner nets 1,150)',
        notes: 'Guest DANA: ANN.LEE@EXAMPLE.COM. Captain gets three hundred. Rev 1.45k. Captain takes 20%. Bring ice.',
      }),
      ROSTER,
    );
    expect(projected).toMatchObject({
      location: 'Shelter Island, guest cell [contact removed]',
      vessel: 'JADA',
      notes: 'Guest DANA: [contact removed]. Bring ice.',
    });
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
    const detail = eventCreatedDetail({
      ...projectBooking(booking(), ROSTER),
      event_id: eventIdFor('xhqgmdh'),
      revision: 2,
      version: 1,
    });
    expect(EventCreated.parse(detail)).toEqual(detail);
    expect(detail).toMatchObject({ revision: 2, version: 1 });
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
  const stored = storedEvent({ confirmations: { 'rowan-hale': '2027-05-01T10:00:00.000Z' }, version: 3 });

  it('accepts the crew, crew notes and an expected version', () => {
    expect(validate(UpdateEventRequest, { crew_notes: 'Bring fenders.', expected_version: 3 })).toEqual({
      crew_notes: 'Bring fenders.',
      expected_version: 3,
    });
    expect(validate(UpdateEventRequest, { crew: [ROSTER[0]] }).crew).toEqual([ROSTER[0]]);
  });

  it("names each of the booking's fields and says to send a BookingUpdated", () => {
    const issues = bookingFieldIssues({ charter_date: '2028-01-05', guest_count: 8, crew_notes: 'x', notes: 'y' });
    expect(issues.map((issue) => issue.path)).toEqual(['charter_date', 'guest_count', 'notes']);
    for (const issue of issues) expect(issue.message).toContain('BookingUpdated');
    expect(issues[2]!.message).toContain('crew_notes');
    for (const field of ['charter_start', 'charter_end', 'timezone', 'vessel', 'location']) {
      expect(bookingFieldIssues({ [field]: 'x' })).toEqual([expect.objectContaining({ path: field })]);
    }
    expect(bookingFieldIssues({ crew: [], crew_notes: null })).toEqual([]);
  });

  it('refuses other fields, naming them', () => {
    expect(() => validate(UpdateEventRequest, { currency: 'USD', crew_notes: 'x' })).toThrow(/currency/);
  });

  it('takes the booking amounts only to redact crew notes: alone they are no change', () => {
    expect(fieldsOf(UpdateEventRequest, { revenue_cents: 1, expected_version: 3 })).toEqual(['(body)']);
    expect(fieldsOf(UpdateEventRequest, { crew_notes: 'x', revenue_cents: -1 })).toEqual(['revenue_cents']);
  });

  it('needs at least one change', () => {
    expect(() => validate(UpdateEventRequest, { expected_version: 3 })).toThrow(ValidationError);
  });

  it('redacts new crew notes, and null or all-money notes clear them', () => {
    expect(planCrewChange(stored, { crew_notes: 'Two more guests, they paid $200 extra.' }).changes).toEqual({
      crew_notes: 'Two more guests.',
    });
    expect(planCrewChange(stored, { crew_notes: null }).changes).toEqual({ crew_notes: null });
    expect(planCrewChange(stored, { crew_notes: 'Fee $40' }).changes).toEqual({ crew_notes: null });
  });

  it('redacts new crew notes against the amounts the PATCH names, and never keeps them', () => {
    const notes = 'Two more guests. Charter is now 1,650 and the owner keeps 1,300.';
    const plan = planCrewChange(stored, { crew_notes: notes, revenue_cents: 165000, captain_fee_cents: 35000 });
    expect(plan.changes).toEqual({ crew_notes: 'Two more guests.' });
    // Without any amounts only the vocabulary is known: "the owner keeps 1,300" is someone getting a number.
    expect(planCrewChange(stored, { crew_notes: notes }).changes).toEqual({
      crew_notes: 'Two more guests. Charter is now 1,650.',
    });
  });

  it("redacts new crew notes against the booking's own private facts kept with the event", () => {
    const known = privateFactsOf(booking());
    const notes =
      'Charter was fourteen hundred fifty. Rev 1.45k. Captain takes 20%. Ann: ANN.LEE@EXAMPLE.COM. Two more guests.';
    expect(planCrewChange(stored, { crew_notes: notes }, known).changes).toEqual({
      crew_notes: 'Ann: [contact removed]. Two more guests.',
    });
  });

  it('lists the members added (ids) and removed (whole), and copies the crew', () => {
    const sam = { member_id: 'sam-ray', name: 'Sam Ray', email: 'sam@crew.example.com', role: 'deckhand' };
    const plan = planCrewChange(stored, { crew: [ROSTER[0]!, sam, ROSTER[1]!] });
    expect(plan.added).toEqual(['sam-ray']);
    expect(plan.removed).toEqual([ROSTER[2]]);
    expect(plan.changes.crew).toEqual([ROSTER[0], sam, ROSTER[1]]);
    expect(plan.changes.crew![0]).not.toBe(ROSTER[0]);
    expect(planCrewChange(stored, { crew_notes: 'x' })).toMatchObject({ added: [], removed: [] });
  });

  it('knows the retry of the change that made the current version from a stale edit', () => {
    const crew = [ROSTER[0]!, ROSTER[1]!];
    const plan = planCrewChange(storedEvent(), { crew });
    const detail = {} as never;
    const after = storedEvent({ crew, version: 4, crew_change: { based_on: 3, detail } });
    expect(isRepeatedCrewChange(after, 3, plan)).toBe(true);
    expect(isRepeatedCrewChange(after, 2, plan)).toBe(false);
    expect(isRepeatedCrewChange({ ...after, version: 5 }, 3, plan)).toBe(false);
    expect(isRepeatedCrewChange(after, 3, planCrewChange(storedEvent(), { crew: [ROSTER[0]!] }))).toBe(false);
    expect(isRepeatedCrewChange(after, 3, planCrewChange(storedEvent(), { crew_notes: 'x' }))).toBe(false);
    expect(isRepeatedCrewChange(storedEvent({ version: 4 }), 3, plan)).toBe(false);
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
  it("lists each crew member's answer in crew order, and the status and revision", () => {
    const view = eventView(
      storedEvent({
        confirmations: { 'isla-moreno': '2027-05-01T10:00:00.000Z' },
        declines: { 'theo-park': { at: '2027-05-01T11:00:00.000Z', reason: 'Sick.' } },
        version: 2,
        revision: 3,
      }),
    );
    expect(view.crew.map((m) => m.confirmed_at)).toEqual([null, '2027-05-01T10:00:00.000Z', null]);
    expect(view.crew.map((m) => m.declined_at)).toEqual([null, null, '2027-05-01T11:00:00.000Z']);
    expect(view.crew[2]).toMatchObject({ decline_reason: 'Sick.' });
    expect(view).toMatchObject({ status: 'live', revision: 3, version: 2 });
    expect(view).not.toHaveProperty('cancellation');
    expect(view).not.toHaveProperty('booking_event');
    expect(view).not.toHaveProperty('owner');
  });

  it('shows a cancellation', () => {
    const cancellation = { cancelled_at: '2027-03-01T16:05:00Z', cancelled_by: 'weather' as const };
    expect(eventView(storedEvent({ lifecycle: 'cancelled', cancellation }))).toMatchObject({
      status: 'cancelled',
      cancellation,
    });
  });

  it('sameFields tells a repeated request from a different one', () => {
    const a = projectBooking(booking(), ROSTER);
    expect(sameFields(a, { ...a })).toBe(true);
    expect(sameFields(a, { ...a, guest_count: 7 })).toBe(false);
  });
});
