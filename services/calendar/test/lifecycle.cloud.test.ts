import type { BookingCreatedInput } from '@charter/events';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { probeBucket, publishedWhile } from './publish-probe';
import {
  bodyOf,
  booking,
  bookingCancelledEvent,
  bookingCreatedEvent,
  bookingUpdatedEvent,
  calendarUpdates,
  cancellation,
  deadLetters,
  fetchThroughCloudFront,
  httpEvent,
  invalidatedPaths,
  lambdaContext,
  readCalendarObject,
  withClockAhead,
  type ListedBody,
  type RefusedBody,
  type SavedBody,
} from './support';

// CalendarUpdated must only go out once the JSON shows its revision; the probe reads the bucket at each publish.
jest.mock('@charter/shared/publisher', () =>
  jest.requireActual<typeof import('./publish-probe')>('./publish-probe').probingPublisher(),
);

/**
 * The booking lifecycle in the calendar (ARCHITECTURE.md, "The booking lifecycle (v2)"): a change moves the entry, a
 * cancellation takes it out of the calendar, a late or repeated event never undoes a newer one, the arrival order does
 * not matter, and another partner's event changes nothing and is dead-lettered as `not_owner`.
 */
let cloud: LocalCloud;
let env: Record<string, string>;
let token: string;
let onBookingEvent: typeof import('../src/handlers/on-booking-event').handler;
let createEntry: typeof import('../src/handlers/create-entry').handler;
let listEntries: typeof import('../src/handlers/list-entries').handler;
let sweep: typeof import('../src/handlers/sweep-invalidations').handler;
let heads: typeof import('../src/store/heads');

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: false });
  env = cloud.functionEnv('calendar', 'createEntry');
  Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: 'SILENT' });
  probeBucket(env.CALENDAR_BUCKET!);
  token = cloud.secrets['charter/local/dashboard-token']!;
  onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
  createEntry = (await import('../src/handlers/create-entry')).handler;
  listEntries = (await import('../src/handlers/list-entries')).handler;
  sweep = (await import('../src/handlers/sweep-invalidations')).handler;
  heads = await import('../src/store/heads');
});

afterAll(async () => {
  await cloud?.stop();
});

/** The booking as its partner first sends it (revision 1, 2027-12-30) and then moves it into 2028 (revision 2). */
const created = (booking_id: string, source = 'boatsetter'): BookingCreatedInput =>
  booking({ booking_id, source, charter_date: '2027-12-30', charter_start: '10:00', charter_end: '13:00' });
const moved = (booking_id: string, source = 'boatsetter') => ({
  ...booking({ booking_id, source, charter_date: '2028-01-05', charter_start: '14:00', charter_end: '17:30' }),
  guest_count: 6,
  revision: 2,
});

const deliver = {
  created: (id: string, source?: string) => onBookingEvent(bookingCreatedEvent(created(id, source)), lambdaContext()),
  moved: (id: string, source?: string) => onBookingEvent(bookingUpdatedEvent(moved(id, source)), lambdaContext()),
  cancelled: (id: string, source?: string) =>
    onBookingEvent(bookingCancelledEvent(cancellation(id, 3, source)), lambdaContext()),
};

const jsonOf = async (year: number) => (await readCalendarObject(env.CALENDAR_BUCKET!, year))!;
const shownIn = async (year: number, bookingId: string) =>
  (await readCalendarObject(env.CALENDAR_BUCKET!, year))?.calendar.entries.filter((e) => e.booking_id === bookingId) ??
  [];
const listed = async (year: number, bookingId: string) =>
  bodyOf<ListedBody>(
    await listEntries(
      httpEvent('GET', '/calendar/entries', { headers: { 'x-dashboard-token': token }, query: { year: String(year) } }),
      lambdaContext(),
    ),
  ).entries.filter((e) => e.booking_id === bookingId);
const updatesOf = (bookingId: string) =>
  calendarUpdates(cloud)
    .map((e) => e.detail)
    .filter((d) => d.booking_id === bookingId);
const invalidationsOf = async (year: number) =>
  (await invalidatedPaths(env.CALENDAR_DISTRIBUTION_ID!)).filter((p) => p === `/calendar/${year}.json`).length;
const post = (body: unknown) =>
  createEntry(
    httpEvent('POST', '/calendar/entries', { body, headers: { 'x-dashboard-token': token } }),
    lambdaContext(),
  );

