import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingCreatedInput } from '@charter/events';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';

type Publisher = typeof import('../src/publisher');
const booking = JSON.parse(
  readFileSync(join(__dirname, '../../events/samples/getmyboat-gmb88213.json'), 'utf8'),
) as BookingCreatedInput;

describe('the typed publisher, against the local EventBridge', () => {
  let cloud: LocalCloud;
  let publisher: Publisher;

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: [] });
    process.env.EVENT_BUS_NAME = 'charter-bookings-local';
    // The client is created at import, so import once the endpoints are set.
    publisher = await import('../src/publisher');
  });
  afterAll(() => cloud.stop());

  it('publishes our own event with the source from the catalog and returns its id', async () => {
    const detail = {
      schema_version: 1 as const,
      booking_id: 'GMB-88213',
      year: 2027,
      calendar_url: 'https://cal.example/calendar/2027.json',
    };
    const id = await publisher.publish('CalendarUpdated', detail);
    expect(cloud.published().find((e) => e.id === id)).toMatchObject({
      source: 'charter.calendar',
      'detail-type': 'CalendarUpdated',
      detail,
    });
  });

  it('publishes a booking with source partner.<name>, forcing the detail source to match', async () => {
    const id = await publisher.publishBooking('getmyboat', { ...booking, source: 'boatsetter' });
    expect(cloud.published().find((e) => e.id === id)).toMatchObject({
      source: 'partner.getmyboat',
      detail: { source: 'getmyboat', timezone: 'America/Los_Angeles' },
    });
  });

  it('refuses an invalid detail before calling EventBridge, naming the field', async () => {
    const before = cloud.published().length;
    await expect(
      publisher.publish('CalendarUpdated', {
        schema_version: 1,
        booking_id: 'GMB-88213',
        year: 1999,
        calendar_url: 'x',
      } as never),
    ).rejects.toMatchObject({
      name: 'EventValidationError',
      fields: expect.arrayContaining([
        expect.objectContaining({ path: 'year' }),
        expect.objectContaining({ path: 'calendar_url' }),
      ]) as unknown,
    });
    expect(cloud.published()).toHaveLength(before);
  });

  it("refuses an entry over EventBridge's 256 KB limit, counting it as EventBridge does", () => {
    const entry = {
      Source: 'partner.direct',
      DetailType: 'BookingCreated',
      Detail: 'x'.repeat(publisher.MAX_ENTRY_BYTES),
    };
    expect(publisher.entrySize(entry)).toBe(
      publisher.MAX_ENTRY_BYTES + 'partner.direct'.length + 'BookingCreated'.length,
    );
    const padded = { ...booking, booking_id: 'too-big', notes: 'n'.repeat(3000), guest: { name: 'G'.repeat(200) } };
    // A valid booking cannot reach the limit; the check is proven on the raw entry size above.
    expect(
      publisher.entrySize({ Source: 'partner.direct', DetailType: 'BookingCreated', Detail: JSON.stringify(padded) }),
    ).toBeLessThan(publisher.MAX_ENTRY_BYTES);
  });

  it('throws EventTooLargeError instead of sending an oversized entry', async () => {
    const before = cloud.published().length;
    const huge = {
      schema_version: 1 as const,
      booking_id: 'GMB-88213',
      event_id: 'evt_0123456789ab',
      recipients: Array.from({ length: 3000 }, (_, i) => ({
        member_id: `m-${i}`,
        email: `member${i}@crew.example.com`,
        message_id: 'x'.repeat(60),
      })),
    };
    await expect(publisher.publish('CrewNotified', huge)).rejects.toMatchObject({ name: 'EventTooLargeError' });
    expect(cloud.published()).toHaveLength(before);
  });

  it('turns a refused entry into a PublishError naming the code (no such bus)', async () => {
    process.env.EVENT_BUS_NAME = 'no-such-bus';
    try {
      await expect(
        publisher.publish('CalendarUpdated', {
          schema_version: 1,
          booking_id: 'GMB-88213',
          year: 2027,
          calendar_url: 'https://c.example/x.json',
        }),
      ).rejects.toMatchObject({
        name: 'PublishError',
        errorCode: 'ResourceNotFoundException',
      });
    } finally {
      process.env.EVENT_BUS_NAME = 'charter-bookings-local';
    }
  });

  it('is a loud NotConfiguredError when EVENT_BUS_NAME is missing', async () => {
    delete process.env.EVENT_BUS_NAME;
    try {
      await expect(
        publisher.publish('CalendarUpdated', {
          schema_version: 1,
          booking_id: 'GMB-88213',
          year: 2027,
          calendar_url: 'https://c.example/x.json',
        }),
      ).rejects.toMatchObject({
        name: 'NotConfiguredError',
        message: expect.stringContaining('EVENT_BUS_NAME') as unknown,
      });
    } finally {
      process.env.EVENT_BUS_NAME = 'charter-bookings-local';
    }
  });
});
