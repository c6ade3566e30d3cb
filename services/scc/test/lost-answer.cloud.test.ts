import { EventUpdated } from '@charter/events';
import type { HttpHandler, HttpResult } from '@charter/shared/http';
import type { EventBridgeEvent } from 'aws-lambda';
import { faultProxy, httpApiEvent, type FaultProxy, type LocalCloud } from '@charter/local/testing';
import { eventIdFor } from '../src/domain/crew-event';
import { ROSTER, bookingInput } from './fixtures';
import { lambdaContext, partnerEnvelope, startScc } from './harness';

/**
 * DynamoDB may apply a conditional write and answer it with a 500; the SDK sends it again and the retry meets the
 * write it made. For a crew PATCH that looked like someone else's newer edit: 409 to the operator, and the change
 * stood without its EventUpdated, so nobody was told (the notifier never called the member added).
 */
let cloud: LocalCloud;
let proxy: FaultProxy;
let loseNext = false;
let serviceKey: string;
const h = {} as { updateEvent: HttpHandler } & {
  onBookingEvent: (
    event: EventBridgeEvent<string, unknown>,
    context: ReturnType<typeof lambdaContext>,
  ) => Promise<void>;
};

beforeAll(async () => {
  cloud = await startScc({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
  proxy = await faultProxy({ dynamodb: cloud.endpoints.dynamodb }, (r) => {
    if (!loseNext || r.operation !== 'UpdateItem' || !r.body.includes('crew_change')) return 'forward';
    loseNext = false;
    return 'lose-answer';
  });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.url;
  serviceKey = cloud.secrets['charter/local/scc-service-key']!;
  h.updateEvent = (await import('../src/handlers/update-event')).handler;
  h.onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
});
afterAll(async () => {
  await cloud?.stop();
  await proxy?.close();
});

const bodyOf = <T = Record<string, unknown>>(result: HttpResult) => JSON.parse(String(result.body)) as T;

it('answers a crew PATCH whose write DynamoDB applied and lost the answer of; its EventUpdated goes out', async () => {
  await h.onBookingEvent(
    partnerEnvelope('BookingCreated', bookingInput({ booking_id: 'bk-patch-lost' })),
    lambdaContext(),
  );
  const eventId = eventIdFor('bk-patch-lost');
  const sam = { member_id: 'sam-ray', name: 'Sam Ray', email: 'sam@crew.example.com', role: 'deckhand' };
  loseNext = true;
  const result = await h.updateEvent(
    httpApiEvent({
      method: 'PATCH',
      route: 'PATCH /events/{event_id}',
      path: `/events/${eventId}`,
      pathParameters: { event_id: eventId },
      headers: { 'x-service-key': serviceKey, 'content-type': 'application/json' },
      body: JSON.stringify({ crew: [...ROSTER, sam], expected_version: 1 }),
    }),
    lambdaContext(),
  );
  expect(loseNext).toBe(false);
  expect(result.statusCode).toBe(200);
  expect(bodyOf(result)).toMatchObject({ version: 2 });
  const updates = cloud
    .published()
    .filter((e) => e['detail-type'] === 'EventUpdated')
    .map((e) => EventUpdated.parse(e.detail))
    .filter((d) => d.booking_id === 'bk-patch-lost');
  expect(updates).toHaveLength(1);
  expect(updates[0]).toMatchObject({ cause: 'crew', version: 2, crew_added: ['sam-ray'] });
});
