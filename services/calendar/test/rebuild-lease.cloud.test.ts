import {
  faultProxy,
  startLocalCloud,
  type FaultProxy,
  type LocalCloud,
  type ProxiedRequest,
  type ProxyAction,
} from '@charter/local/testing';
import { booking, bookingCreatedEvent, calendarUpdates, lambdaContext, readCalendarObject } from './support';

/**
 * A year's rebuild lease (45 s, longer than any function's timeout) that nobody holds any more, found by the chaos run
 * (test/reliability): every booking event of that year waited behind it and timed out.
 * - DynamoDB answers the lease's conditional write with a 500 after applying it (the local cloud's `:after-write`
 *   faults; AWS says a 500 may mean either): the SDK sends it again, and the retry met its own first attempt.
 * - The builder was stopped at its timeout while holding it: Lambda's retry of that invocation (the same request id)
 *   waited out its own earlier attempt's lease.
 */
let cloud: LocalCloud;
let proxy: FaultProxy;
let decide: (request: ProxiedRequest) => ProxyAction = () => 'forward';
let onBookingEvent: typeof import('../src/handlers/on-booking-event').handler;
let years: typeof import('../src/store/years');
let env: Record<string, string>;

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: false });
  proxy = await faultProxy({ dynamodb: cloud.endpoints.dynamodb }, (r) => decide(r));
  env = cloud.functionEnv('calendar', 'onBookingEvent');
  Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_ENDPOINT_URL_DYNAMODB: proxy.url });
  onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
  years = await import('../src/store/years');
});
afterAll(async () => {
  await cloud?.stop();
  await proxy?.close();
});

it('takes the rebuild lease whose answer DynamoDB lost, and publishes the year at once', async () => {
  let lost = 0;
  decide = (r) => {
    if (lost === 0 && r.operation === 'UpdateItem' && r.body.includes('SET lease_owner')) {
      lost++;
      return 'lose-answer';
    }
    return 'forward';
  };
  const started = Date.now();
  // 10 s left: without the lease, the invocation would wait for it until its deadline and fail.
  await onBookingEvent(bookingCreatedEvent(booking({ booking_id: 'lease-answer-lost', charter_date: '2037-03-03' })), {
    ...lambdaContext(),
    getRemainingTimeInMillis: () => 10_000,
  });
  expect(lost).toBe(1);
  expect(Date.now() - started).toBeLessThan(5_000);
  const leases = proxy.log.filter((r) => r.body.includes('SET lease_owner'));
  expect(leases.map((r) => r.action)).toEqual(['lose-answer', 'forward']);
  expect((await readCalendarObject(env.CALENDAR_BUCKET!, 2037))?.calendar.entries.map((e) => e.booking_id)).toEqual([
    'lease-answer-lost',
  ]);
  expect(calendarUpdates(cloud).map((e) => e.detail.booking_id)).toEqual(['lease-answer-lost']);
});

describe('a lease held by a builder Lambda stopped at its timeout', () => {
  const deliver = (bookingId: string, requestId: string, remainingMs: number) =>
    onBookingEvent(bookingCreatedEvent(booking({ booking_id: bookingId, charter_date: '2038-06-06' })), {
      ...lambdaContext(),
      awsRequestId: requestId,
      getRemainingTimeInMillis: () => remainingMs,
    });
  const idsIn2038 = async () =>
    (await readCalendarObject(env.CALENDAR_BUCKET!, 2038))?.calendar.entries.map((e) => e.booking_id).sort();

  beforeAll(async () => {
    await deliver('lease-year-opened', 'req-open', 10_000);
  });

  it("is taken at once by Lambda's retry of that invocation (same request id: the attempt has ended)", async () => {
    expect(await years.tryAcquireRebuildLease(2038, 'req-retried/killed-attempt', Date.now(), 45_000)).toBe(true);
    const started = Date.now();
    await deliver('lease-retried', 'req-retried', 10_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await idsIn2038()).toEqual(['lease-retried', 'lease-year-opened']);
  });

  it('is waited out by any other invocation (its holder may be alive)', async () => {
    expect(await years.tryAcquireRebuildLease(2038, 'req-alive/holder', Date.now(), 45_000)).toBe(true);
    await expect(deliver('lease-other', 'req-other', 3_000)).rejects.toThrow(/calendar 2038 is still at version/);
    await years.releaseRebuildLease(2038, 'req-alive/holder');
  });
});