describe('a reschedule from 2027-12-30 to 2028-01-05, then a cancellation', () => {
  const id = 'life-move';

  it('moves the entry: out of 2027.json, once in 2028.json, both invalidated, announced at revision 2', async () => {
    await deliver.created(id);
    expect(await shownIn(2027, id)).toHaveLength(1);
    const before = { 2027: await invalidationsOf(2027), 2028: await invalidationsOf(2028) };

    await deliver.moved(id);
    expect(await shownIn(2027, id)).toEqual([]);
    expect(await shownIn(2028, id)).toEqual([
      { booking_id: id, date: '2028-01-05', start: '14:00', end: '17:30', guest_count: 6, status: 'booked' },
    ]);
    expect(await listed(2027, id)).toEqual([]);
    expect(await listed(2028, id)).toEqual([expect.objectContaining({ charter_date: '2028-01-05', revision: 2 })]);

    expect(updatesOf(id)).toEqual([
      expect.objectContaining({ revision: 1, status: 'booked', year: 2027 }),
      {
        schema_version: 1,
        booking_id: id,
        revision: 2,
        status: 'booked',
        year: 2028,
        calendar_url: `${env.CALENDAR_SITE_URL}/calendar/2028.json`,
      },
    ]);
    // Announced only once the JSON showed the new date.
    expect(publishedWhile.filter((p) => p.booking_id === id && p.revision === 2)).toEqual([
      expect.objectContaining({
        year: 2028,
        inBucket: true,
        shown: expect.objectContaining({ date: '2028-01-05' }) as unknown,
      }),
    ]);

    // 2028's first change is invalidated at once; 2027 changed inside its window, so the sweep invalidates it.
    expect(await invalidationsOf(2028)).toBe(before[2028] + 1);
    await withClockAhead(Number(env.INVALIDATION_WINDOW_SECONDS) * 1000, () => sweep({}, lambdaContext()));
    expect(await invalidationsOf(2027)).toBe(before[2027] + 1);
    const edge2027 = await fetchThroughCloudFront(env.CALENDAR_SITE_URL!, 2027);
    const edge2028 = await fetchThroughCloudFront(env.CALENDAR_SITE_URL!, 2028);
    expect(edge2027.calendar.entries.map((e) => e.booking_id)).not.toContain(id);
    expect(edge2028.calendar.entries.filter((e) => e.booking_id === id)).toHaveLength(1);
  });

  it('takes a cancelled booking out of the calendar and announces CalendarUpdated with status cancelled', async () => {
    await deliver.cancelled(id);

    expect(await shownIn(2028, id)).toEqual([]);
    expect(await listed(2028, id)).toEqual([]);
    expect(updatesOf(id).at(-1)).toEqual({
      schema_version: 1,
      booking_id: id,
      revision: 3,
      status: 'cancelled',
      year: 2028,
      calendar_url: `${env.CALENDAR_SITE_URL}/calendar/2028.json`,
    });
    // Announced only once the JSON no longer listed it.
    expect(publishedWhile.filter((p) => p.booking_id === id && p.status === 'cancelled')).toEqual([
      expect.objectContaining({ year: 2028, revision: 3, inBucket: false }),
    ]);
    expect(await heads.readHead(id)).toMatchObject({ lifecycle: 'cancelled', status: 'cancelled', revision: 3 });
  });

  it('changes nothing when BookingCreated (rev 1) or BookingUpdated (rev 2) is redelivered after it', async () => {
    const json = { 2027: (await jsonOf(2027)).body, 2028: (await jsonOf(2028)).body };
    const head = await heads.readHead(id);
    const announced = updatesOf(id).length;
    const invalidations = { 2027: await invalidationsOf(2027), 2028: await invalidationsOf(2028) };

    await deliver.created(id);
    await deliver.moved(id);

    expect(await heads.readHead(id)).toEqual(head);
    expect({ 2027: (await jsonOf(2027)).body, 2028: (await jsonOf(2028)).body }).toEqual(json);
    expect(updatesOf(id)).toHaveLength(announced);
    expect({ 2027: await invalidationsOf(2027), 2028: await invalidationsOf(2028) }).toEqual(invalidations);
  });

  it('re-announces the same cancellation when it is redelivered, and changes nothing else', async () => {
    const json = (await jsonOf(2028)).body;
    const last = updatesOf(id).at(-1);
    await deliver.cancelled(id);
    expect(updatesOf(id).at(-1)).toEqual(last);
    expect(updatesOf(id).filter((d) => d.status === 'cancelled')).toHaveLength(2);
    expect((await jsonOf(2028)).body).toBe(json);
  });
});

