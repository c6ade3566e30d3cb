import { nextInvalidationStep } from '../src/domain/invalidation';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import {
  booking,
  bookingCreatedEvent,
  invalidatedPaths,
  invalidations,
  lambdaContext,
  readCalendarObject,
  withClockAhead,
  withConcurrency,
} from './support';

/**
 * What happens when an invocation dies halfway (Lambda timeouts, crashes) or when updates of
 * one booking race: the scheduled sweep finishes the work, and a booking ends up in one place.
 */
let cloud: LocalCloud;
let env: Record<string, string>;
let entryStore: typeof import('../src/store/entries');
let yearStore: typeof import('../src/store/years');
let publishing: typeof import('../src/publishing');
let onBookingCreated: typeof import('../src/handlers/on-booking-created').handler;
let sweep: typeof import('../src/handlers/sweep-invalidations').handler;

const windowMs = () => Number(env.INVALIDATION_WINDOW_SECONDS) * 1000;
const pathsOf = async (year: number) =>
  (await invalidatedPaths(env.CALENDAR_DISTRIBUTION_ID!)).filter((p) => p === `/calendar/${year}.json`).length;
const idsIn = async (year: number) =>
  (await readCalendarObject(env.CALENDAR_BUCKET!, year))?.calendar.entries.map((e) => e.booking_id) ?? [];

const sweepAt = (offsetMs: number) => withClockAhead(offsetMs, () => sweep({}, lambdaContext()));

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: false });
  env = cloud.functionEnv('calendar', 'sweepInvalidations');
  Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: 'SILENT' });
  entryStore = await import('../src/store/entries');
  yearStore = await import('../src/store/years');
  publishing = await import('../src/publishing');
  onBookingCreated = (await import('../src/handlers/on-booking-created')).handler;
  sweep = (await import('../src/handlers/sweep-invalidations')).handler;
});

afterAll(async () => {
  await cloud?.stop();
});

it('rebuilds, on the next sweep, a year whose invocation saved an entry and died before writing the JSON', async () => {
  await entryStore.upsertEntry(
    {
      booking_id: 'crashed-1',
      charter_date: '2036-04-01',
      charter_start: '10:00',
      charter_end: '12:00',
      timezone: 'America/Los_Angeles',
      guest_count: 2,
      source: 'direct',
      status: 'booked',
    },
    { keepStatus: true },
  );
  expect(await idsIn(2036)).toEqual([]);

  const report = await sweep({}, lambdaContext());
  expect(report.years.find((y) => y.year === 2036)).toMatchObject({ rebuilt: true, step: 'claim' });
  expect(await idsIn(2036)).toEqual(['crashed-1']);
  expect(await pathsOf(2036)).toBe(1);
});

it('finishes, under the same CallerReference, an invalidation whose claimer died before CloudFront', async () => {
  await onBookingCreated(
    bookingCreatedEvent(booking({ booking_id: 'claim-1', charter_date: '2037-02-01' })),
    lambdaContext(),
  );
  expect(await pathsOf(2037)).toBe(1);
  await onBookingCreated(
    bookingCreatedEvent(booking({ booking_id: 'claim-2', charter_date: '2037-02-02' })),
    lambdaContext(),
  );

  // An invocation claims the year's next invalidation once the window has passed, then dies.
  const claimedAt = Date.now() + windowMs();
  const state = (await yearStore.readYearState(2037))!;
  const step = nextInvalidationStep(state, claimedAt, publishing.coalescingPolicy());
  if (step.kind !== 'claim') throw new Error(`expected a claim, got ${step.kind}`);
  expect(await yearStore.claimInvalidation(state, step, claimedAt)).toBe(true);
  // Its competitors see the claim and stand back.
  expect(await yearStore.claimInvalidation(state, step, claimedAt)).toBe(false);

  // A sweep soon after leaves it to its claimer; one after the resume delay finishes it.
  expect((await sweepAt(windowMs() + 1_000)).years.find((y) => y.year === 2037)?.step).toBe('in_flight');
  expect(await pathsOf(2037)).toBe(1);
  const resumed = (await sweepAt(windowMs() + publishing.coalescingPolicy().resumeAfterMs)).years.find(
    (y) => y.year === 2037,
  );
  expect(resumed).toMatchObject({ step: 'resume' });
  expect(await pathsOf(2037)).toBe(2);

  // Done: the next sweep finds the year clean, and the reference is the claimed one.
  expect((await sweepAt(3 * windowMs())).years.find((y) => y.year === 2037)?.step).toBe('clean');
  const of2037 = (await invalidations(env.CALENDAR_DISTRIBUTION_ID!)).filter((i) =>
    i.paths.includes('/calendar/2037.json'),
  );
  expect(of2037.map((i) => i.callerReference)).toContain(step.ref);
});

it('leaves a booking in exactly one year, in the table and the JSON, when moves between years race', async () => {
  const years = [2038, 2039, 2040];
  const moves = Array.from({ length: 24 }, (_, i) =>
    booking({ booking_id: 'racing-1', charter_date: `${years[i % 3]}-06-01`, guest_count: 1 + i }),
  );
  await withConcurrency(
    12,
    moves.map((detail) => () => onBookingCreated(bookingCreatedEvent(detail), lambdaContext())),
  );

  const found = (await Promise.all(years.map((y) => entryStore.queryYearEntries(y))))
    .flat()
    .filter((e) => e.booking_id === 'racing-1');
  expect(found).toHaveLength(1);
  const keptYear = Number(found[0]!.charter_date.slice(0, 4));
  for (const y of years) expect(await idsIn(y)).toEqual(y === keptYear ? ['racing-1'] : []);
});
