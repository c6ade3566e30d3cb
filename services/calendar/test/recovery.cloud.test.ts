import { BookingCreated } from '@charter/events';
import { CalendarEntryInput, calendarFieldsOf } from '../src/domain/entry';
import { nextInvalidationStep } from '../src/domain/invalidation';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import {
  booking,
  bookingCancelledEvent,
  bookingCreatedEvent,
  bookingUpdatedEvent,
  calendarUpdates,
  cancellation,
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
let headStore: typeof import('../src/store/heads');
let yearStore: typeof import('../src/store/years');
let publishing: typeof import('../src/publishing');
let onBookingEvent: typeof import('../src/handlers/on-booking-event').handler;
let sweep: typeof import('../src/handlers/sweep-invalidations').handler;

const windowMs = () => Number(env.INVALIDATION_WINDOW_SECONDS) * 1000;
const pathsOf = async (year: number) =>
  (await invalidatedPaths(env.CALENDAR_DISTRIBUTION_ID!)).filter((p) => p === `/calendar/${year}.json`).length;
const idsIn = async (year: number) =>
  (await readCalendarObject(env.CALENDAR_BUCKET!, year))?.calendar.entries.map((e) => e.booking_id) ?? [];

const updatesOf = (bookingId: string) =>
  calendarUpdates(cloud)
    .map((e) => e.detail)
    .filter((d) => d.booking_id === bookingId);

const sweepAt = (offsetMs: number) => withClockAhead(offsetMs, () => sweep({}, lambdaContext()));

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: false });
  env = cloud.functionEnv('calendar', 'sweepInvalidations');
  Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: 'SILENT' });
  entryStore = await import('../src/store/entries');
  headStore = await import('../src/store/heads');
  yearStore = await import('../src/store/years');
  publishing = await import('../src/publishing');
  onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
  sweep = (await import('../src/handlers/sweep-invalidations')).handler;
});

afterAll(async () => {
  await cloud?.stop();
});

it('rebuilds, on the next sweep, a year whose invocation saved an entry and died before writing the JSON', async () => {
  const written = await headStore.writeOperatorEntry({
    booking_id: 'crashed-1',
    charter_date: '2036-04-01',
    charter_start: '10:00',
    charter_end: '12:00',
    timezone: 'America/Los_Angeles',
    guest_count: 2,
    source: 'direct',
    status: 'booked',
  });
  if (written.kind !== 'saved') throw new Error(`expected the entry saved, got ${written.kind}`);
  await entryStore.fileEntry(written.head);
  expect(await idsIn(2036)).toEqual([]);

  const report = await sweep({}, lambdaContext());
  expect(report.years.find((y) => y.year === 2036)).toMatchObject({ rebuilt: true, step: 'claim' });
  expect(await idsIn(2036)).toEqual(['crashed-1']);
  expect(await pathsOf(2036)).toBe(1);
});

it('repeats, on a redelivery, the effects of an event whose first attempt wrote the head and died', async () => {
  const detail = booking({ booking_id: 'crashed-2', charter_date: '2036-05-01', source: 'getmyboat' });
  const entry = CalendarEntryInput.parse(calendarFieldsOf(BookingCreated.parse(detail)));
  const ref = { owner: 'getmyboat', revision: 1, cancels: false };
  // The first attempt: the head is written (the guard's one write), then the invocation dies before filing it.
  expect((await headStore.applyToHead('crashed-2', ref, { kind: 'schedule', entry })).kind).toBe('applied');
  expect(await idsIn(2036)).not.toContain('crashed-2');

  // Lambda retries the same event: the guard says redelivery, and the effects are made from the head.
  await onBookingEvent(bookingCreatedEvent(detail), lambdaContext());
  expect(await idsIn(2036)).toContain('crashed-2');
  expect(updatesOf('crashed-2')).toEqual([expect.objectContaining({ revision: 1, status: 'booked', year: 2036 })]);
});

it('finishes, under the same CallerReference, an invalidation whose claimer died before CloudFront', async () => {
  await onBookingEvent(
    bookingCreatedEvent(booking({ booking_id: 'claim-1', charter_date: '2037-02-01' })),
    lambdaContext(),
  );
  expect(await pathsOf(2037)).toBe(1);
  await onBookingEvent(
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

const RACE_YEARS = [2038, 2039, 2040];
const yearsHolding = async (bookingId: string) => {
  const found = (await Promise.all(RACE_YEARS.map((y) => entryStore.queryYearEntries(y))))
    .flat()
    .filter((e) => e.booking_id === bookingId);
  const inJson: number[] = [];
  for (const y of RACE_YEARS) if ((await idsIn(y)).includes(bookingId)) inJson.push(y);
  return { found, inJson };
};

it("leaves a booking in exactly one year, the newest revision's, when moves between years race", async () => {
  const moves = Array.from({ length: 24 }, (_, i) =>
    booking({ booking_id: 'racing-1', charter_date: `${RACE_YEARS[i % 3]}-06-01`, guest_count: 1 + i }),
  );
  // Each revision delivered twice, all at once, newest first: the arrival order is the opposite of the partner's.
  const deliveries = moves.flatMap((detail, i) => [
    { ...detail, revision: i + 1 },
    { ...detail, revision: i + 1 },
  ]);
  await withConcurrency(
    12,
    deliveries.reverse().map((detail) => () => onBookingEvent(bookingUpdatedEvent(detail), lambdaContext())),
  );

  const { found, inJson } = await yearsHolding('racing-1');
  expect(found).toHaveLength(1);
  // Revision 24 (index 23) is the newest: its year and guest count win, whatever the order they landed in.
  expect(found[0]).toMatchObject({ charter_date: `${RACE_YEARS[23 % 3]}-06-01`, guest_count: 24, revision: 24 });
  expect(inJson).toEqual([RACE_YEARS[23 % 3]]);
});

it('takes a booking out of every year when its cancellation races its moves between years', async () => {
  const moves = Array.from({ length: 12 }, (_, i) => ({
    ...booking({ booking_id: 'racing-2', charter_date: `${RACE_YEARS[i % 3]}-07-01`, guest_count: 1 + i }),
    revision: i + 1,
  }));
  const deliver = [
    ...moves.map((detail) => () => onBookingEvent(bookingUpdatedEvent(detail), lambdaContext())),
    // Revision 7 cancels, overtaking revisions 8-12 (a cancellation applies whatever its revision: it is final).
    () => onBookingEvent(bookingCancelledEvent(cancellation('racing-2', 7)), lambdaContext()),
    () => onBookingEvent(bookingCancelledEvent(cancellation('racing-2', 7)), lambdaContext()),
  ];
  await withConcurrency(8, deliver.reverse());

  expect(await yearsHolding('racing-2')).toEqual({ found: [], inJson: [] });
  expect(await headStore.readHead('racing-2')).toMatchObject({ lifecycle: 'cancelled', revision: 7 });
  // Had a move landed before the cancellation, the cancellation is announced at its revision; after it, no move is.
  const announced = updatesOf('racing-2');
  const cancelledAt = announced.findIndex((d) => d.status === 'cancelled');
  if (cancelledAt >= 0) expect(announced.slice(cancelledAt).every((d) => d.status === 'cancelled')).toBe(true);
  expect(announced.filter((d) => d.status === 'cancelled').every((d) => d.revision === 7)).toBe(true);
});
