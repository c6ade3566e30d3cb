import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '@charter/shared/dynamo';
import { verifyCrewToken } from '@charter/shared/magic-link';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { planNotices } from '../src/domain/join';
import { ROSTER, calendarUpdated, eventCreated, eventUpdated } from './fixtures';
import {
  busEvent,
  crewNotifiedOf,
  inviteIn,
  lambdaContext,
  mailFor,
  scheduledEvent,
  type StoredNotice,
} from './harness';

/**
 * The notifier's handlers against the local cloud's real stores: dynalite for the join table, aws-ses-v2-local for
 * mail, the project's EventBridge and Secrets Manager. Each test uses its own booking id, so the mailbox and the bus
 * are filtered by it.
 */
type BusHandler = (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<void>;
type ScheduledHandler = typeof import('../src/handlers/check-stalls').handler;

let cloud: LocalCloud;
let onSuccessEvent: BusHandler;
let checkStalls: ScheduledHandler;
let store: typeof import('../src/store/join');
let magicLinkKey: string;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  cloud = await startLocalCloud({ services: ['scc', 'notifications'], run: false });
  Object.assign(
    process.env,
    cloud.functionEnv('notifications', 'checkStalls'),
    cloud.functionEnv('notifications', 'onSuccessEvent'),
  );
  magicLinkKey = cloud.secrets['charter/local/magic-link-key']!;
  ({ handler: onSuccessEvent } = await import('../src/handlers/on-success-event'));
  ({ handler: checkStalls } = await import('../src/handlers/check-stalls'));
  store = await import('../src/store/join');
});

afterAll(async () => {
  await cloud?.stop();
});

const deliver = (
  detailType: 'EventCreated' | 'EventUpdated' | 'CalendarUpdated' | 'CrewResendRequested',
  detail: unknown,
) => onSuccessEvent(busEvent(detailType, detail), lambdaContext());
const runStallCheck = (at: Date) =>
  checkStalls(scheduledEvent(at), lambdaContext('charter-notifications-local-checkStalls'));
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

const crewCalls = async (bookingId: string) =>
  (await mailFor(cloud, bookingId)).filter((m) => m.subject.startsWith('Crew call:'));
const alertsFor = async (bookingId: string) =>
  (await mailFor(cloud, bookingId)).filter((m) => m.subject.startsWith('Booking '));
const recipients = (emails: StoredNotice[]) => emails.map((m) => m.destination.to.join(',')).sort();
const everyone = ROSTER.map((m) => m.email).sort();

function expectOneCallPerMember(emails: StoredNotice[]) {
  expect(recipients(emails)).toEqual(everyone);
  for (const email of emails) {
    expect(email.destination.bcc).toEqual([]);
    expect(email.from).toBe('crew-desk@crew.example.com');
    expect(email.body.html).toBeTruthy();
    expect(email.body.text).toBeTruthy();
  }
}

