import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingCreatedInput, CrewNotified } from '@charter/events';
import { bookingInput, sampleBookings } from '@charter/local/fixtures';
import { publishBookings, startLocalCloud, type LocalCloud } from '@charter/local/testing';
import type { Alert } from '../src/domain/partners';
import type { BookingView, CharterRow } from '../src/read-model';
import { ROSTER, sesEvent } from './fixtures';
import { opsApi, publishAs, tick } from './harness';

/**
 * Ops in the whole local cloud: partners publish on the bus, guest-pages, scc, calendar and notifications do their
 * part, and ops, listening to all of it, is read through the HTTP API with the dashboard token, as the console
 * reads it. The bus delivers every event three times at once here, as a burst of redeliveries would.
 */
let cloud: LocalCloud;
let token: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ services: 'all', run: true });
  token = cloud.secrets['charter/local/dashboard-token']!;
  cloud.eventBridge.deliveries = 3;
  await publishBookings(sampleBookings());
  await cloud.idle();
}, 120_000);
afterAll(() => cloud?.stop());

const booking = async (id: string) => (await opsApi<BookingView>(cloud, `/ops/bookings/${id}`, token)).body;
const crewNotified = (id: string) =>
  cloud
    .published()
    .filter((e) => e['detail-type'] === 'CrewNotified' && (e.detail as CrewNotified).booking_id === id)
    .map((e) => e.detail as CrewNotified);

describe('the samples, each event delivered three times', () => {
  it.each(sampleBookings().map((b) => [b.booking_id]))(
    '%s: each step once, every event on the bus in it, in the order they happened',
    async (id) => {
      const { timeline, status } = await booking(id);
      const onTheBus = cloud
        .published()
        .filter((e) => (e.detail as { booking_id?: string }).booking_id === id)
        .map((e) => e.id);
      // Each service published its success at least three times (once per delivery of BookingCreated, and once more
      // for an invocation that timed out on a loaded machine and was retried): one step, every id in it.
      expect(timeline.flatMap((e) => e.event_ids).sort()).toEqual([...onTheBus].sort());
      const pagesOnTheBus = cloud
        .published()
        .filter(
          (e) => e['detail-type'] === 'GuestPagePublished' && (e.detail as { booking_id: string }).booking_id === id,
        )
        .map((e) => e.id);
      expect(pagesOnTheBus.length).toBeGreaterThanOrEqual(3);
      expect(timeline.find((e) => e.kind === 'GuestPagePublished')?.event_ids.sort()).toEqual(pagesOnTheBus.sort());
      const kinds = timeline.map((e) => e.kind);
      expect([...kinds].sort()).toEqual(
        ['BookingCreated', 'CalendarUpdated', 'CrewNotified', 'EventCreated', 'GuestPagePublished'].sort(),
      );
      expect(kinds[0]).toBe('BookingCreated');
      expect(kinds.at(-1)).toBe('CrewNotified');
      const instants = timeline.map((e) => e.at);
      expect(instants).toEqual([...instants].sort());
      expect(status).toMatchObject({
        lifecycle: 'live',
        guest_page: { state: 'done' },
        crew_event: { state: 'done' },
        calendar: { state: 'done' },
        readiness: { state: 'not_ready', missing: ['Crew not confirmed: Rowan Hale, Isla Moreno, Theo Park'] },
      });
    },
  );
});

describe('a charter becoming ready', () => {
  afterEach(() => {
    cloud.eventBridge.deliveries = 1;
  });

  it('changes readiness as the crew confirm', async () => {
    const sample = JSON.parse(
      readFileSync(join(__dirname, '../../../events/samples/direct-2027-sunset.json'), 'utf8'),
    ) as BookingCreatedInput;
    const [notified] = crewNotified(sample.booking_id);
    const row = async () => {
      const { body } = await opsApi<{ bookings: CharterRow[] }>(
        cloud,
        `/ops/bookings?from=${sample.charter_date}&to=${sample.charter_date}`,
        token,
      );
      return body.bookings.find((b) => b.booking_id === sample.booking_id)!;
    };
    const seen = [await row()];
    for (const member of ROSTER) {
      await publishAs('CrewConfirmed', {
        schema_version: 1,
        booking_id: sample.booking_id,
        event_id: notified!.event_id,
        member_id: member.member_id,
        revision: 1,
        version: 1,
        confirmed_at: new Date().toISOString(),
      });
      await cloud.idle();
      seen.push(await row());
    }
    expect(seen.map((r) => r.confirmed.count)).toEqual([0, 1, 2, 3]);
    expect(seen.map((r) => r.readiness.state)).toEqual(['not_ready', 'not_ready', 'not_ready', 'ready']);
    expect(seen[2]!.readiness.missing).toEqual(['Crew not confirmed: Theo Park']);
  });
});

