/**
 * Crew notices for the whole lifecycle (ARCHITECTURE.md, "Crew notices (v2)"), through every service: partners'
 * booking events and the operator's crew changes go in; each crew member's inbox, their calendar invite and their
 * magic link come out.
 */
import type { BookingCreatedInput } from '@charter/events';
import { publishBookingEvents, startLocalCloud, type BookingEvent, type LocalCloud } from '@charter/local/testing';
import { inviteIn, isCaptainCopy, type StoredNotice } from '../../services/notifications/test/harness';
import { booking, crewLinkIn, emails, fetchJson, moneyIn, serviceKey } from '../support/e2e';

const CAPTAIN = 'captain@crew.example.com';
const CREW = [CAPTAIN, 'mate@crew.example.com', 'deckhand@crew.example.com'];

type Booking = BookingCreatedInput & { booking_id: string; source: string };

describe('crew notices, end to end in the local cloud', () => {
  let cloud: LocalCloud;

  const publish = async (events: BookingEvent[]) => {
    await publishBookingEvents(events);
    await cloud.idle();
  };
  const allMailOf = async (bookingId: string) =>
    ((await emails(cloud)) as StoredNotice[]).filter((m) => m.subject.includes(bookingId));
  /** The crew's own notices; the captain's copies apart. */
  const mailOf = async (bookingId: string) => (await allMailOf(bookingId)).filter((m) => !isCaptainCopy(m));
  const copiesOf = async (bookingId: string) => (await allMailOf(bookingId)).filter(isCaptainCopy);
  const to = (all: StoredNotice[], address: string) => all.filter((m) => m.destination.to[0] === address);

  beforeAll(async () => {
    cloud = await startLocalCloud({ services: 'all', run: true });
  }, 120_000);
  afterAll(() => cloud.stop());

  describe('a booking called, rescheduled, then cancelled', () => {
    const b = booking(40, { booking_id: 'nt-life', charter_date: '2027-07-10' }) as Booking;
    let all: StoredNotice[];

    beforeAll(async () => {
      await publish([{ detailType: 'BookingCreated', detail: b }]);
      await publish([
        {
          detailType: 'BookingUpdated',
          detail: { ...b, revision: 2, charter_date: '2027-07-11', charter_start: '11:00', charter_end: '14:00' },
        },
      ]);
      await publish([
        {
          detailType: 'BookingCancelled',
          detail: {
            schema_version: 1,
            booking_id: b.booking_id,
            source: b.source,
            revision: 3,
            cancelled_at: '2027-07-01T16:00:00Z',
            cancelled_by: 'weather',
            reason: 'Gale warning; $9,876.54 refunded to guest0@example.com',
          },
        },
      ]);
      all = await mailOf(b.booking_id);
    }, 90_000);

    it('gives each crew member exactly three messages: call, change, cancel', () => {
      for (const member of CREW) {
        expect(to(all, member).map((m) => m.subject.split(':')[0])).toEqual(['Crew call', 'Changed', 'Cancelled']);
      }
      expect(all).toHaveLength(9);
    });

    it('sends invites that update one calendar event in place: one UID, SEQUENCE rising, the last a CANCEL', () => {
      for (const member of CREW) {
        const invites = to(all, member).map(inviteIn);
        expect(new Set(invites.map((i) => i.uid)).size).toBe(1);
        expect(invites.map((i) => i.sequence)).toEqual([...invites.map((i) => i.sequence)].sort((x, y) => x - y));
        expect(new Set(invites.map((i) => i.sequence)).size).toBe(3);
        expect(invites.map((i) => i.method)).toEqual(['REQUEST', 'REQUEST', 'CANCEL']);
        expect(invites[2]!.status).toBe('CANCELLED');
        expect(invites.every((i) => i.attendees.join() === member)).toBe(true);
      }
    });

    it('says what changed, old -> new, to each member alone: no message has a BCC', () => {
      const change = to(all, 'mate@crew.example.com')[1]!;
      expect(change.body.text).toMatch(/10:00 AM\s*->\s*11:00 AM|10:00 AM → 11:00 AM/);
      for (const message of all) expect(message.destination.bcc).toEqual([]);
    });

    it('sends the captain a copy of everyone else’s notices, with no invite and no member link', async () => {
      const copies = await copiesOf(b.booking_id);
      expect(copies.map((m) => m.subject.split(':').slice(0, 2).join(':')).sort()).toEqual(
        ['Cancelled', 'Cancelled', 'Changed', 'Changed', 'Crew call', 'Crew call'].map((k) => `Copy: ${k}`),
      );
      for (const copy of copies) {
        expect(copy.destination).toMatchObject({ to: [CAPTAIN], bcc: [] });
        // No text/calendar part: nothing a copy carries can reach the captain's own calendar.
        expect((copy.attachments ?? []).filter((a) => a.contentType.startsWith('text/calendar'))).toEqual([]);
        expect(crewLinkIn(copy, cloud.endpoints.api)).toBeUndefined();
      }
    });

    it('carries no money or guest contact details in any message or invite', () => {
      for (const message of all) {
        // Date-times such as DTSTART:20270711T130000 would read as the amount 30000: the invite's words are checked.
        const invite = (message.attachments ?? []).map((a) =>
          Buffer.from(a.content, 'base64')
            .toString('utf8')
            .replace(/^(DTSTART|DTEND|DTSTAMP|TZOFFSET\w*)[:;].*$/gm, ''),
        );
        const text = `${message.subject}${message.body.text ?? ''}${message.body.html ?? ''}${invite.join('')}`;
        expect(moneyIn(text)).toEqual([]);
        expect(text).not.toContain('guest0@example.com');
        expect(text).not.toContain('555 0142');
      }
    });
  });

  describe('the operator changes the crew', () => {
    const b = booking(41, { booking_id: 'nt-crew', charter_date: '2027-08-15' }) as Booking;
    const NEW_HAND = {
      member_id: 'mara-quinn',
      name: 'Mara Quinn',
      email: 'relief@crew.example.com',
      role: 'deckhand',
    };
    let before: StoredNotice[];
    let after: StoredNotice[];
    let removedLink: string | undefined;

    beforeAll(async () => {
      await publish([{ detailType: 'BookingCreated', detail: b }]);
      before = await mailOf(b.booking_id);
      removedLink = crewLinkIn(to(before, 'deckhand@crew.example.com')[0]!, cloud.endpoints.api);
      const { events } = await fetchJson<{
        events: Array<{ event_id: string; version: number; crew: Array<Record<string, unknown>> }>;
      }>(`${cloud.endpoints.api}/events?booking_id=${b.booking_id}`, {
        headers: { 'x-service-key': serviceKey(cloud) },
      });
      const event = events[0]!;
      const crew = event.crew
        .filter((m) => m.email !== 'deckhand@crew.example.com')
        .map(({ member_id, name, email, role }) => ({ member_id, name, email, role }));
      const res = await fetch(`${cloud.endpoints.api}/events/${event.event_id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-service-key': serviceKey(cloud) },
        body: JSON.stringify({ expected_version: event.version, crew: [...crew, NEW_HAND] }),
      });
      expect(res.status).toBe(200);
      await cloud.idle();
      after = (await mailOf(b.booking_id)).slice(before.length);
    }, 90_000);

    it('gives the new member one call and the removed one one removal, and nothing to the others', () => {
      expect(after.map((m) => `${m.destination.to[0]} ${m.subject.split(':')[0]}`).sort()).toEqual([
        'deckhand@crew.example.com Off the crew',
        'relief@crew.example.com Crew call',
      ]);
      expect(inviteIn(to(after, 'deckhand@crew.example.com')[0]!).method).toBe('CANCEL');
      expect(inviteIn(to(after, NEW_HAND.email)[0]!).method).toBe('REQUEST');
    });

    it("answers the removed member's old link with 403", async () => {
      expect(removedLink).toBeTruthy();
      const res = await fetch(removedLink!, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(403);
    });
  });

  describe("the operator changes a member's email (the same member)", () => {
    const b = booking(42, { booking_id: 'nt-email', charter_date: '2027-08-20' }) as Booking;
    const NEW_ADDRESS = 'isla.moreno@crew.example.com';
    let before: StoredNotice[];
    let after: StoredNotice[];
    let copies: StoredNotice[];

    beforeAll(async () => {
      await publish([{ detailType: 'BookingCreated', detail: b }]);
      before = await mailOf(b.booking_id);
      const { events } = await fetchJson<{
        events: Array<{ event_id: string; version: number; crew: Array<Record<string, unknown>> }>;
      }>(`${cloud.endpoints.api}/events?booking_id=${b.booking_id}`, {
        headers: { 'x-service-key': serviceKey(cloud) },
      });
      const event = events[0]!;
      const crew = event.crew.map(({ member_id, name, email, role }) => ({
        member_id,
        name,
        email: email === 'mate@crew.example.com' ? NEW_ADDRESS : email,
        role,
      }));
      const copiesBefore = (await copiesOf(b.booking_id)).length;
      const res = await fetch(`${cloud.endpoints.api}/events/${event.event_id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-service-key': serviceKey(cloud) },
        body: JSON.stringify({ expected_version: event.version, crew }),
      });
      expect(res.status).toBe(200);
      await cloud.idle();
      after = (await mailOf(b.booking_id)).slice(before.length);
      copies = (await copiesOf(b.booking_id)).slice(copiesBefore);
    }, 90_000);

    it('tells the old address it is off the crew and calls the new one, and nobody else', () => {
      expect(after.map((m) => `${m.destination.to[0]} ${m.subject.split(':')[0]}`)).toEqual([
        'mate@crew.example.com Off the crew',
        `${NEW_ADDRESS} Crew call`,
      ]);
      const [removal, call] = after.map(inviteIn);
      // The old address's calendar loses the event; the new one's gets it, the same event (UID) at a later SEQUENCE.
      expect(removal).toMatchObject({ method: 'CANCEL', attendees: ['mate@crew.example.com'] });
      expect(call).toMatchObject({ method: 'REQUEST', uid: removal!.uid, attendees: [NEW_ADDRESS] });
      expect(call!.sequence).toBeGreaterThan(removal!.sequence);
      expect(crewLinkIn(to(after, NEW_ADDRESS)[0]!, cloud.endpoints.api)).toBeDefined();
      expect(copies.map((m) => m.subject.split(':').slice(0, 2).join(':'))).toEqual([
        'Copy: Off the crew',
        'Copy: Crew call',
      ]);
    });
  });
});
