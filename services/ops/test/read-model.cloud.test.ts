import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '@charter/shared/dynamo';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { serviceOfQueue } from '../src/domain/dead-letters';
import type { Alert } from '../src/domain/partners';
import type { BookingView, CharterRow } from '../src/read-model';
import {
  ROSTER,
  booking,
  busEvent,
  crewAnswer,
  failureRecord,
  happyPath,
  messageIdOf,
  secondsAfter,
  sesEvent,
  T0,
  type BusEvent,
} from './fixtures';
import { body, context, get, opsEnvironment, tick, type BusHandler, type HttpHandler } from './harness';

/**
 * The ops handlers against the local cloud's real stores (dynalite for the table, the SQS stand-in for the
 * dead-letter queues, Secrets Manager for the dashboard token), called directly with the events EventBridge would
 * hand them: in order, reversed, shuffled, duplicated and all at once.
 */
let cloud: LocalCloud;
let token: string;
let onBusEvent: BusHandler;
let onEmailEvent: BusHandler;
let watch: (event: unknown, context: unknown) => Promise<void>;
let listBookings: HttpHandler;
let getBooking: HttpHandler;
let getHealth: HttpHandler;
let listDeadLetters: HttpHandler;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  // calendar owns the dashboard token; the other services' queues are what the watch reads.
  cloud = await startLocalCloud({ services: 'all', run: false });
  Object.assign(process.env, opsEnvironment(cloud));
  token = cloud.secrets['charter/local/dashboard-token']!;
  ({ handler: onBusEvent } = await import('../src/handlers/on-bus-event'));
  ({ handler: onEmailEvent } = await import('../src/handlers/on-email-event'));
  ({ handler: watch } = (await import('../src/handlers/watch')) as { handler: typeof watch });
  ({ handler: listBookings } = await import('../src/handlers/list-bookings'));
  ({ handler: getBooking } = await import('../src/handlers/get-booking'));
  ({ handler: getHealth } = await import('../src/handlers/get-health'));
  ({ handler: listDeadLetters } = await import('../src/handlers/list-dead-letters'));
});
afterAll(() => cloud?.stop());

const deliver = (event: BusEvent) =>
  event.source === 'aws.ses' ? onEmailEvent(event, context('onEmailEvent')) : onBusEvent(event, context());

async function view(bookingId: string): Promise<BookingView> {
  const response = await getBooking(
    get('/ops/bookings/{booking_id}', `/ops/bookings/${bookingId}`, token, {
      pathParameters: { booking_id: bookingId },
    }),
    context('getBooking'),
  );
  expect(response.statusCode).toBe(200);
  return body<BookingView>(response);
}

async function charters(from: string, to: string): Promise<CharterRow[]> {
  const response = await listBookings(
    get('/ops/bookings', '/ops/bookings', token, { query: { from, to } }),
    context('listBookings'),
  );
  expect(response.statusCode).toBe(200);
  return body<{ bookings: CharterRow[] }>(response).bookings;
}

/** Everything that happens to one booking, with its own id. */
function story(bookingId: string): BusEvent[] {
  return [
    ...happyPath(bookingId),
    ...ROSTER.slice(0, 2).map((m, i) => crewAnswer(bookingId, m.member_id, 'confirmed', secondsAfter(60 + i))),
    crewAnswer(bookingId, 'theo-park', 'declined', secondsAfter(70), 'Boat show that weekend'),
    sesEvent('Email Bounced', {
      bookingId,
      messageId: messageIdOf(bookingId, 'isla-moreno'),
      to: ['mate@crew.example.com'],
      time: secondsAfter(8),
    }),
  ];
}