describe('the crew call goes out once scc and the calendar are at the same revision', () => {
  it('emails each crew member once when EventCreated arrives before CalendarUpdated', async () => {
    const id = 'order-event-first';
    await deliver('EventCreated', eventCreated(id));
    expect(await crewCalls(id)).toHaveLength(0);
    await deliver('CalendarUpdated', calendarUpdated(id));
    expectOneCallPerMember(await crewCalls(id));
  });

  it('emails each crew member once when CalendarUpdated arrives before EventCreated', async () => {
    const id = 'order-calendar-first';
    await deliver('CalendarUpdated', calendarUpdated(id));
    expect(await crewCalls(id)).toHaveLength(0);
    await deliver('EventCreated', eventCreated(id));
    expectOneCallPerMember(await crewCalls(id));
  });

  it('waits while the calendar is at another revision than scc', async () => {
    const id = 'order-revisions-apart';
    const created = eventCreated(id);
    await deliver('EventUpdated', eventUpdated(created, { charter_start: '11:00' }));
    await deliver('CalendarUpdated', calendarUpdated(id));
    expect(await mailFor(cloud, id)).toHaveLength(0);
    await deliver('CalendarUpdated', calendarUpdated(id, { revision: 2 }));
    expectOneCallPerMember(await crewCalls(id));
  });

  it("gives each member a link to the SCC crew page that SCC's key accepts for that member", async () => {
    const id = 'magic-links';
    // A charter a month ahead, so the link is live now (links expire a day after the charter).
    const event = eventCreated(id, { charter_date: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) });
    await Promise.all([deliver('EventCreated', event), deliver('CalendarUpdated', calendarUpdated(id))]);
    const sccApi = cloud.functionEnv('notifications', 'onSuccessEvent').SCC_API_URL!;
    for (const email of await crewCalls(id)) {
      const link = new URL(/href="([^"]+)"/.exec(email.body.html!)![1]!.replace(/&amp;/g, '&'));
      expect(`${link.origin}${link.pathname}`).toBe(`${sccApi.replace(/\/$/, '')}/crew/${event.event_id}`);
      expect(email.body.text).toContain(link.toString());
      const member = ROSTER.find((m) => m.email === email.destination.to[0])!;
      const sentTo = { eventId: event.event_id, email: email.destination.to[0]! };
      expect(verifyCrewToken([magicLinkKey], sentTo, link.searchParams.get('token')!)).toMatchObject({
        ok: true,
        memberId: member.member_id,
      });
    }
  });

  it('publishes one CrewNotified of kind call at its revision, naming each recipient and message id', async () => {
    const id = 'crew-notified';
    await deliver('EventCreated', eventCreated(id));
    await deliver('CalendarUpdated', calendarUpdated(id));
    await deliver('CalendarUpdated', calendarUpdated(id));
    const emails = await crewCalls(id);
    const notices = crewNotifiedOf(cloud, id);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.source).toBe('charter.notifications');
    expect(notices[0]!.detail).toMatchObject({ kind: 'call', revision: 1 });
    expect(notices[0]!.detail.recipients.map((r) => [r.email, r.message_id]).sort()).toEqual(
      emails.map((m) => [m.destination.to[0], m.messageId]).sort(),
    );
  });

  it('keeps the first crew event when a second, different one arrives for the booking', async () => {
    const id = 'second-crew-event';
    await deliver('EventCreated', eventCreated(id));
    await deliver('EventCreated', eventCreated(id, { event_id: `evt_${id}9999`, vessel: 'OTHER', version: 5 }));
    await deliver('CalendarUpdated', calendarUpdated(id));
    const emails = await crewCalls(id);
    expect(emails).toHaveLength(3);
    expect(emails.every((m) => m.subject.includes('JADA') && m.body.html!.includes(`/crew/evt_${id}0000`))).toBe(true);
  });

  it('takes a settled booking off the watch list', async () => {
    const id = 'settled-unwatched';
    await deliver('EventCreated', eventCreated(id));
    expect(await store.watchedSince(minutesFromNow(1))).toContain(id);
    await deliver('CalendarUpdated', calendarUpdated(id));
    expect(await store.watchedSince(minutesFromNow(1))).not.toContain(id);
  });
});

