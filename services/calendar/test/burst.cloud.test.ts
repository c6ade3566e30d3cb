import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { maxInvalidationsForBurst } from '../src/domain/invalidation';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { probeBucket, publishedWhile } from './publish-probe';
import {
  booking,
  bookingCreatedEvent,
  calendarUpdates,
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
let onBookingCreated: typeof import('../src/handlers/on-booking-created').handler;
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
const deliver = (detail: ReturnType<typeof booking>) => onBookingCreated(bookingCreatedEvent(detail), lambdaContext());
const invalidationsOfYear = async () =>
  (await invalidatedPaths(env.CALENDAR_DISTRIBUTION_ID!)).filter((p) => p === `/calendar/${YEAR}.json`).length;

/** The year's record: how many times the JSON was actually written (put_seq) and built (version). */
async function yearRecord() {
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: env.CALENDAR_TABLE!, Key: { pk: 'CALENDAR', sk: `YEAR#${YEAR}` } }),
    );
    return Item as { put_seq: number; version: number; built_version: number };
  } finally {
    dynamo.destroy();
  }
}

/** Runs the scheduled sweep as it would run once the coalescing window has passed. */
const sweepAfterWindow = () =>
  withClockAhead(Number(env.INVALIDATION_WINDOW_SECONDS) * 1000, () => sweep({}, lambdaContext()));

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: false });
  env = cloud.functionEnv('calendar', 'onBookingCreated');
  Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: 'WARN' });
  probeBucket(env.CALENDAR_BUCKET!);
  onBookingCreated = (await import('../src/handlers/on-booking-created')).handler;
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