function shuffle<T>(list: T[], seed: number): T[] {
  const out = [...list];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** What the console shows of a booking, without its id: the same story must read the same whatever the id. */
const shown = (v: BookingView) => ({
  timeline: v.timeline.map((e) => `${e.service}: ${e.text}`),
  readiness: v.status.readiness,
  problems: v.status.problems.map((p) => p.message),
  crew: v.status.crew,
});

describe('the timeline, whatever the delivery', () => {
  it('reads the same in order, reversed, shuffled with duplicates, and all at once three times over', async () => {
    const ways: Array<[string, (events: BusEvent[]) => Promise<void>]> = [
      [
        'ord-in-order',
        async (events) => {
          for (const e of events) await deliver(e);
        },
      ],
      [
        'ord-reversed',
        async (events) => {
          for (const e of [...events].reverse()) await deliver(e);
        },
      ],
      [
        'ord-shuffled',
        async (events) => {
          for (const e of shuffle([...events, ...events.slice(0, 4)], 7)) await deliver(e);
        },
      ],
      [
        'ord-at-once',
        async (events) => {
          await Promise.all([...events, ...events, ...events].map(deliver));
        },
      ],
    ];
    const views = [];
    for (const [bookingId, way] of ways) {
      await way(story(bookingId));
      views.push(await view(bookingId));
    }
    const [first, ...rest] = views.map(shown);
    for (const other of rest) expect(other).toEqual(first);
    expect(first!.timeline).toEqual([
      'boatsetter: Booked by boatsetter (revision 1): 2027-05-30 10:00-13:00, 4 guests',
      'scc: Crew event created (revision 1) with Rowan Hale, Isla Moreno, Theo Park',
      'guest-pages: Guest page live (revision 1)',
      'calendar: Calendar entry booked (revision 1)',
      'notifications: Crew call notice sent (revision 1) to rowan-hale, isla-moreno, theo-park',
      'ses: Email bounced: mate@crew.example.com (Permanent/General: smtp; 550 5.1.1 user unknown)',
      'scc: rowan-hale confirmed (revision 1)',
      'scc: isla-moreno confirmed (revision 1)',
      'scc: theo-park declined (revision 1): Boat show that weekend',
    ]);
    expect(first!.problems).toEqual([
      'Crew email to Isla Moreno (mate) at mate@crew.example.com bounced ' +
        '(Permanent/General: smtp; 550 5.1.1 user unknown)',
      'Theo Park (deckhand) declined: Boat show that weekend',
    ]);
  });

  it("lists a charter on the date of its owner's newest revision, whichever arrives first", async () => {
    const id = 'date-moves';
    const created = busEvent(
      'BookingCreated',
      booking(id, { charter_date: '2027-06-10' }),
      secondsAfter(0),
      'partner.boatsetter',
    );
    const moved = busEvent(
      'BookingUpdated',
      { ...booking(id, { charter_date: '2027-06-20' }), revision: 2 },
      secondsAfter(30),
      'partner.boatsetter',
    );
    const hijack = busEvent(
      'BookingUpdated',
      { ...booking(id, { source: 'getmyboat', charter_date: '2027-06-12' }), revision: 9 },
      secondsAfter(40),
      'partner.getmyboat',
    );
    await deliver(moved);
    await deliver(hijack);
    await deliver(created);
    expect((await charters('2027-06-20', '2027-06-20')).map((c) => c.booking_id)).toEqual([id]);
    expect((await charters('2027-06-10', '2027-06-12')).map((c) => c.booking_id)).toEqual([]);
    const [row] = await charters('2027-06-01', '2027-06-30');
    expect(row).toMatchObject({ owner: 'boatsetter', revision: 2, charter_date: '2027-06-20' });
    expect(row!.problems.map((p) => p.code)).toEqual(['not_owner']);
  });
});

describe('the week, whatever the delivery order', () => {
  it("lists a booking on its owner's date, whichever partner's BookingCreated reaches ops first", async () => {
    const events = (id: string) => ({
      owner: busEvent('BookingCreated', booking(id, { charter_date: '2027-07-10' }), T0, 'partner.boatsetter'),
      other: busEvent(
        'BookingCreated',
        booking(id, { source: 'getmyboat', charter_date: '2027-07-12' }),
        secondsAfter(5),
        'partner.getmyboat',
      ),
    });
    const ownerFirst = events('week-owner-first');
    await deliver(ownerFirst.owner);
    await deliver(ownerFirst.other);
    const otherFirst = events('week-other-first');
    await deliver(otherFirst.other);
    await deliver(otherFirst.owner);

    const week = await charters('2027-07-09', '2027-07-15');
    expect(week.map((c) => [c.booking_id, c.charter_date, c.owner])).toEqual([
      ['week-other-first', '2027-07-10', 'boatsetter'],
      ['week-owner-first', '2027-07-10', 'boatsetter'],
    ]);
    expect(await charters('2027-07-12', '2027-07-12')).toEqual([]);
  });
});

describe("another partner flooding a booking's id", () => {
  it('is one warning with a count, and the read stops at a bounded number of entries, saying so', async () => {
    const id = 'flooded-1';
    for (const e of happyPath(id)) await deliver(e);
    const flood = Array.from({ length: 600 }, (_, i) =>
      busEvent(
        'BookingUpdated',
        { ...booking(id, { source: 'getmyboat', charter_date: '2027-05-31' }), revision: i + 2 },
        secondsAfter(10 + i),
        'partner.getmyboat',
      ),
    );
    for (let i = 0; i < flood.length; i += 50) await Promise.all(flood.slice(i, i + 50).map(deliver));

    const response = await getBooking(
      get('/ops/bookings/{booking_id}', `/ops/bookings/${id}`, token, { pathParameters: { booking_id: id } }),
      context('getBooking'),
    );
    const flooded = body<BookingView>(response);
    expect(flooded.truncated).toBe(true);
    expect(flooded.timeline).toHaveLength(500);
    // The oldest entries are read: the owner and its steps stand, whatever the flood.
    expect(flooded.status).toMatchObject({ owner: 'boatsetter', revision: 1, guest_page: { state: 'done' } });
    const refusals = flooded.status.problems.filter((p) => p.code === 'not_owner');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.message).toMatch(/^getmyboat's \d+ booking events were refused \(not_owner\)/);
    expect(refusals[0]!.count).toBeGreaterThanOrEqual(445);
    expect(Buffer.byteLength(response.body ?? '')).toBeLessThan(400_000);

    const [row] = (await charters('2027-05-30', '2027-05-31')).filter((c) => c.booking_id === id);
    expect(row).toMatchObject({ charter_date: '2027-05-30', truncated: true });
  });
});

describe('the routes', () => {
  const bookings = (query: Record<string, string>, headers?: string) =>
    listBookings(get('/ops/bookings', '/ops/bookings', headers, { query }), context('listBookings'));

  it('asks for the dashboard token: 401 without, 403 with a wrong one', async () => {
    const missing = await bookings({ from: '2027-06-01', to: '2027-06-07' });
    expect([missing.statusCode, body<{ error: string }>(missing).error]).toEqual([401, 'missing_credentials']);
    const wrong = await bookings({ from: '2027-06-01', to: '2027-06-07' }, 'not-the-token');
    expect([wrong.statusCode, body<{ error: string }>(wrong).error]).toEqual([403, 'invalid_credentials']);
  });

  it.each([
    [{ from: '2027-02-30', to: '2027-03-01' }, 'from'],
    [{ from: '2027-03-01' }, 'to'],
    [{ from: '2027-03-10', to: '2027-03-01' }, 'to'],
    [{ from: '2027-01-01', to: '2027-04-04' }, 'to'],
  ])('answers 422 naming the field for %j', async (query, field) => {
    const response = await bookings(query, token);
    expect(response.statusCode).toBe(422);
    const error = body<{ error: string; fields: { path: string }[] }>(response);
    expect(error.error).toBe('invalid_range');
    expect(error.fields.map((f) => f.path)).toEqual([field]);
  });

  it('answers 404 for a booking it has never heard of, and for an id that cannot be one', async () => {
    for (const id of ['never-seen', '..%2Fetc']) {
      const response = await getBooking(
        get('/ops/bookings/{booking_id}', `/ops/bookings/${id}`, token, { pathParameters: { booking_id: id } }),
        context('getBooking'),
      );
      expect([response.statusCode, body<{ error: string }>(response).error]).toEqual([404, 'unknown_booking']);
    }
  });
});

describe('email events', () => {
  it('puts an SES bounce on the timeline, ignores untagged mail and dead-letters an unreadable event', async () => {
    await deliver(happyPath('mail-bounce')[0]!);
    await deliver(
      sesEvent('Email Delivered', {
        bookingId: 'mail-bounce',
        messageId: 'm-1',
        to: ['Captain@Crew.example.com'],
        time: secondsAfter(9),
      }),
    );
    const untagged = sesEvent('Email Bounced', {
      bookingId: 'x',
      messageId: 'm-2',
      to: ['a@b.example'],
      time: secondsAfter(9),
    });
    (untagged.detail.mail as { tags: Record<string, unknown> }).tags = {};
    await onEmailEvent(untagged, context('onEmailEvent'));
    const broken = sesEvent('Email Bounced', {
      bookingId: 'mail-bounce',
      messageId: 'm-3',
      to: [],
      time: secondsAfter(9),
    });
    await onEmailEvent(broken, context('onEmailEvent'));

    const { timeline } = await view('mail-bounce');
    expect(timeline.map((e) => e.text)).toEqual([
      'Booked by boatsetter (revision 1): 2027-05-30 10:00-13:00, 4 guests',
      'Email delivered: captain@crew.example.com',
    ]);
    expect(cloud.sqs.count(cloud.sqs.url('charter-ops-dlq-local'))).toBe(1);
  });
});

describe('the watch', () => {
  const sqs = new SQSClient({});
  afterAll(() => sqs.destroy());

  it('puts dead letters on their timelines and not_owner on the partner, leaving the queues as they were', async () => {
    await deliver(happyPath('dlq-owned')[0]!);
    const hijack = busEvent(
      'BookingUpdated',
      { ...booking('dlq-owned', { source: 'getmyboat' }), revision: 2 },
      secondsAfter(30),
      'partner.getmyboat',
    );
    const record = (service: string, errorType: string, message: string) => ({
      version: '1.0',
      timestamp: secondsAfter(31).toISOString(),
      requestContext: {
        requestId: 'r',
        functionArn: `arn:aws:lambda:us-west-2:000000000000:function:charter-${service}-local-onBookingEvent`,
        condition: 'PermanentFailure',
        approximateInvokeCount: 1,
      },
      requestPayload: hijack,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Handled' },
      responsePayload: { errorType, errorMessage: message },
    });
    for (const service of ['guest-pages', 'calendar']) {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `charter-${service}-dlq-local` }));
      const letter = record(
        service,
        'NotOwnerError',
        'not_owner: booking dlq-owned belongs to boatsetter; an event from getmyboat cannot change it',
      );
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(letter) }));
    }
    await watch(tick(new Date()), context('watch'));
    await watch(tick(new Date()), context('watch'));

    const { timeline, status } = await view('dlq-owned');
    expect(
      timeline
        .filter((e) => e.kind === 'DeadLetter')
        .map((e) => e.service)
        .sort(),
    ).toEqual(['calendar', 'guest-pages']);
    expect(status.problems.map((p) => p.message)).toEqual([
      "getmyboat's BookingUpdated was refused (not_owner): the booking belongs to boatsetter",
    ]);
    expect(cloud.sqs.count(cloud.sqs.url('charter-calendar-dlq-local'))).toBe(1);

    const health = body<{
      partners: Array<{ partner: string; last_refused?: { reason: string }; refused_last_day: number }>;
    }>(await getHealth(get('/ops/health', '/ops/health', token), context('getHealth')));
    const getmyboat = health.partners.find((p) => p.partner === 'getmyboat');
    expect(getmyboat).toMatchObject({ last_refused: { reason: 'not_owner' }, refused_last_day: 1 });
  });

  it('alerts once when a partner that used to publish goes quiet for longer than its limit', async () => {
    // Silent for 75 hours by the clock the route reads; the watch is run as of 71, 73 and 74 hours.
    const last = new Date(Date.now() - 75 * 3_600_000);
    await deliver(busEvent('BookingCreated', booking('quiet-1', { source: 'sailo' }), last, 'partner.sailo'));
    const alerts = async () =>
      body<{ alerts: Alert[] }>(
        await getHealth(get('/ops/health', '/ops/health', token), context('getHealth')),
      ).alerts.filter((a) => a.partner === 'sailo');
    // A partner without its own limit has the stage's default, 72 hours.
    await watch(tick(new Date(last.getTime() + 71 * 3_600_000)), context('watch'));
    expect(await alerts()).toEqual([]);
    await watch(tick(new Date(last.getTime() + 73 * 3_600_000)), context('watch'));
    await watch(tick(new Date(last.getTime() + 74 * 3_600_000)), context('watch'));
    const raised = await alerts();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: 'partner_silent', partner: 'sailo' });
    expect(raised[0]!.message).toMatch(/^No booking event from sailo for 73 hours \(its limit is 72\)/);
    expect(raised[0]).toMatchObject({ current: true });

    // sailo publishes again: its alert is resolved, and no longer shown as standing.
    await deliver(busEvent('BookingCreated', booking('quiet-2', { source: 'sailo' }), new Date(), 'partner.sailo'));
    expect(await alerts()).toEqual([expect.objectContaining({ id: raised[0]!.id, current: false })]);
  });

  it("judges a partner's silence from when ops heard it, not from the partner's stamp on its event", async () => {
    const before = Date.now();
    const stamped2099 = new Date('2099-06-01T00:00:00.000Z');
    await deliver(busEvent('BookingCreated', booking('skewed-1', { source: 'skewed' }), stamped2099, 'partner.skewed'));
    const health = async () =>
      body<{ alerts: Alert[]; partners: Array<{ partner: string; last_accepted?: { at: string } }> }>(
        await getHealth(get('/ops/health', '/ops/health', token), context('getHealth')),
      );
    const accepted = (await health()).partners.find((p) => p.partner === 'skewed')!.last_accepted!.at;
    expect(Date.parse(accepted)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(accepted)).toBeLessThanOrEqual(Date.now());
    await watch(tick(new Date(Date.now() + 73 * 3_600_000)), context('watch'));
    expect((await health()).alerts.filter((a) => a.partner === 'skewed')).toHaveLength(1);
  });
});