describe('exactly once per member and notice', () => {
  afterEach(() => jest.restoreAllMocks());

  it('refuses a claim computed from an older state (the compare-and-set on what the member was told)', async () => {
    const id = 'claim-compare-and-set';
    await deliver('EventCreated', eventCreated(id));
    await store.recordCalendar(
      id,
      { revision: 1, status: 'booked', year: 2024, calendar_url: 'https://c/2024.json' },
      new Date(),
    );
    const state = (await store.getJoin(id))!;
    const [call] = planNotices(state).due;
    expect(await store.claimNotice(id, call!, 'first/0001', new Date())).toBe(true);
    // A second delivery that computed the same call from the same state loses.
    expect(await store.claimNotice(id, call!, 'second/0002', new Date())).toBe(false);
    // Once the first is recorded, a delivery still holding the old read cannot claim either.
    expect(await store.markNoticeSending(id, call!, 'first/0001', new Date())).toBe(true);
    await store.recordNoticeSent(id, call!, 'first/0001', 'msg-1', new Date());
    expect(await store.claimNotice(id, call!, 'third/0003', new Date())).toBe(false);
    expect((await store.getJoin(id))!.members[call!.member.member_id]).toMatchObject({
      sequence: 1,
      status: 'idle',
      told: { kind: 'call', message_id: 'msg-1', sequence: 0 },
    });
  });

  it('sends a notice whose invocation died after its claim, before SES had it: the next takes it over', async () => {
    const id = 'crash-before-send';
    await deliver('EventCreated', eventCreated(id));
    const realMark = store.markNoticeSending;
    jest.spyOn(store, 'markNoticeSending').mockImplementation((bookingId, notice, ...rest) => {
      if (notice.member.member_id === 'isla-moreno')
        return Promise.reject(new Error('simulated crash between the claim and SendEmail'));
      return realMark(bookingId, notice, ...rest);
    });
    await expect(deliver('CalendarUpdated', calendarUpdated(id))).rejects.toThrow('simulated crash');
    jest.restoreAllMocks();
    expect((await store.getJoin(id))?.members['isla-moreno']).toMatchObject({ status: 'claimed', sequence: 1 });
    expect(recipients(await crewCalls(id))).toEqual(['captain@crew.example.com', 'deckhand@crew.example.com']);

    // Lambda retries the failed invocation: the claim never reached SES, so it is taken over and sent, once.
    await deliver('CalendarUpdated', calendarUpdated(id));
    await deliver('EventCreated', eventCreated(id));
    expectOneCallPerMember(await crewCalls(id));
    expect((await store.getJoin(id))?.members['isla-moreno']).toMatchObject({
      status: 'idle',
      sequence: 1,
      told: { kind: 'call', sequence: 0 },
    });
    expect(crewNotifiedOf(cloud, id).map((e) => e.detail.recipients.length)).toEqual([3]);
  });

  it("judges at once a send its own earlier attempt left with SES (Lambda's retry keeps the request id)", async () => {
    const id = 'retry-finds-own-send';
    const created = eventCreated(id);
    await deliver('EventCreated', created);
    const realRecord = store.recordNoticeSent;
    jest.spyOn(store, 'recordNoticeSent').mockImplementation((bookingId, notice, ...rest) => {
      if (notice.member.member_id === 'isla-moreno')
        return Promise.reject(new Error('simulated crash after SendEmail'));
      return realRecord(bookingId, notice, ...rest);
    });
    const invocation = lambdaContext();
    const calendarEvent = busEvent('CalendarUpdated', calendarUpdated(id));
    await expect(onSuccessEvent(calendarEvent, invocation)).rejects.toThrow('simulated crash');
    jest.restoreAllMocks();

    await onSuccessEvent(calendarEvent, invocation);
    const mate = (await store.getJoin(id))?.members['isla-moreno'];
    expect(mate).toMatchObject({ status: 'unconfirmed', claim: { kind: 'call' } });
    expect(mate?.claim?.reason).toContain('stopped after handing the message to SES');
    expectOneCallPerMember(await crewCalls(id));
    // The others' CrewNotified is out at once: the unknown one does not hold it back.
    expect(crewNotifiedOf(cloud, id).map((e) => e.detail.recipients.map((r) => r.member_id))).toEqual([
      ['rowan-hale', 'theo-park'],
    ]);

    // A change still reaches her, told as a change of what she may have got.
    await deliver('EventUpdated', eventUpdated(created, { charter_start: '11:00' }));
    await deliver('CalendarUpdated', calendarUpdated(id, { revision: 2 }));
    const changes = (await mailFor(cloud, id)).filter((m) => m.subject.startsWith('Changed:'));
    expect(changes.map((m) => m.destination.to[0]).sort()).toEqual(everyone);
    expect((await store.getJoin(id))?.members['isla-moreno']).toMatchObject({ status: 'idle', sequence: 2 });
  });

  it('never emails a member again after a crash between send and record; the stall check reports it', async () => {
    const id = 'crash-after-send';
    await deliver('EventCreated', eventCreated(id));
    // SES accepts the mate's message, then the invocation dies before recording its message id.
    const realRecord = store.recordNoticeSent;
    jest.spyOn(store, 'recordNoticeSent').mockImplementation((bookingId, notice, ...rest) => {
      if (notice.member.member_id === 'isla-moreno')
        return Promise.reject(new Error('simulated crash after SendEmail'));
      return realRecord(bookingId, notice, ...rest);
    });
    await expect(deliver('CalendarUpdated', calendarUpdated(id))).rejects.toThrow('simulated crash');
    jest.restoreAllMocks();

    // Lambda retries the failed invocation, and EventBridge delivers the other event again.
    await deliver('CalendarUpdated', calendarUpdated(id));
    await deliver('EventCreated', eventCreated(id));

    expect(recipients(await crewCalls(id))).toEqual(everyone);
    const mate = (await store.getJoin(id))?.members['isla-moreno'];
    // Marked sending before SES was asked: another invocation never sends it again.
    expect(mate).toMatchObject({ status: 'sending', claim: { kind: 'call' } });
    expect(mate?.told).toBeUndefined();
    expect(crewNotifiedOf(cloud, id)).toHaveLength(0);

    await runStallCheck(minutesFromNow(16));
    await runStallCheck(minutesFromNow(17));
    const alerts = await alertsFor(id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      subject: `Booking ${id}: the crew email did not reach one crew member`,
      destination: { to: ['captain@crew.example.com'] },
    });
    expect(alerts[0]!.body.text).toContain(
      'Isla Moreno <mate@crew.example.com> (mate), "Crew call:" notice: possibly sent',
    );
    expect(recipients(await crewCalls(id))).toEqual(everyone);
    // The stall check passed the dead claim: the other two are in CrewNotified.
    expect(crewNotifiedOf(cloud, id).map((e) => e.detail.recipients.map((r) => r.member_id))).toEqual([
      ['rowan-hale', 'theo-park'],
    ]);
  });
});

