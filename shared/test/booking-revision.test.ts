import { BookingCreated, BookingUpdated } from '@charter/events';
import {
  admits,
  bookingEventRef,
  CONTENT_HASH_VERSION,
  contentHashOf,
  contentHashVersion,
  refusalOf,
  type BookingEventRef,
  type RevisionHead,
} from '../src/booking-revision';
import { InvalidEventError } from '../src/errors';

describe('refusalOf: why a guarded write was refused', () => {
  const ref = (revision: number, cancels = false, owner = 'boatsetter'): BookingEventRef => ({
    owner,
    revision,
    cancels,
  });
  it.each<[string, RevisionHead | undefined, BookingEventRef, string]>([
    ['another owner', { owner: 'getmyboat', revision: 1, lifecycle: 'live' }, ref(2), 'not_owner'],
    [
      'another owner, even after a cancellation',
      { owner: 'getmyboat', lifecycle: 'cancelled' },
      ref(2, true),
      'not_owner',
    ],
    ['the same revision', { owner: 'boatsetter', revision: 2, lifecycle: 'live' }, ref(2), 'redelivery'],
    [
      'the same revision with the same content',
      { owner: 'boatsetter', revision: 2, lifecycle: 'live', content_hash: 'a' },
      { ...ref(2), content: 'a' },
      'redelivery',
    ],
    [
      'the same revision with other content',
      { owner: 'boatsetter', revision: 2, lifecycle: 'live', content_hash: 'a' },
      { ...ref(2), content: 'b' },
      'revision_conflict',
    ],
    [
      'the same revision on a head kept before content was',
      { owner: 'boatsetter', revision: 2, lifecycle: 'live' },
      { ...ref(2), content: 'b' },
      'redelivery',
    ],
    [
      'the same revision hashed by another version of contentHashOf (cannot tell)',
      { owner: 'boatsetter', revision: 2, lifecycle: 'live', content_hash: 'a' },
      { ...ref(2), content: 'v2:b' },
      'redelivery',
    ],
    [
      'the same revision with other content, both hashed by version 2',
      { owner: 'boatsetter', revision: 2, lifecycle: 'live', content_hash: 'v2:a' },
      { ...ref(2), content: 'v2:b' },
      'revision_conflict',
    ],
    ['an older revision', { owner: 'boatsetter', revision: 3, lifecycle: 'live' }, ref(2), 'stale'],
    [
      'anything after a cancellation',
      { owner: 'boatsetter', revision: 2, lifecycle: 'cancelled' },
      ref(3),
      'cancelled',
    ],
    ['the same cancellation', { owner: 'boatsetter', revision: 3, lifecycle: 'cancelled' }, ref(3, true), 'redelivery'],
    ['another cancellation', { owner: 'boatsetter', revision: 3, lifecycle: 'cancelled' }, ref(4, true), 'cancelled'],
  ])('%s', (_name, head, event, kind) => {
    expect(refusalOf(head, event).kind).toBe(kind);
  });
});

describe('admits: the guard said of an item already read', () => {
  const ref = (revision: number, cancels = false, owner = 'boatsetter'): BookingEventRef => ({
    owner,
    revision,
    cancels,
  });
  it.each<[string, RevisionHead | undefined, BookingEventRef, boolean]>([
    ['no item yet', undefined, ref(1), true],
    ['no item yet, a cancellation (the tombstone)', undefined, ref(3, true), true],
    ['an item without owner or revision (written before revisions)', {}, ref(1), true],
    ['a newer revision', { owner: 'boatsetter', revision: 1, lifecycle: 'live' }, ref(2), true],
    ['a cancellation older than the head', { owner: 'boatsetter', revision: 4, lifecycle: 'live' }, ref(3, true), true],
    ['the same revision', { owner: 'boatsetter', revision: 2, lifecycle: 'live' }, ref(2), false],
    ['an older revision', { owner: 'boatsetter', revision: 3, lifecycle: 'live' }, ref(2), false],
    ['another owner', { owner: 'getmyboat', revision: 1, lifecycle: 'live' }, ref(2), false],
    ['anything after a cancellation', { owner: 'boatsetter', revision: 2, lifecycle: 'cancelled' }, ref(5), false],
    [
      'a cancellation after a cancellation',
      { owner: 'boatsetter', revision: 2, lifecycle: 'cancelled' },
      ref(5, true),
      false,
    ],
  ])('%s', (_name, head, event, expected) => {
    expect(admits(head, event)).toBe(expected);
  });
});