describe('a stranger naming made-up partners at the intake', () => {
  interface Health {
    partners: Array<{
      partner: string;
      refused_last_day: number;
      last_refused?: { reason: string };
      recent_names?: Array<{ name: string; at: string }>;
    }>;
    partners_truncated?: boolean;
  }
  const refused = (partner: string, reason: 'unknown_partner' | 'bad_signature', at: Date) =>
    busEvent(
      'PartnerRequestRefused',
      {
        schema_version: 1,
        partner,
        reason,
        status: reason === 'unknown_partner' ? 404 : 401,
        at: at.toISOString(),
        route: 'create',
      },
      at,
    );

  it('counts them in one (unknown) row with the last five names, and health stays two Queries', async () => {
    const start = Date.now() - 60_000;
    const names = Array.from({ length: 300 }, (_, i) => `flood${String(i).padStart(3, '0')}`);
    const events = names.map((name, i) => refused(name, 'unknown_partner', new Date(start + i * 10)));
    // As the consumer's environments take them: 25 at a time, then the last five one after another.
    for (let i = 0; i < 295; i += 25) await Promise.all(events.slice(i, i + 25).map((e) => deliver(e)));
    for (const e of events.slice(295)) await deliver(e);
    // A redelivery of one (same event id) and a real partner's own refusal.
    await deliver(events[7]!);
    await deliver(refused('boatsetter', 'bad_signature', new Date(start)));

    const before = cloud.requestCounts();
    const response = await getHealth(get('/ops/health', '/ops/health', token), context('getHealth'));
    expect((cloud.requestCounts()['dynamodb:Query'] ?? 0) - (before['dynamodb:Query'] ?? 0)).toBe(2);
    const health = body<Health>(response);
    expect(health.partners.filter((p) => p.partner.startsWith('flood'))).toEqual([]);
    expect(health.partners.at(-1)).toMatchObject({
      partner: '(unknown)',
      refused_last_day: 300,
      last_refused: { reason: 'unknown_partner' },
    });
    expect(health.partners.at(-1)!.recent_names!.map((n) => n.name)).toEqual(names.slice(295).reverse());
    expect(health.partners.find((p) => p.partner === 'boatsetter')).toMatchObject({
      refused_last_day: 1,
      last_refused: { reason: 'bad_signature' },
    });
    expect(health.partners_truncated).toBeUndefined();
    expect(Buffer.byteLength(response.body ?? '')).toBeLessThan(8_000);
  });

  it('forgets the hourly counts older than a day at the watch, and never counts them', async () => {
    const old = new Date(Date.now() - 30 * 3_600_000);
    await deliver(refused('stale-co', 'bad_signature', old));
    const staleCo = async () =>
      body<Health>(await getHealth(get('/ops/health', '/ops/health', token), context('getHealth'))).partners.find(
        (p) => p.partner === 'stale-co',
      );
    expect(await staleCo()).toMatchObject({ refused_last_day: 0, last_refused: { reason: 'bad_signature' } });
    await watch(tick(new Date()), context('watch'));
    const { Item: item } = await documentClient().send(
      new GetCommand({ TableName: process.env.OPS_TABLE, Key: { pk: 'partners', sk: 'partner#stale-co' } }),
    );
    expect(Object.keys(item ?? {})).toContain('last_refused');
    expect(Object.keys(item ?? {}).filter((key) => key.startsWith('refused#'))).toEqual([]);
  });
});