describe('arrival order', () => {
  /** What the calendar ends with for a booking: its head's standing, what the public and internal calendars show. */
  async function stateOf(bookingId: string, withSchedule: boolean) {
    const head = await heads.readHead(bookingId);
    const strip = <T extends { booking_id: string }>({ booking_id: _id, ...rest }: T) => rest;
    const internal = async (year: number) =>
      (await listed(year, bookingId)).map(({ created_at: _c, updated_at: _u, ...e }) => strip(e));
    return {
      head: {
        owner: head?.owner,
        revision: head?.revision,
        lifecycle: head?.lifecycle,
        status: head?.status,
        ...(withSchedule ? { date: head?.charter_date, start: head?.charter_start } : {}),
      },
      shown: { 2027: (await shownIn(2027, bookingId)).map(strip), 2028: (await shownIn(2028, bookingId)).map(strip) },
      listed: { 2027: await internal(2027), 2028: await internal(2028) },
    };
  }
  const thrice = (delivery: () => Promise<void>) => Promise.all([delivery(), delivery(), delivery()]);

  it('ends a created, moved and cancelled booking the same when the cancellation comes first', async () => {
    for (const step of [deliver.created, deliver.moved, deliver.cancelled]) await step('order-in-1');
    // Each event three times at once, the cancellation first, then the change, then the creation.
    for (const step of [deliver.cancelled, deliver.moved, deliver.created]) await thrice(() => step('order-rev-1'));

    const inOrder = await stateOf('order-in-1', false);
    expect(inOrder).toEqual({
      head: { owner: 'boatsetter', revision: 3, lifecycle: 'cancelled', status: 'cancelled' },
      shown: { 2027: [], 2028: [] },
      listed: { 2027: [], 2028: [] },
    });
    expect(await stateOf('order-rev-1', false)).toEqual(inOrder);
    // The cancellation left a tombstone: the change and the creation after it did nothing, and nobody was told.
    expect(updatesOf('order-rev-1')).toEqual([]);
  });

  it('ends a created and moved booking the same when the change comes before the creation', async () => {
    for (const step of [deliver.created, deliver.moved]) await step('order-in-2');
    for (const step of [deliver.moved, deliver.created]) await thrice(() => step('order-rev-2'));

    const inOrder = await stateOf('order-in-2', true);
    expect(inOrder.shown).toEqual({
      2027: [],
      2028: [{ date: '2028-01-05', start: '14:00', end: '17:30', guest_count: 6, status: 'booked' }],
    });
    expect(await stateOf('order-rev-2', true)).toEqual(inOrder);
    // The late creation was stale: only revision 2 was announced, each time once the JSON showed it.
    expect(updatesOf('order-rev-2').map((d) => [d.revision, d.year])).toEqual([
      [2, 2028],
      [2, 2028],
      [2, 2028],
    ]);
    expect(publishedWhile.filter((p) => p.booking_id === 'order-rev-2').every((p) => p.shown?.start === '14:00')).toBe(
      true,
    );
  });

  it.each([
    ['created, moved and cancelled', ['created', 'moved', 'cancelled'] as const, 'cancelled'],
    ['created and moved', ['created', 'moved'] as const, 'booked'],
  ])('ends a %s booking the same when all its deliveries race, newest first', async (_name, steps, status) => {
    const inOrder = `race-in-${steps.length}`;
    const raced = `race-all-${steps.length}`;
    for (const step of steps) await deliver[step](inOrder);
    await Promise.all([...steps].reverse().flatMap((step) => [1, 2, 3].map(() => deliver[step](raced))));

    const withSchedule = status === 'booked';
    expect(await stateOf(raced, withSchedule)).toEqual(await stateOf(inOrder, withSchedule));
    expect((await stateOf(raced, false)).head.status).toBe(status);
  });
});