describe("the operator's resend (CrewResendRequested, from SCC's POST .../crew/{member_id}/resend)", () => {
  const resendOf = (bookingId: string, memberId: string, requestedAt: string) => ({
    schema_version: 1,
    booking_id: bookingId,
    event_id: eventCreated(bookingId).event_id,
    member_id: memberId,
    revision: 1,
    version: 1,
    requested_at: requestedAt,
  });
  const freshNotices = async (bookingId: string) =>
    (await mailFor(cloud, bookingId)).filter((m) => m.subject.startsWith('Crew details:'));

  it('sends the member one fresh notice with their link per request, counted as a notice of its own', async () => {
    const id = 'resend-told';
    // A charter a month ahead, so that the fresh link is live now.
    const ahead = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await deliver('EventCreated', eventCreated(id, { charter_date: ahead }));
    await deliver('CalendarUpdated', calendarUpdated(id));
    const request = resendOf(id, 'theo-park', '2024-05-20T10:00:00.000Z');
    await deliver('CrewResendRequested', request);
    await deliver('CrewResendRequested', request);

    const fresh = await freshNotices(id);
    expect(fresh.map((m) => m.destination.to[0])).toEqual(['deckhand@crew.example.com']);
    expect(fresh[0]!.subject).toMatch(new RegExp(`^Crew details: JADA, .+ \\(booking ${id}\\)$`));
    expect(fresh[0]!.destination.bcc).toEqual([]);
    const link = /https?:\/\/[^\s]+\/crew\/[^\s]+/.exec(fresh[0]!.body.text!)![0];
    const token = new URL(link).searchParams.get('token')!;
    const sentTo = { eventId: eventCreated(id).event_id, email: 'deckhand@crew.example.com' };
    expect(verifyCrewToken([magicLinkKey], sentTo, token)).toMatchObject({
      ok: true,
      memberId: 'theo-park',
    });
    expect(inviteIn(fresh[0]!)).toMatchObject({ method: 'REQUEST', sequence: 1 });
    expect(crewNotifiedOf(cloud, id).map((e) => [e.detail.kind, e.detail.recipients.map((r) => r.member_id)])).toEqual([
      ['call', ['isla-moreno', 'rowan-hale', 'theo-park']],
      ['resend', ['theo-park']],
    ]);

    // Another request is another notice.
    await deliver('CrewResendRequested', resendOf(id, 'theo-park', '2024-05-20T11:00:00.000Z'));
    expect(await freshNotices(id)).toHaveLength(2);
    expect(crewNotifiedOf(cloud, id).filter((e) => e.detail.kind === 'resend')).toHaveLength(2);
    expect((await store.getJoin(id))?.members['theo-park']).toMatchObject({ status: 'idle', sequence: 3 });
  });

  it('reaches a member whose notice may not have gone, and settles what the report said', async () => {
    const id = 'resend-unconfirmed';
    await deliver('EventCreated', eventCreated(id));
    const realRecord = store.recordNoticeSent;
    jest.spyOn(store, 'recordNoticeSent').mockImplementation((bookingId, notice, ...rest) => {
      if (notice.member.member_id === 'isla-moreno') return Promise.reject(new Error('simulated crash after SES'));
      return realRecord(bookingId, notice, ...rest);
    });
    const invocation = lambdaContext();
    const calendarEvent = busEvent('CalendarUpdated', calendarUpdated(id));
    await expect(onSuccessEvent(calendarEvent, invocation)).rejects.toThrow('simulated crash');
    jest.restoreAllMocks();
    await onSuccessEvent(calendarEvent, invocation);
    expect((await store.getJoin(id))?.members['isla-moreno']?.status).toBe('unconfirmed');

    await deliver('CrewResendRequested', resendOf(id, 'isla-moreno', '2024-05-20T10:00:00.000Z'));
    expect((await freshNotices(id)).map((m) => m.destination.to[0])).toEqual(['mate@crew.example.com']);
    const mate = (await store.getJoin(id))?.members['isla-moreno'];
    expect(mate).toMatchObject({ status: 'idle', told: { kind: 'resend' } });
    expect(mate?.claim).toBeUndefined();
    // Nothing left to report: the stall check does not alert about her.
    await runStallCheck(minutesFromNow(20));
    expect(await alertsFor(id)).toHaveLength(0);
  });
});