describe('cost', () => {
  const counts = () => cloud.requestCounts();
  const delta = (before: Record<string, number>, operation: string) =>
    (counts()[operation] ?? 0) - (before[operation] ?? 0);

  it('writes 13 items for a booking from creation to a confirmed crew, and reads nothing', async () => {
    const id = 'cost-1';
    const life = [
      ...happyPath(id),
      ...ROSTER.map((m, i) =>
        sesEvent('Email Delivered', {
          bookingId: id,
          messageId: messageIdOf(id, m.member_id),
          to: [m.email],
          time: secondsAfter(5 + i),
        }),
      ),
      ...ROSTER.map((m, i) => crewAnswer(id, m.member_id, 'confirmed', secondsAfter(60 + i))),
    ];
    const before = counts();
    for (const e of life) await deliver(e);
    // BookingCreated: entry, head, partner. Each of the other 10 events (page, crew event, calendar, notice,
    // three deliveries, three confirmations): its entry.
    expect(delta(before, 'dynamodb:PutItem') + delta(before, 'dynamodb:UpdateItem')).toBe(13);
    expect(delta(before, 'dynamodb:Query') + delta(before, 'dynamodb:GetItem')).toBe(0);

    const reading = counts();
    await view(id);
    expect(delta(reading, 'dynamodb:Query')).toBe(1);
  });

  it('reads a week of charters in one index Query per month and one Query per charter', async () => {
    for (const day of ['2027-10-29', '2027-10-30', '2027-11-02']) {
      await deliver(
        busEvent(
          'BookingCreated',
          booking(`cost-${day}`, { charter_date: day }),
          secondsAfter(0),
          'partner.boatsetter',
        ),
      );
    }
    const before = counts();
    expect(await charters('2027-10-28', '2027-11-03')).toHaveLength(3);
    // Two months (October, November) and three timelines; the dashboard token is cached.
    expect(delta(before, 'dynamodb:Query')).toBe(2 + 3);
    expect(delta(before, 'secretsmanager:GetSecretValue')).toBe(0);
  });

  it('costs one GetQueueAttributes per dead-letter queue and one Query a minute when nothing is new', async () => {
    await watch(tick(new Date()), context('watch'));
    const held = process.env.DEAD_LETTER_QUEUES!.split(',').map((q) => cloud.sqs.count(cloud.sqs.url(q)));
    const tens = held.reduce((sum, n) => sum + Math.ceil(n / 10), 0);
    const before = counts();
    await watch(tick(new Date()), context('watch'));
    // Six queues counted (URLs cached after the first run); a queue holding letters is received ten at a time (long
    // polling) until its count is reached, and made visible again ten at a time; the partners' Query. A letter
    // already on its timeline is not written again.
    expect(delta(before, 'sqs:GetQueueAttributes')).toBe(6);
    expect(delta(before, 'sqs:ReceiveMessage')).toBe(tens);
    expect(delta(before, 'sqs:ChangeMessageVisibilityBatch')).toBe(tens);
    expect(delta(before, 'sqs:GetQueueUrl') + delta(before, 'sqs:ChangeMessageVisibility')).toBe(0);
    expect(delta(before, 'dynamodb:Query')).toBe(1);
    expect(delta(before, 'dynamodb:PutItem') + delta(before, 'dynamodb:UpdateItem')).toBe(0);
  });
});

