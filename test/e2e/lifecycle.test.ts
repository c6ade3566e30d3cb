/**
 * The booking lifecycle (ARCHITECTURE.md, "The booking lifecycle (v2)"), end to end: a change or a cancellation
 * published as a partner publishes it reaches the guest page, the crew event and the calendar, whatever the order
 * and however often EventBridge delivers it; another partner's event for an owned booking changes nothing.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { BookingCreatedInput } from '@charter/events';
import { readDeadLetters } from '@charter/local/dlq';
import { publishBookingEvents, startLocalCloud, type BookingEvent, type LocalCloud } from '@charter/local/testing';
import { booking, eventsOf, fetchJson, serviceKey, type CalendarJson } from '../support/e2e';

type Booking = BookingCreatedInput & { booking_id: string; source: string };

const created = (b: Booking): BookingEvent => ({ detailType: 'BookingCreated', detail: { ...b, revision: 1 } });
const updated = (b: Booking, revision: number, change: Partial<Booking>): BookingEvent => ({
  detailType: 'BookingUpdated',
  detail: { ...b, ...change, revision },
});
const cancelled = (b: Booking, revision: number, source = b.source): BookingEvent => ({
  detailType: 'BookingCancelled',
  detail: {
    schema_version: 1,
    booking_id: b.booking_id,
    source,
    revision,
    cancelled_at: '2027-12-01T16:05:00Z',
    cancelled_by: 'weather',
    reason: 'Small craft advisory; refund of $1,450 issued. Call the guest at +1 619 555 0142.',
  },
});

interface CrewEventView {
  event_id: string;
  booking_id: string;
  charter_date: string;
  charter_start: string;
  guest_count: number;
  status?: string;
  revision?: number;
  version: number;
}

describe('the booking lifecycle, end to end in the local cloud', () => {
  let cloud: LocalCloud;
  const sqs = () => new SQSClient({});

  const publish = async (events: BookingEvent[]) => {
    await publishBookingEvents(events);
    await cloud.idle();
  };
  const inOrder = async (events: BookingEvent[]) => {
    for (const event of events) await publish([event]);
  };

  /**
   * An object as it is stored: CloudFront may serve a page or a year's JSON from its cache for a minute after a
   * change (the services' own tests cover that), and this test is about what changed.
   */
  const stored = async (bucket: string, key: string) => {
    try {
      const object = await new S3Client({ forcePathStyle: true }).send(
        new GetObjectCommand({ Bucket: bucket, Key: key }),
      );
      return await object.Body!.transformToString();
    } catch {
      return undefined;
    }
  };

  /** Everything a person can see of a booking: its page, its crew event through the API, its calendar entries. */
  const seen = async (bookingId: string, years: number[]) => {
    const pages = eventsOf(cloud, 'GuestPagePublished', bookingId);
    const slug = pages[0]?.detail.slug;
    const siteBucket = cloud.functionEnv('guest-pages', 'onBookingEvent').SITE_BUCKET!;
    const page = slug ? await stored(siteBucket, `g/${slug}.html`) : undefined;
    const { events } = await fetchJson<{ events: CrewEventView[] }>(
      `${cloud.endpoints.api}/events?booking_id=${bookingId}`,
      { headers: { 'x-service-key': serviceKey(cloud) } },
    );
    const calendar: Record<number, unknown[]> = {};
    const calendarBucket = cloud.functionEnv('calendar', 'onBookingEvent').CALENDAR_BUCKET!;
    for (const year of years) {
      const text = await stored(calendarBucket, `calendar/${year}.json`);
      const entries = text ? (JSON.parse(text) as CalendarJson).entries : [];
      calendar[year] = entries.filter((e) => e.booking_id === bookingId).map(({ booking_id: _id, ...rest }) => rest);
    }
    return { slugs: [...new Set(pages.map((p) => p.detail.slug))], page, crewEvent: events[0], calendar };
  };

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: 'all', run: true });
  }, 120_000);
  afterAll(() => cloud.stop());

  describe('a reschedule from 2027-12-30 to 2028-01-05', () => {
    const b = booking(1, { booking_id: 'lc-reschedule', charter_date: '2027-12-30' }) as Booking;

    beforeAll(async () => {
      await inOrder([created(b), updated(b, 2, { charter_date: '2028-01-05', guest_count: 9 })]);
    }, 60_000);

    it('moves the guest page under the same slug, the crew event and the calendar entry across the year', async () => {
      const now = await seen(b.booking_id, [2027, 2028]);
      expect(now.slugs).toHaveLength(1);
      expect(now.page).toContain('January 5, 2028');
      expect(now.page).not.toContain('December 30, 2027');
      expect(now.crewEvent).toMatchObject({ charter_date: '2028-01-05', guest_count: 9, revision: 2 });
      expect(now.calendar[2027]).toEqual([]);
      expect(now.calendar[2028]).toEqual([expect.objectContaining({ date: '2028-01-05', guest_count: 9 })]);
    });

    it('announces revision 2 from each service', () => {
      expect(eventsOf(cloud, 'GuestPagePublished', b.booking_id).map((e) => e.detail.revision)).toContain(2);
      expect(eventsOf(cloud, 'EventUpdated', b.booking_id).map((e) => e.detail.revision)).toContain(2);
      expect(
        eventsOf(cloud, 'CalendarUpdated', b.booking_id).map((e) => [e.detail.revision, e.detail.year]),
      ).toContainEqual([2, 2028]);
    });
  });

  describe('a cancellation, then the old events again', () => {
    const b = booking(2, { booking_id: 'lc-cancel', charter_date: '2027-11-20' }) as Booking;
    let uploadToken: string | undefined;
    let afterCancel: Awaited<ReturnType<typeof seen>>;

    beforeAll(async () => {
      await publish([created(b)]);
      const first = await seen(b.booking_id, [2027]);
      uploadToken =
        /"uploadToken":"([^"]+)"/.exec(first.page ?? '')?.[1] ??
        /data-upload-token="([^"]+)"/.exec(first.page ?? '')?.[1];
      await publish([cancelled(b, 2)]);
      afterCancel = await seen(b.booking_id, [2027]);
      await inOrder([created(b), updated(b, 2, { guest_count: 12 })]);
    }, 60_000);

    it('reaches the guest page, the crew event and the calendar', () => {
      expect(afterCancel.page).toMatch(/cancelled/i);
      expect(afterCancel.crewEvent).toMatchObject({ status: 'cancelled' });
      expect(afterCancel.calendar[2027]).not.toContainEqual(expect.objectContaining({ status: 'booked' }));
    });

    it('closes uploads: presign answers 410 cancelled', async () => {
      expect(uploadToken).toBeTruthy();
      const res = await fetch(`${cloud.endpoints.api}/g/presign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-upload-token': uploadToken! },
        body: JSON.stringify({
          booking_id: b.booking_id,
          file_name: 'deck.jpg',
          mime_type: 'image/jpeg',
          file_size: 1000,
        }),
      });
      expect(res.status).toBe(410);
      expect(await res.json()).toMatchObject({ error: 'cancelled' });
    });

    it('changes nothing when BookingCreated (revision 1) or BookingUpdated (revision 2) comes afterwards', async () => {
      expect(await seen(b.booking_id, [2027])).toEqual(afterCancel);
    });
  });

  describe('three deliveries at once, in reversed order, end as in order', () => {
    const change = { charter_start: '11:00', charter_end: '14:00' };
    /** Each booking's pair: the same events in order, and three deliveries of each at once in reversed order. */
    const deliverBoth = async (index: number, events: (b: Booking) => BookingEvent[]) => {
      const ordered = booking(10 + index, { booking_id: `lc-order-${index}`, charter_date: '2027-10-10' }) as Booking;
      const reversed = { ...ordered, booking_id: `lc-reverse-${index}` };
      await inOrder(events(ordered));
      cloud.eventBridge.deliveries = 3;
      try {
        await publish(events(reversed).reverse());
      } finally {
        cloud.eventBridge.deliveries = 1;
      }
      return [await seen(ordered.booking_id, [2027]), await seen(reversed.booking_id, [2027])] as const;
    };

    it('update before create: the same page, crew event and calendar entry', async () => {
      const [ordered, reversed] = await deliverBoth(0, (b) => [created(b), updated(b, 2, change)]);
      const same = (view: typeof ordered, id: string) => ({
        slugs: view.slugs.length,
        page: view.page?.replaceAll(id, 'ID').replace(/"uploadToken":"[^"]+"/, ''),
        crewEvent: { ...view.crewEvent, event_id: 0, booking_id: 0, version: 0, created_at: 0, updated_at: 0 },
        calendar: view.calendar,
      });
      expect(reversed.crewEvent).toMatchObject({ charter_start: '11:00', revision: 2 });
      expect(same(reversed, 'lc-reverse-0')).toEqual(same(ordered, 'lc-order-0'));
    }, 60_000);

    it('cancel before create: nothing live anywhere, as after an in-order cancellation', async () => {
      const [ordered, reversed] = await deliverBoth(1, (b) => [created(b), updated(b, 2, change), cancelled(b, 3)]);
      // In order, the page and the crew event existed before the cancellation and now say so; a cancellation that
      // came first left a tombstone, so they may never have existed (ARCHITECTURE.md: the create that follows does
      // nothing). Either way nothing is live, uploads are shut and the calendar does not list it.
      expect(ordered.page).toMatch(/cancelled/i);
      expect(ordered.crewEvent).toMatchObject({ status: 'cancelled' });
      for (const view of [ordered, reversed]) {
        if (view.page !== undefined) expect(view.page).toMatch(/cancelled/i);
        if (view.crewEvent !== undefined) expect(view.crewEvent).toMatchObject({ status: 'cancelled' });
        expect(view.calendar[2027]).toEqual([]);
      }
    }, 60_000);
  });

  describe('one revision published twice with other content, past the intake (PutEvents)', () => {
    const b = booking(4, { booking_id: 'lc-conflict', charter_date: '2027-09-12' }) as Booking;
    let before: Awaited<ReturnType<typeof seen>>;

    beforeAll(async () => {
      await publish([created(b)]);
      before = await seen(b.booking_id, [2027]);
      // Revision 1 again, as an update, with another date: not a redelivery, whatever its detail-type.
      await publish([updated(b, 1, { charter_date: '2027-09-13' })]);
    }, 60_000);

    it('changes nothing anywhere', async () => {
      expect(await seen(b.booking_id, [2027])).toEqual(before);
    });

    it('dead-letters it as revision_conflict in guest-pages, scc and calendar, rather than ignore it', async () => {
      const letters = (await readDeadLetters(sqs(), { peek: true })).filter((l) => l.bookingId === b.booking_id);
      const refusals = letters.map((l) => `${l.functionName.replace(/^charter-|-local-.*$/g, '')}:${l.errorMessage}`);
      for (const service of ['guest-pages', 'scc', 'calendar']) {
        expect(refusals.filter((r) => r.startsWith(`${service}:`) && r.includes('revision_conflict'))).toHaveLength(1);
      }
    });

    it('still takes the same content again as a redelivery, as a create or an update', async () => {
      await publish([created(b), updated(b, 1, {})]);
      expect(await seen(b.booking_id, [2027])).toEqual(before);
      const letters = (await readDeadLetters(sqs(), { peek: true })).filter((l) => l.bookingId === b.booking_id);
      expect(letters).toHaveLength(3);
    });
  });

  describe("another partner's events for an owned booking", () => {
    const b = booking(3, { booking_id: 'lc-owned', charter_date: '2027-09-09', source: 'boatsetter' }) as Booking;
    let before: Awaited<ReturnType<typeof seen>>;

    beforeAll(async () => {
      await publish([created(b)]);
      before = await seen(b.booking_id, [2027]);
      await publish([
        updated({ ...b, source: 'getmyboat' }, 5, { charter_date: '2027-10-19', notes: 'moved by someone else' }),
        cancelled(b, 6, 'getmyboat'),
      ]);
    }, 60_000);

    it('changes nothing anywhere', async () => {
      expect(await seen(b.booking_id, [2027])).toEqual(before);
    });

    it('dead-letters each of them as not_owner in guest-pages, scc and calendar', async () => {
      const letters = (await readDeadLetters(sqs(), { peek: true })).filter((l) => l.bookingId === b.booking_id);
      const refusals = letters.map((l) => `${l.functionName.replace(/^charter-|-local-.*$/g, '')}:${l.errorMessage}`);
      for (const service of ['guest-pages', 'scc', 'calendar']) {
        expect(refusals.filter((r) => r.startsWith(`${service}:`) && r.includes('not_owner'))).toHaveLength(2);
      }
    });
  });
});