describe('bookingEventRef', () => {
  const detail = { booking_id: 'xhqgmdh', source: 'boatsetter', revision: 2 };
  it('takes the owner from the bus source, and the content hash of a booking (not of a cancellation)', () => {
    expect(bookingEventRef({ source: 'partner.boatsetter' }, detail, false)).toEqual({
      owner: 'boatsetter',
      revision: 2,
      cancels: false,
      content: contentHashOf(detail),
    });
    expect(bookingEventRef({ source: 'partner.boatsetter' }, detail, true)).toEqual({
      owner: 'boatsetter',
      revision: 2,
      cancels: true,
    });
  });
  it('hashes the content whatever its key order, and tells any other content apart', () => {
    const reordered = { revision: 2, source: 'boatsetter', booking_id: 'xhqgmdh' };
    expect(contentHashOf(reordered)).toBe(contentHashOf(detail));
    expect(contentHashOf({ ...detail, guest_count: 4 })).not.toBe(contentHashOf({ ...detail, guest_count: 5 }));
  });
  it.each(['partner.getmyboat', 'charter.scc'])('refuses a detail whose source is not the publisher (%s)', (source) => {
    expect(() => bookingEventRef({ source }, detail, true)).toThrow(InvalidEventError);
  });
});

describe('the content hash across releases', () => {
  /** A booking with only what a partner must send: every default is validation's. */
  const minimal = {
    schema_version: 1,
    booking_id: 'hash-guard',
    source: 'direct',
    charter_date: '2027-06-01',
    charter_start: '10:00',
    charter_end: '13:00',
    guest_count: 2,
    guest: { name: 'A Guest' },
    vessel: 'JADA',
    location: 'Shelter Island',
  };
  /**
   * Every optional field, with values a normalisation would change (spaces, case): a trim, a case change, a removed
   * field or a new default in BookingCreated or BookingUpdated changes one of the two hashes.
   */
  const maximal = {
    ...minimal,
    booking_id: 'hash-guard-max',
    timezone: 'America/Los_Angeles',
    guest: { name: '  Dana  Whitfield ', email: 'Dana.Whitfield@Example.com', phone: ' +1 619 555 0142 ' },
    vessel: 'Sea Breeze ',
    location: ' Shelter Island, San Diego',
    revenue_cents: 145000,
    captain_fee_cents: 30000,
    currency: 'USD',
    notes: '  Birthday cruise.\nCake on board.  ',
    revision: 3,
  };

  it('writes version 1 bare (what every stored head holds) and a later version with its prefix', () => {
    expect(contentHashOf(minimal, 1)).toMatch(/^[\w-]{43}$/);
    expect(contentHashVersion(contentHashOf(minimal, 1))).toBe(1);
    expect(contentHashOf(minimal, 2)).toBe(`v2:${contentHashOf(minimal, 1)}`);
    expect(contentHashVersion(contentHashOf(minimal, 2))).toBe(2);
    for (const version of [0, 1.5, NaN]) expect(() => contentHashOf(minimal, version)).toThrow(RangeError);
  });

  it('is pinned for two partner inputs: bump CONTENT_HASH_VERSION when validation makes something else of them', () => {
    // If this fails, what validation makes of a booking changed: every booking applied before the release would be a
    // revision_conflict when redriven. Bump CONTENT_HASH_VERSION (shared/src/booking-revision.ts) and pin the new
    // hashes under the new version.
    const pinned: Record<number, { minimal: string; maximal: string }> = {
      1: {
        minimal: 'XPQjyNPI88ll8hocL1JOmNeRj5DSow0iExLwkOnTP0E',
        maximal: 'cIcSEWjHryUpFI5vnpV2bNk5qfiJypnSyraEX4t-9yk',
      },
    };
    const created = {
      minimal: contentHashOf(BookingCreated.parse(minimal)),
      maximal: contentHashOf(BookingCreated.parse(maximal)),
    };
    expect({ version: CONTENT_HASH_VERSION, ...created }).toEqual({
      version: CONTENT_HASH_VERSION,
      ...pinned[CONTENT_HASH_VERSION],
    });
    // BookingUpdated carries the whole booking too (its revision is required): the same content hashes the same.
    expect({
      minimal: contentHashOf(BookingUpdated.parse({ ...minimal, revision: 1 })),
      maximal: contentHashOf(BookingUpdated.parse(maximal)),
    }).toEqual(pinned[CONTENT_HASH_VERSION]);
  });
});
