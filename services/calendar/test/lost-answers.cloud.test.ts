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
 * DynamoDB answers a conditional write with a 500 after applying it (the local cloud's `:after-write` faults; AWS
 * says a 500 may mean either): the SDK sends it again, and the retry meets its own first attempt. Found by the chaos
 * run (test/reliability): a rebuild lease taken that way was refused by its own retry, and the year waited out a
 * lease (45 s) nobody held, every booking event of that year timing out behind it.
 */
let cloud: LocalCloud;
let proxy: FaultProxy;
let decide: (request: ProxiedRequest) => ProxyAction = () => 'forward';
let onBookingEvent: typeof import('../src/handlers/on-booking-event').handler;
let env: Record<string, string>;

beforeAll(async () => {
  cloud = await startLocalCloud({ services: ['calendar'], run: false });
  proxy = await faultProxy({ dynamodb: cloud.endpoints.dynamodb }, (r) => decide(r));
  env = cloud.functionEnv('calendar', 'onBookingEvent');
  Object.assign(process.env, env, { POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_ENDPOINT_URL_DYNAMODB: proxy.url });
  onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
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