describe('the stall check', () => {
  it('tells the captain once that the calendar entry was never confirmed', async () => {
    const id = 'stall-no-calendar';
    await deliver('EventCreated', eventCreated(id));
    await runStallCheck(minutesFromNow(5));
    expect(await mailFor(cloud, id)).toHaveLength(0);

    await runStallCheck(minutesFromNow(16));
    await runStallCheck(minutesFromNow(17));
    const alerts = await mailFor(cloud, id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      subject: `Booking ${id} is stuck: the calendar entry was never confirmed`,
      destination: { to: ['captain@crew.example.com'] },
    });
    // It links the booking in the ops console (compose passes ops' ConsoleUrl), not a command.
    const console = cloud.functionEnv('notifications', 'checkStalls').OPS_CONSOLE_URL!;
    expect(console).toMatch(/\/console$/);
    expect(alerts[0]!.body.text).toContain(`${console}#/booking/${id}`);
    expect(alerts[0]!.body.text).not.toContain('npm run');
  });

  it('tells the captain once that the calendar never confirmed a change the crew were called for before', async () => {
    const id = 'stall-change-no-calendar';
    const created = eventCreated(id);
    await deliver('EventCreated', created);
    await deliver('CalendarUpdated', calendarUpdated(id));
    await deliver('EventUpdated', eventUpdated(created, { charter_start: '12:00' }));
    await Promise.all([runStallCheck(minutesFromNow(16)), runStallCheck(minutesFromNow(16))]);
    const alerts = await alertsFor(id);
    expect(alerts.map((a) => a.subject)).toEqual([`Booking ${id} is stuck: the calendar never confirmed revision 2`]);
  });

  it('tells the configured stall address once that the crew event was never created', async () => {
    const id = 'stall-no-crew-event';
    await deliver('CalendarUpdated', calendarUpdated(id));
    await Promise.all([runStallCheck(minutesFromNow(16)), runStallCheck(minutesFromNow(16))]);
    await runStallCheck(minutesFromNow(30));
    const alerts = await mailFor(cloud, id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      subject: `Booking ${id} is stuck: the crew event (SCC) was never created`,
      destination: { to: [process.env.STALL_ALERT_ADDRESS] },
    });
  });

  it('still emails the crew when the missing step finally happens after the alert', async () => {
    const id = 'stall-then-recovered';
    await deliver('EventCreated', eventCreated(id));
    await runStallCheck(minutesFromNow(16));
    await deliver('CalendarUpdated', calendarUpdated(id));
    expectOneCallPerMember(await crewCalls(id));
    expect(crewNotifiedOf(cloud, id)).toHaveLength(1);
    expect(await mailFor(cloud, id)).toHaveLength(4);
  });

  it('publishes CrewNotified once when the invocation that claimed it died', async () => {
    const id = 'stall-publisher-died';
    await deliver('EventCreated', eventCreated(id));
    // An earlier invocation claimed the publication of the call and died before PutEvents.
    const realClaimOnce = store.claimOnce;
    jest.spyOn(store, 'claimOnce').mockImplementation(async (bookingId, at, claimer, now, options) => {
      if (at.kind !== 'crew_notified') return realClaimOnce(bookingId, at, claimer, now, options);
      await realClaimOnce(bookingId, at, 'dead-request/0000', now, options);
      return false;
    });
    await deliver('CalendarUpdated', calendarUpdated(id));
    jest.restoreAllMocks();
    expectOneCallPerMember(await crewCalls(id));
    expect(crewNotifiedOf(cloud, id)).toHaveLength(0);

    await runStallCheck(minutesFromNow(20));
    await runStallCheck(minutesFromNow(21));
    expect(crewNotifiedOf(cloud, id)).toHaveLength(1);
    expect(crewNotifiedOf(cloud, id)[0]!.detail.recipients).toHaveLength(3);
    expect(await mailFor(cloud, id)).toHaveLength(3);
  });

  it('keeps watching a booking that an event touched after the check read it', async () => {
    const id = 'stall-stale-read';
    await deliver('EventCreated', eventCreated(id));
    const seen = (await store.getJoin(id))!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await deliver('EventUpdated', eventUpdated(eventCreated(id), { charter_start: '11:00' }));
    await store.stopWatching(seen);
    expect(await store.watchedSince(minutesFromNow(1))).toContain(id);
    await store.stopWatching((await store.getJoin(id))!);
    expect(await store.watchedSince(minutesFromNow(1))).not.toContain(id);
  });

  it('says nothing about a booking whose crew was notified', async () => {
    const id = 'stall-none';
    await deliver('EventCreated', eventCreated(id));
    await deliver('CalendarUpdated', calendarUpdated(id));
    await runStallCheck(minutesFromNow(60));
    expect(await mailFor(cloud, id)).toHaveLength(3);
  });
});

