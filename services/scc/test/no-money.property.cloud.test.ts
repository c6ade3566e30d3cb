import type { BookingCreatedInput } from '@charter/events';
import type { HttpHandler } from '@charter/shared/http';
import { mintCrewToken } from '@charter/shared/magic-link';
import fc from 'fast-check';
import { httpApiEvent, type LocalCloud } from '@charter/local/testing';
import { BookingCancelled } from '@charter/events';
import {
  bookingUpdatedDetail,
  cancellationOf,
  eventCancelledDetail,
  planBookingChange,
} from '../src/domain/booking-change';
import {
  eventCreatedDetail,
  eventIdFor,
  projectBooking,
  projectCharter,
  type CrewEvent,
} from '../src/domain/crew-event';
import { renderCrewPage } from '../src/domain/crew-page';
import { redactMoney } from '../src/domain/redaction';
import { ROSTER, booking } from './fixtures';
import {
  bookingEnvelope,
  eventCreatedFor,
  lambdaContext,
  partnerEnvelope,
  publishedFor,
  startScc,
  tableItems,
} from './harness';

/**
 * For arbitrary bookings whose revenue, captain fee and notes carry money, nothing a crew member
 * can see holds the amounts: not the projection, the EventCreated detail, the crew page, nor
 * (through the local cloud) the stored item and GET /events.
 *
 * Amounts are at least $3,000, so their digits cannot be confused with the dates (years
 * 2026-2029), times and guest counts crew legitimately see.
 */
const cents = fc.integer({ min: 300_000, max: 99_999_999 });

type Format = (cents: number) => string;
const dollars = (c: number) => Math.floor(c / 100);
const pennies = (c: number) => String(c % 100).padStart(2, '0');
const FORMATS: Format[] = [
  (c) => `$${dollars(c).toLocaleString('en-US')}.${pennies(c)}`,
  (c) => `$${dollars(c)}`,
  (c) => `${dollars(c)} USD`,
  (c) => `USD ${dollars(c)}`,
  (c) => `USD${dollars(c)}.${pennies(c)}`,
  (c) => `€${dollars(c)}`,
  (c) => `${dollars(c).toLocaleString('de-DE')},${pennies(c)} €`,
  (c) => `${dollars(c)} dollars`,
  (c) => `${c} cents`,
  (c) => `US$ ${dollars(c).toLocaleString('en-US')}`,
  (c) => `${dollars(c).toLocaleString('en-US')} usd`,
  (c) => `£${dollars(c)}`,
];
const PHRASES: Array<(amount: string) => string> = [
  (a) => `paid ${a} in full`,
  (a) => `captain fee ${a}`,
  (a) => `Captain fee: ${a}`,
  (a) => `Revenue - ${a}`,
  (a) => `payout of ${a} on Friday`,
  (a) => `total was ${a}`,
  (a) => `tip of ${a} for the crew`,
  (a) => `guests spent ${a} on drinks`,
  (a) => `(${a} received)`,
  (a) => `${a}`,
  (a) => `price ${a}`,
];
/**
 * Bare numbers, no currency and often no money word: partners write the booking's own amounts
 * like this ("Captain gets 300"), so they are only recognisable as the booking's amounts.
 */
const BARE_FORMATS: Format[] = [
  (c) => String(dollars(c)),
  (c) => dollars(c).toLocaleString('en-US'),
  (c) => `${dollars(c)}.${pennies(c)}`,
  (c) => `${dollars(c).toLocaleString('en-US')}.${pennies(c)}`,
  (c) => `${dollars(c).toLocaleString('de-DE')},${pennies(c)}`,
  (c) => dollars(c).toLocaleString('de-DE'),
  (c) => String(c),
];
type BookingMoney = { revenue: number; fee: number; net: number };
const BARE_PHRASES: Array<(m: BookingMoney, f: Format) => string> = [
  (m, f) => `Boatsetter collected ${f(m.revenue)}`,
  (m, f) => `Rev ${f(m.revenue)} / capt ${f(m.fee)}`,
  (m, f) => `Captain gets ${f(m.fee)}`,
  (m, f) => `Owner nets ${f(m.net)}`,
  (m, f) => `Captain comp ${f(m.fee)}`,
  (m, f) => `Owner share ${f(m.net)}`,
  (m, f) => `Amt ${f(m.revenue)}`,
  (m, f) => `Charter was ${f(m.revenue)}`,
  (m, f) => `${f(m.revenue)} minus ${f(m.fee)} leaves ${f(m.net)}`,
  (m, f) => `Rowan ${f(m.fee)}, boat ${f(m.net)}`,
];

