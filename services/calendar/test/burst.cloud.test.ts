import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { maxInvalidationsForBurst } from '../src/domain/invalidation';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { probeBucket, publishedWhile } from './publish-probe';
import {
  booking,
  bookingCancelledEvent,
  bookingCreatedEvent,
  bookingUpdatedEvent,
  calendarUpdates,
  cancellation,
  fetchThroughCloudFront,
  invalidatedPaths,
  lambdaContext,
  readCalendarObject,
  withClockAhead,
  withConcurrency,
} from './support';

jest.mock('@charter/shared/publisher', () =>
  jest.requireActual<typeof import('./publish-probe')>('./publish-probe').probingPublisher(),
);

/**
 * 200 bookings for one year arrive at once (EventBridge fans them out to as many concurrent
 * invocations). None may be lost from calendar/<year>.json, each is announced only once the
 * JSON holds it, and CloudFront sees a handful of invalidations, not 200.
 */
const YEAR = 2029;
const BOOKINGS = 200;
/** Concurrent invocations in flight, as Lambda would run them. */
const CONCURRENCY = 25;

let cloud: LocalCloud;
let env: Record<string, string>;
let onBookingEvent: typeof import('../src/handlers/on-booking-event').handler;
let sweep: typeof import('../src/handlers/sweep-invalidations').handler;

const bookings = Array.from({ length: BOOKINGS }, (_, i) => {
  const day = new Date(Date.UTC(YEAR, 0, 1 + (i % 120)));
  return booking({
    booking_id: `burst-${String(i).padStart(3, '0')}`,
    charter_date: day.toISOString().slice(0, 10),
    charter_start: i % 2 === 0 ? '09:00' : '14:30',
    charter_end: i % 2 === 0 ? '12:00' : '17:30',
    guest_count: 1 + (i % 12),
    guest: { name: `Guest Number${i}`, email: `guest${i}@example.com` },
  });
});
const deliver = (detail: ReturnType<typeof booking>) => onBookingEvent(bookingCreatedEvent(detail), lambdaContext());
const invalidationsOfYear = async (year = YEAR) =>
  (await invalidatedPaths(env.CALENDAR_DISTRIBUTION_ID!)).filter((p) => p === `/calendar/${year}.json`).length;

/** The year's record: how many times the JSON was actually written (put_seq) and built (version). */
async function yearRecord(year = YEAR) {
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: env.CALENDAR_TABLE!, Key: { pk: 'CALENDAR', sk: `YEAR#${year}` } }),
    );
    return Item as { put_seq: number; version: number; built_version: number };
  } finally {
    dynamo.destroy();
  }
}

/**
 * Runs the scheduled sweep as it would run once the coalescing window has passed (`windows` of them: a test after one
 * that swept with the clock ahead must go further still, since that sweep's invalidation is dated then).
 */
const sweepAfterWindow = (windows = 1) =>
  withClockAhead(windows * Number(env.INVALIDATION_WINDOW_SECONDS) * 1000, () => sweep({}, lambdaContext()));

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: false });
  env = cloud.functionEnv('calendar', 'onBookingEvent');
  Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: 'WARN' });
  probeBucket(env.CALENDAR_BUCKET!);
  onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
  sweep = (await import('../src/handlers/sweep-invalidations')).handler;
});

afterAll(async () => {
  await cloud?.stop();
});

