import { BookingCancelled, CrewConfirmed, CrewDeclined, EventCancelled, EventUpdated } from '@charter/events';
import { validate } from '@charter/shared/http';
import {
  bookingUpdatedDetail,
  cancellationOf,
  crewUpdatedDetail,
  eventCancelledDetail,
  planBookingChange,
} from '../src/domain/booking-change';
import { DeclineReason, crewConfirmedDetail, crewDeclinedDetail } from '../src/domain/crew-answer';
import { planCrewChange, projectCharter } from '../src/domain/crew-event';
import { ROSTER, booking, storedEvent } from './fixtures';

const event = storedEvent({ charter_date: '2027-12-30' });

describe('a later booking revision, on paper', () => {
  it('lists each changed crew-safe field old -> new, and a new date clears the answers', () => {
    const next = projectCharter(booking({ charter_date: '2028-01-05', guest_count: 8, revision: 2 }));
    const change = planBookingChange(event, next);
    expect(change.changes).toEqual([
      { field: 'charter_date', from: '2027-12-30', to: '2028-01-05' },
      { field: 'guest_count', from: 6, to: 8 },
    ]);
    expect(change.clearsAnswers).toBe(true);
  });

  it.each([
    ['charter_start', { charter_start: '09:00' }],
    ['charter_end', { charter_end: '14:00' }],
    ['location', { location: 'Harbor Island West Marina' }],
    ['timezone', { timezone: 'America/Denver' }],
  ])('clears the answers when %s changes (a new plan)', (_field, override) => {
    const change = planBookingChange(event, projectCharter(booking({ charter_date: '2027-12-30', ...override })));
    expect(change.changes).toHaveLength(1);
    expect(change.clearsAnswers).toBe(true);
  });

  it.each([
    ['vessel', { vessel: 'Other Boat' }],
    ['guest_count', { guest_count: 9 }],
  ])('tells a change of %s but keeps the answers', (field, override) => {
    const change = planBookingChange(event, projectCharter(booking({ charter_date: '2027-12-30', ...override })));
    expect(change.changes.map((c) => c.field)).toEqual([field]);
    expect(change.clearsAnswers).toBe(false);
  });

  it('lists nothing when only the notes changed (they are applied, not listed)', () => {
    const next = projectCharter(booking({ charter_date: '2027-12-30', notes: 'Bring ice. Paid $300.' }));
    const change = planBookingChange(event, next);
    expect(change).toEqual({ next, changes: [], clearsAnswers: false });
    expect(next.notes).toBe('Bring ice.');
  });

  it('publishes EventUpdated (cause booking): the strict contract, no notes, no money', () => {
    const next = projectCharter(booking({ charter_date: '2028-01-05', revision: 2 }));
    const change = planBookingChange(event, next);
    const detail = bookingUpdatedDetail({ ...event, ...next, revision: 2, version: 2 }, change);
    expect(EventUpdated.parse(detail)).toEqual(detail);
    expect(detail).toMatchObject({
      cause: 'booking',
      revision: 2,
      version: 2,
      charter_date: '2028-01-05',
      crew_added: [],
      crew_removed: [],
      confirmations_cleared: true,
      crew: ROSTER,
    });
    expect(JSON.stringify(detail)).not.toMatch(/notes|1,450|145000|30000|ann\.lee|555/);
  });
});

describe('a crew-side change (PATCH)', () => {
  it('publishes EventUpdated (cause crew) with the members added and removed', () => {
    const sam = { member_id: 'sam-ray', name: 'Sam Ray', email: 'sam@crew.example.com', role: 'deckhand' };
    const plan = planCrewChange(event, { crew: [ROSTER[0]!, sam] });
    const detail = crewUpdatedDetail({ ...event, crew: plan.changes.crew!, revision: 4, version: 7 }, plan);
    expect(EventUpdated.parse(detail)).toEqual(detail);
    expect(detail).toMatchObject({
      cause: 'crew',
      revision: 4,
      version: 7,
      changes: [],
      crew_added: ['sam-ray'],
      crew_removed: [ROSTER[1], ROSTER[2]],
      confirmations_cleared: false,
      crew: [ROSTER[0], sam],
    });
  });
});