const WORDS = [
  'bring',
  'ice',
  'cake',
  'sunscreen',
  'vegetarian',
  'lunch',
  'birthday',
  'guests',
  'meet',
  'early',
  'fenders',
  'port',
  'side',
  'music',
  'towels',
  'kids',
  'sunset',
  'photos',
  'quiet',
  'Ann',
  'Bob',
  'dock',
];
const SEPARATORS = [', ', '. ', '; ', ' and ', '\n', ' - ', ' '];

const plainText = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }).map((words) => words.join(' '));
const moneyMention = fc
  .tuple(fc.constantFrom(...PHRASES), fc.constantFrom(...FORMATS), cents)
  .map(([phrase, format, amount]) => ({ text: phrase(format(amount)), amount }));

/** Notes mixing plain text with money mentions; the amounts mentioned come back for checking. */
const notesWithMoney = (money: BookingMoney) =>
  fc
    .array(
      fc.oneof(
        plainText.map((text) => ({ text, amount: undefined as number | undefined })),
        moneyMention,
        // The booking's own amounts, bare.
        fc
          .tuple(fc.constantFrom(...BARE_PHRASES), fc.constantFrom(...BARE_FORMATS))
          .map(([phrase, format]) => ({ text: phrase(money, format), amount: undefined as number | undefined })),
      ),
      { minLength: 1, maxLength: 8 },
    )
    .chain((parts) =>
      fc.tuple(
        fc.constant(parts),
        fc.array(fc.constantFrom(...SEPARATORS), { minLength: parts.length + 2, maxLength: parts.length + 2 }),
        fc.constantFrom(...FORMATS),
        fc.constantFrom(...FORMATS),
        fc.shuffledSubarray(BARE_PHRASES, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...BARE_FORMATS),
      ),
    )
    .map(([parts, separators, revenueFormat, feeFormat, barePhrases, bareFormat]) => {
      const { revenue, fee, net } = money;
      // The booking's own revenue and fee are mentioned too, as partners' notes often do, with
      // symbols and without.
      const all = [
        ...parts,
        { text: `Revenue ${revenueFormat(revenue)}`, amount: revenue },
        { text: `captain fee ${feeFormat(fee)}`, amount: fee },
        ...barePhrases.map((phrase) => ({ text: phrase(money, bareFormat), amount: undefined })),
      ];
      const text = all.map((part, i) => part.text + (separators[i] ?? '\n')).join('');
      // The bare phrases hold only the booking's revenue, fee and net, which are always checked.
      return {
        text,
        amounts: [...all.flatMap((part) => (part.amount === undefined ? [] : [part.amount])), revenue, fee, net],
      };
    });