it(`keeps all ${BOOKINGS} bookings of a burst into one year in the JSON, invalidating far fewer times`, async () => {
  const started = Date.now();
  await withConcurrency(
    CONCURRENCY,
    bookings.map((detail) => () => deliver(detail)),
  );
  const burstMs = Date.now() - started;

  const file = await readCalendarObject(env.CALENDAR_BUCKET!, YEAR);
  const ids = file!.calendar.entries.map((e) => e.booking_id);
  expect(ids).toHaveLength(BOOKINGS);
  expect(new Set(ids)).toEqual(new Set(bookings.map((b) => b.booking_id)));
  const order = file!.calendar.entries.map((e) => `${e.date}T${e.start} ${e.booking_id}`);
  expect(order).toEqual([...order].sort());
  expect(file!.body).not.toMatch(/Guest Number|@example\.com/);

  // Every booking was announced, each while the JSON in the bucket already held it.
  const announced = publishedWhile.filter((p) => p.year === YEAR);
  expect(announced).toHaveLength(BOOKINGS);
  expect(announced.filter((p) => !p.inBucket)).toEqual([]);
  expect(new Set(calendarUpdates(cloud).map((e) => e.detail.booking_id))).toEqual(new Set(ids));

  const record = await yearRecord();
  expect(record.built_version).toBe(record.version);
  const duringBurst = await invalidationsOfYear();
  const report = await sweepAfterWindow();
  const total = await invalidationsOfYear();
  const windowMs = Number(env.INVALIDATION_WINDOW_SECONDS) * 1000;
  const bound = maxInvalidationsForBurst(burstMs, windowMs);
  console.log(
    `${BOOKINGS} concurrent BookingCreated into ${YEAR} (concurrency ${CONCURRENCY}, ${burstMs} ms): ` +
      `the JSON was written ${record.put_seq} times for ${record.version} changes; ` +
      `${duringBurst} invalidation(s) of /calendar/${YEAR}.json during the burst, ` +
      `${total} in all after the trailing sweep ` +
      `(window ${env.INVALIDATION_WINDOW_SECONDS} s; bound 2 + floor(burst / window) = ${bound})`,
  );
  expect(report.years.find((y) => y.year === YEAR)?.step).toBe(duringBurst === total ? 'clean' : 'claim');
  expect(total).toBeGreaterThanOrEqual(1);
  expect(total).toBeLessThanOrEqual(5);
  expect(total).toBeLessThanOrEqual(bound);

  // After the trailing invalidation the edge serves every booking.
  const served = await fetchThroughCloudFront(env.CALENDAR_SITE_URL!, YEAR);
  expect(served.calendar.entries).toHaveLength(BOOKINGS);
});

it('changes nothing when the whole burst is delivered again: same JSON, no new invalidation', async () => {
  const before = await readCalendarObject(env.CALENDAR_BUCKET!, YEAR);
  const invalidationsBefore = await invalidationsOfYear();

  await withConcurrency(
    CONCURRENCY,
    bookings.map((detail) => () => deliver(detail)),
  );
  await sweepAfterWindow();

  const after = await readCalendarObject(env.CALENDAR_BUCKET!, YEAR);
  expect(after!.calendar.entries).toHaveLength(BOOKINGS);
  // Not even rewritten: the same entries make the same page, so the object keeps its generated_at.
  expect(after!.body).toBe(before!.body);
  expect(await invalidationsOfYear()).toBe(invalidationsBefore);
});

/**
 * The same 200 bookings' lifecycle, all at once: each changed once (revision 2: the even ones move into the next
 * year, the odd ones to an afternoon), 40 cancelled (revision 3), with 50 stale BookingCreated redeliveries and 20
 * repeated changes mixed in, in a shuffled order. None may be lost or left stale in either year's JSON.
 */
const NEXT_YEAR = YEAR + 1;
const isMoved = (i: number) => i % 2 === 0;
const isCancelled = (i: number) => i % 5 === 0;
const changed = bookings.map((detail, i) => ({
  ...detail,
  revision: 2,
  ...(isMoved(i)
    ? { charter_date: `${NEXT_YEAR}${detail.charter_date.slice(4)}` }
    : { charter_start: '16:00', charter_end: '19:00' }),
  guest_count: detail.guest_count + 1,
}));

/** A repeatable shuffle (a linear congruential generator), so a failure can be replayed. */
function shuffled<T>(items: T[], seed = 12): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

