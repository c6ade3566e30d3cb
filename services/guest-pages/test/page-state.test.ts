import { charterTimesOf, headMoved, pageDecision, pageFactsOf, type GuestPageItem } from '../src/domain/page-state';
import { sampleBooking } from './support/bookings';

const facts = pageFactsOf(sampleBooking());
const item = (fields: Partial<GuestPageItem>): GuestPageItem => ({
  booking_id: 'xhqgmdh',
  created_at: '2026-11-01T10:00:00.000Z',
  updated_at: '2026-11-02T10:00:00.000Z',
  ...fields,
});

describe('pageFactsOf: what the item keeps of a booking', () => {
  it('keeps what the page shows and only the guest’s first name: no contact details, notes or money', () => {
    expect(facts).toEqual({
      booking_id: 'xhqgmdh',
      guest_first_name: 'Dana',
      guest_count: 4,
      vessel: 'JADA',
      location: 'Shelter Island, San Diego',
      charter_date: '2024-05-30',
      charter_start: '10:00',
      charter_end: '13:00',
      timezone: 'America/Los_Angeles',
    });
  });
});

describe('the page’s free text: the vessel, the location and the greeting never carry money or contacts', () => {
  const guest = { name: 'Dana Whitfield', email: 'dana.whitfield@example.com', phone: '+1 619 555 0142' };

  it('scrubs "$1,450, capt fee $300, guest cell ..." out of the location, against the booking’s own facts', () => {
    const booking = sampleBooking('boatsetter-xhqgmdh', {
      guest,
      location: 'Shelter Island, $1,450, capt fee $300, guest cell 619 555 0142, DANA.WHITFIELD@EXAMPLE.COM',
      vessel: 'JADA (owner nets 1.15k)',
      revenue_cents: 145000,
      captain_fee_cents: 30000,
    });
    expect(pageFactsOf(booking)).toMatchObject({
      location: 'Shelter Island, guest cell [contact removed], [contact removed]',
      vessel: 'JADA',
    });
  });

  it('greets "there" when the partner put a contact detail in the name', () => {
    const booking = sampleBooking('boatsetter-xhqgmdh', { guest: { ...guest, name: 'DANA.WHITFIELD@EXAMPLE.COM' } });
    expect(pageFactsOf(booking).guest_first_name).toBe('there');
  });

  it('scrubs an item stored before the rule on the way out', () => {
    const old = item({ ...facts, location: 'Pier 3, captain fee $300', slug: 's'.repeat(22), lifecycle: 'live' });
    expect(pageDecision(old)).toMatchObject({ kind: 'render', view: { location: 'Pier 3' } });
  });
});

describe('pageDecision: what the stored item asks of the service', () => {
  it('renders a live item’s page at its slug, with its revision', () => {
    expect(
      pageDecision(item({ ...facts, slug: 's'.repeat(22), owner: 'boatsetter', revision: 2, lifecycle: 'live' })),
    ).toEqual({
      kind: 'render',
      slug: 's'.repeat(22),
      revision: 2,
      status: 'live',
      view: { ...facts, status: 'live' },
    });
  });

  it('renders a cancelled item’s page saying when it was cancelled', () => {
    const decision = pageDecision(
      item({
        ...facts,
        slug: 's'.repeat(22),
        revision: 3,
        lifecycle: 'cancelled',
        cancelled_at: '2026-11-02T09:00:00Z',
      }),
    );
    expect(decision).toMatchObject({ kind: 'render', revision: 3, status: 'cancelled' });
    expect(decision.kind === 'render' && decision.view).toEqual({
      ...facts,
      status: 'cancelled',
      cancelled_at: '2026-11-02T09:00:00Z',
    });
  });

  it('leaves a tombstone (cancelled before any live event) without a page', () => {
    const tombstone = item({
      owner: 'boatsetter',
      revision: 3,
      lifecycle: 'cancelled',
      cancelled_at: '2026-11-02T09:00:00Z',
    });
    expect(pageDecision(tombstone)).toEqual({ kind: 'tombstone' });
    expect(charterTimesOf(tombstone)).toBeUndefined();
  });

  it('renders nothing from an item written before v2 (times and slug only)', () => {
    const { charter_date, charter_start, charter_end, timezone } = facts;
    const v1 = item({ slug: 's'.repeat(22), charter_date, charter_start, charter_end, timezone });
    expect(pageDecision(v1)).toEqual({ kind: 'no_facts' });
    expect(charterTimesOf(v1)).toEqual({ charter_date, charter_start, charter_end, timezone });
  });
});

describe('headMoved', () => {
  it.each([
    [{ revision: 2, lifecycle: 'live' }, { revision: 2, lifecycle: 'live' }, false],
    [{ revision: 2, lifecycle: 'live' }, { revision: 3, lifecycle: 'live' }, true],
    // A cancellation may carry the revision already applied (it applies whatever its revision).
    [{ revision: 2, lifecycle: 'live' }, { revision: 2, lifecycle: 'cancelled' }, true],
    [{ revision: 2, lifecycle: 'live' }, undefined, true],
  ] as const)('%j then %j: %s', (rendered, now, moved) => {
    expect(headMoved(rendered, now)).toBe(moved);
  });
});