const bookingWithMoney = fc
  .record({
    id: fc.stringMatching(/^[a-z][a-z0-9]{5,11}$/),
    year: fc.integer({ min: 2026, max: 2029 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    startHour: fc.integer({ min: 6, max: 15 }),
    hours: fc.integer({ min: 1, max: 6 }),
    guests: fc.integer({ min: 1, max: 150 }),
    fee: cents,
    // What the owner keeps: revenue is the fee plus this, so the difference is an amount too.
    net: cents,
  })
  .map((b) => ({ ...b, revenue: b.fee + b.net }))
  .chain((b) => notesWithMoney({ revenue: b.revenue, fee: b.fee, net: b.net }).map((notes) => ({ ...b, notes })))
  .map((b) => {
    const input: BookingCreatedInput = {
      schema_version: 1,
      booking_id: b.id,
      source: 'boatsetter',
      charter_date: `${b.year}-${String(b.month).padStart(2, '0')}-${String(b.day).padStart(2, '0')}`,
      charter_start: `${String(b.startHour).padStart(2, '0')}:00`,
      charter_end: `${String(b.startHour + b.hours).padStart(2, '0')}:30`,
      timezone: 'America/Los_Angeles',
      guest_count: b.guests,
      guest: { name: 'Ann Lee', email: 'ann.lee@example.com' },
      vessel: 'JADA',
      location: 'Shelter Island, San Diego',
      revenue_cents: b.revenue,
      captain_fee_cents: b.fee,
      currency: 'USD',
      notes: b.notes.text.slice(0, 4000),
    };
    return { input, amounts: [b.revenue, b.fee, b.net, ...b.notes.amounts] };
  });

/**
 * Every way an amount could show: cents, whole dollars, with separators (and so with decimals:
 * "1,450" is in "1,450.00", "1.450" in "1.450,00").
 */
function amountSpellings(c: number): string[] {
  const d = dollars(c);
  return [String(c), String(d), d.toLocaleString('en-US'), d.toLocaleString('de-DE')];
}

/**
 * Ids are random (booking ids from the generator, event ids from a hash) and could spell "fee" or
 * "usd" by chance; they are not booking text, so they are taken out before looking.
 */
function expectNoMoney(visible: string, amounts: number[], ids: string[]): void {
  const text = ids.reduce((rest, id) => rest.split(id).join('<id>'), visible);
  for (const amount of amounts) {
    for (const spelling of amountSpellings(amount)) {
      if (text.includes(spelling))
        throw new Error(`crew-visible text contains ${spelling} (from ${amount} cents):\n${text}`);
    }
  }
  for (const marker of [
    '$',
    '€',
    '£',
    'USD',
    'usd',
    'dollars',
    'cents',
    'revenue',
    'Revenue',
    'captain_fee',
    'fee',
    'payout',
    'paid',
  ]) {
    if (text.includes(marker)) throw new Error(`crew-visible text contains "${marker}":\n${text}`);
  }
}

const stored = (fields: ReturnType<typeof projectBooking>, eventId: string): CrewEvent => ({
  ...fields,
  event_id: eventId,
  confirmations: {},
  declines: {},
  version: 1,
  revision: 1,
  lifecycle: 'live',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

/** Contact details a partner may write into a cancellation's reason: crew never see them. */
const CONTACTS = ['ann.lee@example.com', '+1 619 555 0100', '(858) 555-0199', 'guest@yahoo.co.uk'];

/**
 * A later revision of a booking with money (another date, other amounts and notes), and a cancellation whose reason
 * mentions money and contact details; the amounts of both bookings and of the reason come back for checking.
 */
const lifecycleWithMoney = fc
  .tuple(bookingWithMoney, bookingWithMoney, plainText, moneyMention, fc.constantFrom(...CONTACTS))
  .map(([first, second, words, money, contact]) => ({
    created: first.input,
    updated: { ...second.input, booking_id: first.input.booking_id, revision: 2 },
    cancelled: {
      schema_version: 1 as const,
      booking_id: first.input.booking_id,
      source: 'boatsetter',
      revision: 3,
      cancelled_at: '2026-12-01T17:30:00Z',
      cancelled_by: 'guest' as const,
      reason: `${words}. ${money.text}. Reach them at ${contact}.`.slice(0, 500),
    },
    amounts: [...first.amounts, ...second.amounts, money.amount],
    contacts: [contact],
  }));

function expectNoContact(visible: string, contacts: string[]): void {
  for (const contact of contacts) {
    if (visible.includes(contact)) throw new Error(`crew-visible text contains ${contact}:\n${visible}`);
  }
}

describe('no money reaches crew (pure)', () => {
  it('holds for the projection, EventCreated and the crew page', () => {
    fc.assert(
      fc.property(bookingWithMoney, ({ input, amounts }) => {
        const fields = projectBooking(booking(input), ROSTER);
        const eventId = eventIdFor(input.booking_id);
        const ids = [eventId, input.booking_id];
        expectNoMoney(JSON.stringify(fields), amounts, ids);
        const created = eventCreatedDetail({ ...fields, event_id: eventId, revision: 1, version: 1 });
        expectNoMoney(JSON.stringify(created), amounts, ids);
        expectNoMoney(
          renderCrewPage({ event: stored(fields, eventId), memberId: 'isla-moreno', token: 'isla-moreno.token' }),
          amounts,
          ids,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('holds for EventUpdated, EventCancelled and the cancelled crew page', () => {
    fc.assert(
      fc.property(lifecycleWithMoney, ({ created, updated, cancelled, amounts, contacts }) => {
        const eventId = eventIdFor(created.booking_id);
        const ids = [eventId, created.booking_id];
        const event = stored(projectBooking(booking(created), ROSTER), eventId);
        const change = planBookingChange(event, projectCharter(booking(updated)));
        const after = { ...event, ...change.next, revision: 2, version: 2 };
        expectNoMoney(JSON.stringify(bookingUpdatedDetail(after, change)), amounts, ids);
        const cancellation = cancellationOf(BookingCancelled.parse(cancelled));
        const detail = eventCancelledDetail({ ...after, revision: 3, version: 3 }, cancellation);
        expectNoMoney(JSON.stringify(detail), amounts, ids);
        expectNoContact(JSON.stringify(detail), contacts);
        const page = renderCrewPage({
          event: { ...after, lifecycle: 'cancelled', cancellation },
          memberId: 'isla-moreno',
          token: 'isla-moreno.token',
        });
        expectNoMoney(page, amounts, ids);
        expectNoContact(page, contacts);
      }),
      { numRuns: 300 },
    );
  });

  it('redaction is stable: what it keeps has nothing more to remove', () => {
    fc.assert(
      fc.property(bookingWithMoney, ({ input }) => {
        const once = redactMoney(input.notes!);
        expect(redactMoney(once)).toBe(once);
        const amounts = { revenue_cents: input.revenue_cents, captain_fee_cents: input.captain_fee_cents };
        const withAmounts = redactMoney(input.notes!, amounts);
        expect(redactMoney(withAmounts, amounts)).toBe(withAmounts);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the plain words of the notes', () => {
    fc.assert(
      fc.property(plainText, plainText, moneyMention, (before, after, money) => {
        const kept = redactMoney(`${before}.\n${money.text}\n${after}.`);
        expect(kept).toBe(`${before}.\n${after}.`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('no money reaches crew (through the local cloud)', () => {
  let cloud: LocalCloud;
  let onBookingEvent: typeof import('../src/handlers/on-booking-event').handler;
  let listEvents: HttpHandler;
  let crewPage: HttpHandler;

  beforeAll(async () => {
    cloud = await startScc({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
    onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
    listEvents = (await import('../src/handlers/list-events')).handler;
    crewPage = (await import('../src/handlers/crew-page')).handler;
  });
  afterAll(() => cloud?.stop());

  /** Everything crew and the notifier can see of a booking: its items, SCC's events, GET /events and the crew page. */
  async function crewVisible(bookingId: string, token: string): Promise<string> {
    const eventId = eventIdFor(bookingId);
    const items = (await tableItems()).filter((item) => item.booking_id === bookingId);
    expect(items.length).toBeGreaterThan(0);
    const published = cloud
      .published()
      .filter((e) => e.source === 'charter.scc' && (e.detail as { booking_id: string }).booking_id === bookingId)
      .map((e) => e.detail as unknown);
    const list = await listEvents(
      httpApiEvent({
        method: 'GET',
        route: 'GET /events',
        path: '/events',
        query: { booking_id: bookingId },
        headers: { 'x-service-key': cloud.secrets['charter/local/scc-service-key']! },
      }),
      lambdaContext(),
    );
    expect(list.statusCode).toBe(200);
    const page = await crewPage(
      httpApiEvent({
        method: 'GET',
        route: 'GET /crew/{event_id}',
        path: `/crew/${eventId}`,
        pathParameters: { event_id: eventId },
        query: { token },
      }),
      lambdaContext(),
    );
    expect(page.statusCode).toBe(200);
    // The token (with its expiry digits) is the member's own credential, not booking data.
    return [JSON.stringify(items), JSON.stringify(published), String(list.body), String(page.body)]
      .join('\n')
      .split(token)
      .join('<token>');
  }

  const tokenFor = (bookingId: string) =>
    mintCrewToken(cloud.secrets['charter/local/magic-link-key']!, {
      eventId: eventIdFor(bookingId),
      memberId: 'theo-park',
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });

  it('holds for the stored item, EventCreated, GET /events and the crew page', async () => {
    await fc.assert(
      fc.asyncProperty(bookingWithMoney, async ({ input, amounts }) => {
        await onBookingEvent(bookingEnvelope(input), lambdaContext());
        expect(eventCreatedFor(cloud, input.booking_id).length).toBeGreaterThan(0);
        const visible = await crewVisible(input.booking_id, tokenFor(input.booking_id));
        expectNoMoney(visible, amounts, [eventIdFor(input.booking_id), input.booking_id]);
      }),
      { numRuns: 40 },
    );
  });

  it('holds through a change and a cancellation: EventUpdated, EventCancelled, the item and the pages', async () => {
    await fc.assert(
      fc.asyncProperty(lifecycleWithMoney, async ({ created, updated, cancelled, amounts, contacts }) => {
        const bookingId = `${created.booking_id}-lc`;
        const ids = [eventIdFor(bookingId), bookingId];
        await onBookingEvent(partnerEnvelope('BookingCreated', { ...created, booking_id: bookingId }), lambdaContext());
        await onBookingEvent(partnerEnvelope('BookingUpdated', { ...updated, booking_id: bookingId }), lambdaContext());
        expect(publishedFor(cloud, 'EventUpdated', bookingId)).toHaveLength(1);
        expectNoMoney(await crewVisible(bookingId, tokenFor(bookingId)), amounts, ids);
        await onBookingEvent(
          partnerEnvelope('BookingCancelled', { ...cancelled, booking_id: bookingId }),
          lambdaContext(),
        );
        expect(publishedFor(cloud, 'EventCancelled', bookingId)).toHaveLength(1);
        const visible = await crewVisible(bookingId, tokenFor(bookingId));
        expect(visible).toContain('id="cancelled"');
        expectNoMoney(visible, amounts, ids);
        expectNoContact(visible, contacts);
      }),
      { numRuns: 25 },
    );
  });
});