describe('the dead letters route', () => {
  const sqs = new SQSClient({});
  const queues = () => process.env.DEAD_LETTER_QUEUES!.split(',');
  afterAll(async () => {
    for (const q of queues()) await sqs.send(new PurgeQueueCommand({ QueueUrl: cloud.sqs.url(q) }));
    sqs.destroy();
  });

  it("lists 20 letters a queue with each queue's total, the queues side by side, in a few calls", async () => {
    for (const q of queues()) {
      await sqs.send(new PurgeQueueCommand({ QueueUrl: cloud.sqs.url(q) }));
      for (let i = 0; i < 100; i++) {
        const event = busEvent('BookingCreated', booking(`route-${i}`), T0, 'partner.boatsetter');
        const fn = `charter-${serviceOfQueue(q)}-local-onBookingEvent`;
        const letter = failureRecord({ fn, event, errorType: 'ThrottlingException', message: 'Rate exceeded', at: T0 });
        cloud.sqs.send(cloud.sqs.url(q), JSON.stringify(letter));
      }
    }
    // Short polls miss letters here, as in AWS; the route long-polls.
    cloud.sqs.sampleShortPolls(11);
    const before = cloud.requestCounts();
    const response = await listDeadLetters(
      get('/ops/dead-letters', '/ops/dead-letters', token),
      context('listDeadLetters'),
    );
    cloud.sqs.sampleShortPolls(false);
    const calls = Object.entries(cloud.requestCounts())
      .filter(([op]) => op.startsWith('sqs:'))
      .reduce((sum, [op, n]) => sum + n - (before[op] ?? 0), 0);

    const listed = body<{
      count: number;
      listed: number;
      queues: Array<{ service: string; total: number; listed: number }>;
      dead_letters: Array<{ what_to_do: string }>;
    }>(response);
    expect(listed.queues.map((q) => [q.service, q.total, q.listed])).toEqual(
      queues().map((q) => [serviceOfQueue(q), 100, 20]),
    );
    expect([listed.count, listed.listed, listed.dead_letters.length]).toEqual([600, 120, 120]);
    expect(listed.dead_letters[0]!.what_to_do).toBe(
      'Fix the cause, then replay it: npm run dlq -- redrive (safe: each service skips what it already did).',
    );
    // Per queue: its count, two receives of ten, two visibility resets of ten.
    expect(calls).toBe(6 * 5);
    // Every letter is visible again for npm run dlq and the alarms.
    for (const q of queues()) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: cloud.sqs.url(q), AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      expect(Attributes?.ApproximateNumberOfMessages).toBe('100');
    }
  });
});