describe('a charter with problems', () => {
  const id = 'ops-problems-1';

  it('shows a dead letter, a declined member and a bounced address', async () => {
    await publishBookings([bookingInput({ booking_id: id, charter_date: '2027-08-14' })]);
    await cloud.idle();
    const [notified] = crewNotified(id);
    const mate = notified!.recipients.find((r) => r.member_id === 'isla-moreno')!;

    await publishAs('CrewDeclined', {
      schema_version: 1,
      booking_id: id,
      event_id: notified!.event_id,
      member_id: 'theo-park',
      revision: 1,
      version: 1,
      declined_at: new Date().toISOString(),
      reason: 'Sick',
    });
    // SES reports the mate's crew call bounced, on the default bus, as SES does.
    const bounce = sesEvent('Email Bounced', {
      bookingId: id,
      messageId: mate.message_id,
      to: [mate.email],
      time: new Date(),
    });
    cloud.eventBridge.injectAwsServiceEvent({
      source: 'aws.ses',
      detailType: 'Email Bounced',
      detail: bounce.detail,
      resources: ['arn:aws:ses:us-west-2:000000000000:configuration-set/charter-crew-mail-local'],
    });
    // A change no service can read (it ends before it starts): every consumer dead-letters it.
    await publishBookings([
      { ...bookingInput({ booking_id: id, charter_start: '15:00', charter_end: '11:00' }), revision: 2 },
    ]);
    await cloud.idle();
    await cloud.runtime!.invoke('charter-ops-local-watch', tick(new Date()));

    const { status, timeline } = await booking(id);
    const blocking = status.problems.filter((p) => p.severity === 'blocking').map((p) => p.message);
    const [failed, ...others] = blocking;
    // One event no service could read: one problem naming every service that refused it (ops could not read it either).
    expect(failed).toBe(
      'calendar, guest-pages, ops and scc could not process BookingCreated (InvalidEventError): ' +
        'invalid event: detail.charter_end: must be after charter_start',
    );
    expect(others).toEqual([
      'Crew email to Isla Moreno (mate) at mate@crew.example.com bounced ' +
        '(Permanent/General: smtp; 550 5.1.1 user unknown)',
      'Theo Park (deckhand) declined: Sick',
    ]);
    expect(status.readiness).toEqual({ state: 'not_ready', missing: ['Crew not confirmed: Rowan Hale, Isla Moreno'] });
    expect(timeline.filter((e) => e.kind === 'DeadLetter')).toHaveLength(4);
    // The dead letters are read, not consumed: they are still there for `npm run dlq -- redrive`.
    expect(cloud.sqs.count(cloud.sqs.url('charter-calendar-dlq-local'))).toBe(1);
  });
});

describe('a silent partner', () => {
  it('raises its alert once, in the console and in the log', async () => {
    const inThreeDays = new Date(Date.now() + 73 * 3_600_000);
    await cloud.runtime!.invoke('charter-ops-local-watch', tick(inThreeDays));
    await cloud.runtime!.invoke('charter-ops-local-watch', tick(new Date(inThreeDays.getTime() + 60_000)));
    const { body } = await opsApi<{ alerts: Alert[]; partners: Array<{ partner: string; silence: { kind: string } }> }>(
      cloud,
      '/ops/health',
      token,
    );
    // Partners with a limit, 48 hours in this stage; direct (0) is not watched.
    expect(body.alerts.map((a) => a.partner).sort()).toEqual(['boatsetter', 'getmyboat']);
    expect(body.partners.find((p) => p.partner === 'direct')?.silence.kind).toBe('not_watched');
    const log = readFileSync(join(cloud.stateDir, 'logs', 'charter-ops.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"alert":"partner_silent"'));
    expect(log).toHaveLength(2);
    expect(log[0]).toContain(`${cloud.endpoints.opsSite}/console`);
  });

  it('refuses the routes without the dashboard token', async () => {
    for (const path of ['/ops/bookings?from=2027-01-01&to=2027-01-07', '/ops/bookings/xhqgmdh', '/ops/health']) {
      expect((await opsApi(cloud, path)).status).toBe(401);
    }
    expect((await opsApi(cloud, '/ops/dead-letters', 'wrong')).status).toBe(403);
  });
});