describe('a cancellation', () => {
  const cancelled = (overrides: Partial<BookingCancelled> = {}) =>
    BookingCancelled.parse({
      schema_version: 1,
      booking_id: 'GMB-88213',
      source: 'getmyboat',
      revision: 3,
      cancelled_at: '2027-03-01T16:05:00Z',
      cancelled_by: 'weather',
      reason: 'Small craft advisory for the bay; full refund of $960 issued by GetMyBoat.',
      ...overrides,
    });

  it("scrubs the reason of money and anyone's contact details", () => {
    expect(cancellationOf(cancelled())).toEqual({
      cancelled_at: '2027-03-01T16:05:00Z',
      cancelled_by: 'weather',
      reason: 'Small craft advisory for the bay.',
    });
    const reason = 'Guest (priya@example.com, +1 858 555 0199) cancelled; moved from 2027-03-02 to nothing.';
    expect(cancellationOf(cancelled({ reason })).reason).toBe(
      'Guest ([contact removed], [contact removed]) cancelled; moved from 2027-03-02 to nothing.',
    );
    expect(cancellationOf(cancelled({ reason: 'Refund $960', cancelled_by: undefined }))).toEqual({
      cancelled_at: '2027-03-01T16:05:00Z',
    });
  });

  it('keeps a scrubbed reason within the 500 characters EventCancelled allows', () => {
    const reason = 'a@b.co '.repeat(71);
    expect(reason.length).toBeLessThanOrEqual(500);
    const scrubbed = cancellationOf(cancelled({ reason })).reason!;
    expect(scrubbed.length).toBeLessThanOrEqual(500);
    expect(scrubbed).not.toContain('@');
  });

  it('publishes EventCancelled: the strict contract with the crew to tell', () => {
    const detail = eventCancelledDetail({ ...event, revision: 3, version: 4 }, cancellationOf(cancelled()));
    expect(EventCancelled.parse(detail)).toEqual(detail);
    expect(detail).toMatchObject({
      revision: 3,
      version: 4,
      crew: ROSTER,
      reason: 'Small craft advisory for the bay.',
    });
    expect(JSON.stringify(detail)).not.toMatch(/960|refund/i);
  });
});

describe('crew answers', () => {
  const answered = storedEvent({
    revision: 2,
    version: 3,
    confirmations: { 'isla-moreno': '2027-05-01T10:00:00.000Z' },
    declines: { 'theo-park': { at: '2027-05-01T11:00:00.000Z', reason: 'Sick kid.' } },
  });

  it('CrewConfirmed and CrewDeclined come from what is stored, so a repeat publishes the same detail', () => {
    const confirmed = crewConfirmedDetail(answered, 'isla-moreno')!;
    expect(CrewConfirmed.parse(confirmed)).toEqual(confirmed);
    expect(confirmed).toMatchObject({ member_id: 'isla-moreno', revision: 2, version: 3 });
    expect(crewConfirmedDetail(answered, 'isla-moreno')).toEqual(confirmed);
    const declined = crewDeclinedDetail(answered, 'theo-park')!;
    expect(CrewDeclined.parse(declined)).toEqual(declined);
    expect(declined).toMatchObject({ declined_at: '2027-05-01T11:00:00.000Z', reason: 'Sick kid.' });
    expect(crewConfirmedDetail(answered, 'theo-park')).toBeUndefined();
    expect(crewDeclinedDetail(answered, 'isla-moreno')).toBeUndefined();
  });

  it('takes an optional reason of at most 500 characters, blank as none', () => {
    expect(validate(DeclineReason, '  Sick.  ')).toBe('Sick.');
    expect(validate(DeclineReason, '   ')).toBeUndefined();
    expect(validate(DeclineReason, undefined)).toBeUndefined();
    expect(() => validate(DeclineReason, 'x'.repeat(501))).toThrow(/at most 500/);
  });
});