describe('ownership', () => {
  it("changes nothing for another partner's change or cancellation; both dead-lettered not_owner", async () => {
    const id = 'life-owned';
    await deliver.created(id, 'boatsetter');
    const head = await heads.readHead(id);
    const json = (await jsonOf(2027)).body;

    await deliver.moved(id, 'getmyboat');
    await deliver.cancelled(id, 'getmyboat');

    expect(await heads.readHead(id)).toEqual(head);
    expect((await jsonOf(2027)).body).toBe(json);
    expect(await shownIn(2027, id)).toHaveLength(1);
    expect(updatesOf(id)).toHaveLength(1);
    const refused = (await deadLetters(env.DLQ_URL!)).filter((r) => r.requestPayload.detail.booking_id === id);
    expect(
      refused.map((r) => [r.requestPayload['detail-type'], r.requestPayload.source, r.responsePayload.errorType]),
    ).toEqual([
      ['BookingUpdated', 'partner.getmyboat', 'NotOwnerError'],
      ['BookingCancelled', 'partner.getmyboat', 'NotOwnerError'],
    ]);
    for (const record of refused) expect(record.responsePayload.errorMessage).toMatch(/^not_owner: .*boatsetter/);
  });

  it('dead-letters an event whose detail names a partner other than the one that published it', async () => {
    const id = 'life-spoofed';
    await onBookingEvent(bookingUpdatedEvent({ ...moved(id, 'boatsetter') }, 'getmyboat'), lambdaContext());
    expect(await heads.readHead(id)).toBeUndefined();
    const [record] = (await deadLetters(env.DLQ_URL!)).filter((r) => r.requestPayload.detail.booking_id === id);
    expect(record?.responsePayload).toMatchObject({ errorType: 'InvalidEventError' });
    expect(record?.responsePayload.errorMessage).toContain('source');
  });
});

describe("the operator's POST /calendar/entries", () => {
  const correction = (id: string, changes: Record<string, unknown> = {}) => ({
    booking_id: id,
    charter_date: '2027-12-30',
    charter_start: '11:00',
    charter_end: '13:30',
    guest_count: 4,
    source: 'boatsetter',
    status: 'tentative',
    ...changes,
  });

  it("keeps the operator's correction through a redelivered booking, until the partner's next revision", async () => {
    const id = 'life-corrected';
    await deliver.created(id);
    const saved = await post(correction(id));
    expect(saved.statusCode).toBe(200);
    expect(bodyOf<SavedBody>(saved).entry).toMatchObject({ charter_start: '11:00', status: 'tentative', revision: 1 });

    // The redelivered BookingCreated repeats its effects from the head, which holds the correction.
    await deliver.created(id);
    expect(await shownIn(2027, id)).toEqual([expect.objectContaining({ start: '11:00', status: 'tentative' })]);
    expect(updatesOf(id).at(-1)).toMatchObject({ revision: 1, status: 'tentative', year: 2027 });

    // The partner's revision 2 is a new plan: it moves the charter; the operator's status stays.
    await deliver.moved(id);
    expect(await shownIn(2027, id)).toEqual([]);
    expect(await shownIn(2028, id)).toEqual([
      expect.objectContaining({ date: '2028-01-05', start: '14:00', status: 'tentative' }),
    ]);
    expect(updatesOf(id).at(-1)).toMatchObject({ revision: 2, status: 'tentative', year: 2028 });
  });

  it('refuses with 409 not_owner a correction naming another partner, and changes nothing', async () => {
    const id = 'life-not-yours';
    await deliver.created(id);
    const response = await post(correction(id, { source: 'getmyboat' }));
    expect(response.statusCode).toBe(409);
    expect(bodyOf<RefusedBody>(response)).toMatchObject({ error: 'not_owner' });
    expect(bodyOf<RefusedBody>(response).message).toContain('boatsetter');
    expect(await shownIn(2027, id)).toEqual([expect.objectContaining({ start: '10:00', status: 'booked' })]);
  });

  it('refuses with 409 cancelled a correction of a booking its partner cancelled', async () => {
    const id = 'life-too-late';
    await deliver.created(id);
    await deliver.cancelled(id);
    const response = await post(correction(id));
    expect(response.statusCode).toBe(409);
    expect(bodyOf<RefusedBody>(response).error).toBe('cancelled');
    expect(await listed(2027, id)).toEqual([]);
  });

  it("makes the body's source the owner of a booking it creates", async () => {
    const id = 'life-direct';
    const response = await post(correction(id, { source: 'direct', status: 'booked' }));
    expect(response.statusCode).toBe(201);
    expect(updatesOf(id)).toEqual([expect.objectContaining({ revision: 1, status: 'booked', year: 2027 })]);

    await deliver.created(id, 'boatsetter');
    expect(await shownIn(2027, id)).toEqual([expect.objectContaining({ start: '11:00' })]);
    const [record] = (await deadLetters(env.DLQ_URL!)).filter((r) => r.requestPayload.detail.booking_id === id);
    expect(record?.responsePayload.errorMessage).toMatch(/^not_owner: booking life-direct belongs to direct/);
  });
});