describe('an item written by v1 (one crew call per booking, before this change)', () => {
  /** The item v1 left once the crew was called: its crew event without version, its sends, its CrewNotified. */
  async function putV1Item(id: string, sends: Record<string, unknown>) {
    const { schema_version, booking_id, event_id, charter_date, charter_start, charter_end, timezone, vessel } =
      eventCreated(id);
    const crew_event = {
      ...{ schema_version, booking_id, event_id, charter_date, charter_start, charter_end, timezone, vessel },
      location: 'Shelter Island, San Diego',
      guest_count: 4,
      crew: ROSTER,
    };
    const at = new Date(Date.now() - 3_600_000).toISOString();
    await documentClient().send(
      new PutCommand({
        TableName: process.env.JOIN_TABLE,
        Item: {
          booking_id: id,
          crew_event,
          crew_event_at: at,
          calendar: { year: 2024, calendar_url: 'https://calendar.example.com/calendar/2024.json' },
          calendar_at: at,
          sends,
          crew_notified: { status: 'done', claimed_at: at, claimed_by: 'v1/0000', id: 'evt-v1' },
          notified_at: at,
          updated_at: at,
        },
      }),
    );
  }
  const sentV1 = (email: string) => ({
    status: 'sent',
    email,
    claimed_at: '2024-05-01T12:00:00.000Z',
    claimed_by: 'v1/0000',
    message_id: `v1-${email}`,
    sent_at: '2024-05-01T12:00:01.000Z',
  });

  it('tells the members v1 called the change (not a second call), with invites starting after it', async () => {
    const id = 'v1-item-change';
    await putV1Item(id, Object.fromEntries(ROSTER.map((m) => [m.member_id, sentV1(m.email)])));
    const created = eventCreated(id);
    await deliver('EventUpdated', eventUpdated(created, { charter_start: '11:00', charter_end: '14:00' }));
    await deliver('CalendarUpdated', calendarUpdated(id, { revision: 2 }));
    const all = await mailFor(cloud, id);
    expect(all.map((m) => m.subject.split(':')[0])).toEqual(['Changed', 'Changed', 'Changed']);
    expect(all[0]!.body.text).toContain('- Start: 10:00 AM -> 11:00 AM');
    expect(all.map((m) => inviteIn(m).sequence)).toEqual([1, 1, 1]);
    // v1's CrewNotified is not published again; the change's is.
    expect(crewNotifiedOf(cloud, id).map((e) => e.detail.kind)).toEqual(['change']);
  });

  it('calls the members v1 had not reached yet, and only them', async () => {
    const id = 'v1-item-partial';
    const { 'theo-park': _unsent, ...two } = Object.fromEntries(ROSTER.map((m) => [m.member_id, sentV1(m.email)]));
    await putV1Item(id, two);
    await deliver('CalendarUpdated', calendarUpdated(id));
    expect(recipients(await crewCalls(id))).toEqual(['deckhand@crew.example.com']);
  });
});