it('keeps every booking once, in its newest year and revision, when 200 change and 40 cancel at once', async () => {
  const ids = bookings.map((b) => b.booking_id);
  const announcedBefore = publishedWhile.length;
  const invalidatedBefore = await invalidationsOfYear(YEAR);
  const deliveries = shuffled([
    ...changed.map((detail) => () => onBookingEvent(bookingUpdatedEvent(detail), lambdaContext())),
    ...ids
      .filter((_, i) => isCancelled(i))
      .map((id) => () => onBookingEvent(bookingCancelledEvent(cancellation(id, 3)), lambdaContext())),
    ...bookings.filter((_, i) => i % 4 === 1).map((detail) => () => deliver(detail)),
    ...changed
      .filter((_, i) => i % 10 === 3)
      .map((detail) => () => onBookingEvent(bookingUpdatedEvent(detail), lambdaContext())),
  ]);
  const started = Date.now();
  await withConcurrency(CONCURRENCY, deliveries);
  const burstMs = Date.now() - started;

  const live = (i: number) => !isCancelled(i);
  const expected = (year: number) =>
    changed
      .filter((_, i) => live(i) && (year === NEXT_YEAR) === isMoved(i))
      .map((c) => ({ booking_id: c.booking_id, date: c.charter_date, start: c.charter_start, end: c.charter_end }));
  for (const year of [YEAR, NEXT_YEAR]) {
    const file = await readCalendarObject(env.CALENDAR_BUCKET!, year);
    const shown = file!.calendar.entries.map(({ booking_id, date, start, end }) => ({ booking_id, date, start, end }));
    // Each live booking once, with its revision-2 schedule, in the year of its new date; no cancelled one.
    expect(shown.sort((a, b) => a.booking_id.localeCompare(b.booking_id))).toEqual(expected(year));
    const record = await yearRecord(year);
    expect(record.built_version).toBe(record.version);
  }

  // Each announcement went out once the JSON showed it: a live booking's at its revision-2 schedule (or later),
  // a cancellation's once the booking had left the JSON; every live booking was announced at revision 2.
  const announced = publishedWhile.slice(announcedBefore);
  const changeOf = new Map(changed.map((c, i) => [c.booking_id, { c, live: live(i) }]));
  const violations = {
    cancellationStillShown: announced.filter((p) => p.status === 'cancelled' && p.inBucket),
    liveNotShown: announced.filter((p) => changeOf.get(p.booking_id)!.live && !p.inBucket),
    revisionTwoNotShown: announced.filter((p) => {
      const { c, live: isLive } = changeOf.get(p.booking_id)!;
      return isLive && p.revision === 2 && (p.shown?.date !== c.charter_date || p.shown.start !== c.charter_start);
    }),
    liveNeverAnnouncedAtTwo: ids.filter(
      (id, i) => live(i) && !announced.some((p) => p.booking_id === id && p.revision === 2),
    ),
  };
  expect(violations).toEqual({
    cancellationStillShown: [],
    liveNotShown: [],
    revisionTwoNotShown: [],
    liveNeverAnnouncedAtTwo: [],
  });
  expect(new Set(announced.filter((p) => p.status === 'cancelled').map((p) => p.booking_id))).toEqual(
    new Set(ids.filter((_, i) => isCancelled(i))),
  );

  const windowMs = Number(env.INVALIDATION_WINDOW_SECONDS) * 1000;
  await sweepAfterWindow(3);
  const figures: string[] = [];
  for (const year of [YEAR, NEXT_YEAR]) {
    const invalidated = await invalidationsOfYear(year);
    const record = await yearRecord(year);
    figures.push(`${year}: written ${record.put_seq} times in all, ${invalidated} invalidation(s) in all`);
    const served = await fetchThroughCloudFront(env.CALENDAR_SITE_URL!, year);
    expect(served.calendar.entries.map((e) => e.booking_id).sort()).toEqual(expected(year).map((e) => e.booking_id));
  }
  // This burst's invalidations of each year, trailing sweep included, stay within the coalescing bound.
  const bound = maxInvalidationsForBurst(burstMs, windowMs);
  expect((await invalidationsOfYear(YEAR)) - invalidatedBefore).toBeLessThanOrEqual(bound);
  expect(await invalidationsOfYear(NEXT_YEAR)).toBeLessThanOrEqual(bound);
  console.log(
    `${deliveries.length} concurrent lifecycle deliveries (200 changes, 100 into ${NEXT_YEAR}; 40 cancellations; ` +
      `50 stale creations; 20 repeated changes) in ${burstMs} ms: ${figures.join('; ')}; ` +
      `${ids.filter((_, i) => live(i)).length} live bookings each once in its new year, none cancelled shown`,
  );
});
