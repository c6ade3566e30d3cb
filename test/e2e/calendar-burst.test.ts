/**
 * Issue 6's burst through the bus: 200 bookings for one year published at once with PutEvents,
 * fanned out by the local EventBridge to the calendar's consumer. None may be missing from
 * calendar/<year>.json, and CloudFront must see far fewer invalidations than bookings.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { publishBookings, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { booking, type CalendarJson, eventsOf } from '../support/e2e';

describe('200 bookings for one year, published at once', () => {
  let cloud: LocalCloud;
  const bookings = Array.from({ length: 200 }, (_, i) =>
    booking(i, {
      booking_id: `cal-${String(i).padStart(3, '0')}`,
      charter_date: `2029-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
    }),
  );
  let invalidations: string[][];

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: ['calendar'], run: true });
    await publishBookings(bookings, { parallel: true });
    await cloud.idle();
    const distribution = [...cloud.distributions.values()].find((d) => d.wiring.endpointKey === 'calendarSite')!;
    invalidations = distribution.invalidations.map((i) => i.paths);
  }, 180_000);
  afterAll(() => cloud.stop());

  it('keeps all 200 in calendar/2029.json in the bucket, each once', async () => {
    const bucket = cloud.functionEnv('calendar', 'onBookingEvent').CALENDAR_BUCKET!;
    const object = await new S3Client({ forcePathStyle: true }).send(
      new GetObjectCommand({ Bucket: bucket, Key: 'calendar/2029.json' }),
    );
    const json = JSON.parse(await object.Body!.transformToString()) as CalendarJson;
    const ids = json.entries.map((e) => e.booking_id);
    expect(ids.sort()).toEqual(bookings.map((b) => b.booking_id).sort());
  });

  it('announces every booking with CalendarUpdated for its year', () => {
    const announced = new Set(eventsOf(cloud, 'CalendarUpdated').map((e) => e.detail.booking_id));
    expect(announced.size).toBe(200);
  });

  it('invalidates /calendar/2029.json a handful of times, not once per booking', () => {
    expect(invalidations.flat().every((path) => path === '/calendar/2029.json')).toBe(true);
    expect(invalidations.length).toBeGreaterThanOrEqual(1);
    // The window is 30 s per year; a burst this short gets the first invalidation at once and the
    // rest are left for the sweep, so at most 2 + (burst seconds / 30) during the burst.
    expect(invalidations.length).toBeLessThanOrEqual(3);
  });
});