describe('a stage that is not configured', () => {
  /** Runs with the given environment and a fresh copy of the service's modules (settings are read once per module). */
  async function withEnv(overrides: Record<string, string>, body: () => Promise<void>): Promise<void> {
    const saved = Object.fromEntries(Object.keys(overrides).map((k) => [k, process.env[k]]));
    Object.assign(process.env, overrides);
    try {
      await jest.isolateModulesAsync(body);
    } finally {
      Object.assign(process.env, saved);
    }
  }

  it('fails loudly, naming the missing magic-link key, and leaves no claim behind', async () => {
    const id = 'no-magic-link-key';
    await withEnv({ MAGIC_LINK_KEY_SECRET_NAME: 'charter/local/no-such-key' }, async () => {
      const { handler } = await import('../src/handlers/on-success-event');
      await handler(busEvent('EventCreated', eventCreated(id)), lambdaContext());
      await expect(handler(busEvent('CalendarUpdated', calendarUpdated(id)), lambdaContext())).rejects.toThrow(
        'secret charter/local/no-such-key is not configured',
      );
    });
    expect((await store.getJoin(id))?.members).toEqual({});
    expect(await crewCalls(id)).toHaveLength(0);
  });

  it('fails the stall check loudly, naming STALL_ALERT_ADDRESS, when no alert address is set', async () => {
    await withEnv({ STALL_ALERT_ADDRESS: '' }, async () => {
      const { handler } = await import('../src/handlers/check-stalls');
      await expect(handler(scheduledEvent(new Date()), lambdaContext())).rejects.toThrow(
        'environment variable STALL_ALERT_ADDRESS is not configured',
      );
    });
  });
});
