import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '@charter/local/testing';
import { sampleBooking } from './support/bookings';
import { TABLE, bookingEnvelope, lambdaContext, startGuestPages } from './support/harness';

/**
 * A stage missing a setting the booking consumer needs fails loudly, naming it, before it writes anything: an item
 * written first would take the revision, and the retry after the setting is fixed would find it applied and put no
 * page.
 */
let cloud: LocalCloud;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  cloud = await startGuestPages();
  env = { ...process.env };
});
afterAll(async () => {
  process.env = env;
  await cloud?.stop();
});

/** The consumer loaded afresh without `name`, as a cold start on such a stage would be. */
async function consumerWithout(name: string) {
  jest.resetModules();
  process.env = { ...env };
  delete process.env[name];
  return (await import('../src/handlers/on-booking-event')).handler;
}

const itemOf = async (bookingId: string) =>
  (
    await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(
      new GetCommand({ TableName: TABLE, Key: { booking_id: bookingId }, ConsistentRead: true }),
    )
  ).Item;

it.each(['SITE_BUCKET', 'API_URL', 'GUEST_SITE_URL', 'UPLOAD_KEY_SECRET_NAME', 'EVENT_BUS_NAME'])(
  'with %s unset, fails naming it and leaves no item',
  async (name) => {
    const handler = await consumerWithout(name);
    const booking = sampleBooking('boatsetter-xhqgmdh', { booking_id: `nc-${name.toLowerCase().replace(/_/g, '-')}` });
    const delivery = handler(bookingEnvelope(booking), lambdaContext());
    // A fresh module registry has its own error classes: the name is what busHandler and the logs see.
    await expect(delivery).rejects.toMatchObject({
      name: 'NotConfiguredError',
      message: expect.stringContaining(name) as unknown,
    });
    expect(await itemOf(booking.booking_id)).toBeUndefined();
  },
);

it('with every setting, applies the same booking (the test would pass for a broken consumer otherwise)', async () => {
  const handler = await consumerWithout('NOTHING_REALLY');
  const booking = sampleBooking('boatsetter-xhqgmdh', { booking_id: 'nc-all-set' });
  await handler(bookingEnvelope(booking), lambdaContext());
  expect(await itemOf(booking.booking_id)).toMatchObject({ booking_id: 'nc-all-set', revision: 1 });
});
