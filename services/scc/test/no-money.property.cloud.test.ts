import type { BookingCreated, BookingCreatedInput, CrewMember } from '@charter/events';
import { BookingCancelled, CrewDeclined, EventCreated } from '@charter/events';
import type { HttpHandler } from '@charter/shared/http';
import { mintCrewToken } from '@charter/shared/magic-link';
import { privateFactsOf, redactMoney, scrubText } from '@charter/shared/redaction';
import fc from 'fast-check';
import { toWords } from 'number-to-words';
import { httpApiEvent, type LocalCloud } from '@charter/local/testing';
import { renderDeclineEmail } from '../../notifications/src/domain/decline-email';
import type { OutgoingEmail } from '../../notifications/src/domain/email';
import { memberDue, type DueNotice } from '../../notifications/src/domain/join';
import { renderNotice } from '../../notifications/src/domain/notice-email';
import { fieldsOf, snapshotOf, type JoinState, type MemberRecord } from '../../notifications/src/domain/state';
import {
  pageDecision,
  pageFactsOf,
  redactionEntries,
  type GuestPageItem,
} from '../../guest-pages/src/domain/page-state';
import { renderGuestPage } from '../../guest-pages/src/domain/render';
import { DEFAULT_UPLOAD_LIMITS } from '../../guest-pages/src/domain/uploads';
import {
  bookingUpdatedDetail,
  cancellationOf,
  crewUpdatedDetail,
  eventCancelledDetail,
  planBookingChange,
} from '../src/domain/booking-change';
import { crewSafeDeclineReason } from '../src/domain/crew-answer';
import {
  eventCreatedDetail,
  eventIdFor,
  eventView,
  planCrewChange,
  projectBooking,
  projectCharter,
  type CrewEvent,
} from '../src/domain/crew-event';
import { renderCrewPage } from '../src/domain/crew-page';
import { ROSTER, booking, rosterEmail } from './fixtures';
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
 * No money and no guest contact details reach anyone but the operator, by any path: for generated bookings whose free
 * text (notes, location, vessel, a cancellation's reason, crew notes, a decline's reason) carries the booking's amounts
 * in every spelling partners use (with symbols, bare, in words, with k, as a percent of the charter) and email
 * addresses and phone numbers in any case and format, nothing shows on any surface crew or guests see: the crew
 * event's projection, EventCreated, EventUpdated and EventCancelled, CrewDeclined, the crew page, the crew API
 * (GET /events), every crew notice (call, change, cancel, removal: HTML, text, subject and invite, rendered with the
 * notifier's own domain functions from SCC's events, as it renders them), the captain's decline email, and the guest
 * page (live and cancelled, with guest-pages' renderer). Through the local cloud too: the stored items (less the
 * booking's private facts kept server-side for redaction), the events on the bus, GET /events and the crew page, with
 * a PATCH of crew notes that names no amounts and a decline.
 *
 * Amounts are at least $3,000, so their digits cannot be confused with the dates (years 2026-2029), times and guest
 * counts crew legitimately see.
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

/** Something private in free text, and how each way it could still show would read. */
interface Mention {
  kind: string;
  text: string;
  /** Each must match nothing crew or guests see. */
  forbidden: RegExp[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A number's digits as it could be written anywhere: each digit, optionally separated by a space, dot or dash. */
const digitsPattern = (digits: string) => new RegExp(`(?<!\\d)${digits.split('').join('[\\s().+-]{0,3}')}(?!\\d)`);
/** A US number's last seven digits as a local number: "555-0100", "555 0100", "5550100". */
const localPattern = (national: string) =>
  new RegExp(`(?<![\\d-])${national.slice(3, 6)}[\\s.-]?${national.slice(6)}(?![\\d-])`);
/** Every way an amount could show in digits: cents, whole dollars, with separators. */
const amountPatterns = (c: number) =>
  [String(c), String(dollars(c)), dollars(c).toLocaleString('en-US'), dollars(c).toLocaleString('de-DE')].map(
    (spelling) => new RegExp(`(?<!\\d)${escapeRegExp(spelling)}(?!\\d)`),
  );
/** Any case: each letter upper or lower, chosen by the generator. */
const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => [...text].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));

const plainText = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }).map((words) => words.join(' '));

/** Generator 1 (kept): an amount with its currency or a money word, in any of the usual formats. */
const moneyMention = fc
  .tuple(fc.constantFrom(...PHRASES), fc.constantFrom(...FORMATS), cents)
  .map(([phrase, format, amount]): Mention => ({
    kind: 'money',
    text: phrase(format(amount)),
    forbidden: amountPatterns(amount),
  }));

/** Generator 2 (kept): the booking's own amounts, bare. */
const bareMention = (m: BookingMoney) =>
  fc.tuple(fc.constantFrom(...BARE_PHRASES), fc.constantFrom(...BARE_FORMATS)).map(([phrase, format]): Mention => ({
    kind: 'bare',
    text: phrase(m, format),
    forbidden: [m.revenue, m.fee, m.net].flatMap(amountPatterns),
  }));

/** Who gets which of the booking's amounts, as a phrase around the amount. */
const PAY_PHRASES: Array<(a: string) => string> = [
  (a) => `Captain gets ${a}`,
  (a) => `capt keeps ${a}`,
  (a) => `owner clears ${a}`,
  (a) => `Boatsetter collected ${a}`,
  (a) => `${a} to the owner`,
  (a) => `Rowan ${a}`,
];
const amountOf = (m: BookingMoney, which: 'revenue' | 'fee' | 'net') => m[which];
const whichAmount = fc.constantFrom('revenue' as const, 'fee' as const, 'net' as const);

/**
 * NEW generator 3: one of the booking's amounts in words ("three thousand four hundred fifty-six"), the way
 * number-to-words spells it or with the usual variations ("and", no commas, capitalised), exact or rounded to the
 * hundred ("about thirty-four hundred").
 */
const wordsMention = (m: BookingMoney) =>
  fc
    .tuple(whichAmount, fc.constantFrom(...PAY_PHRASES), fc.integer({ min: 0, max: 4 }), fc.boolean())
    .map(([which, phrase, style, capital]): Mention => {
      const exact = dollars(amountOf(m, which));
      const rounded = Math.round(exact / 100) * 100;
      const spelled = [
        toWords(exact),
        toWords(exact).replace(/,/g, ''),
        toWords(exact).replace(/ hundred (?!thousand)/g, ' hundred and '),
        toWords(rounded),
        `about ${toWords(rounded).replace(/,/g, '')}`,
      ][style]!;
      const words = capital ? spelled.charAt(0).toUpperCase() + spelled.slice(1) : spelled;
      const core = words.replace(/^about /i, '');
      return { kind: 'words', text: phrase(words), forbidden: [new RegExp(escapeRegExp(core), 'i')] };
    });

/** NEW generator 4: one of the booking's amounts in thousands with k or K ("3.5k", "12.35K", "4k"). */
const kMention = (m: BookingMoney) =>
  fc
    .tuple(whichAmount, fc.constantFrom(...PAY_PHRASES), fc.integer({ min: 0, max: 2 }), fc.constantFrom('k', 'K'))
    .map(([which, phrase, decimals, k]): Mention => {
      const thousands = (dollars(amountOf(m, which)) / 1000).toFixed(decimals);
      const spelled = `${thousands}${k}`;
      return {
        kind: 'k',
        text: phrase(spelled),
        forbidden: [new RegExp(`(?<![\\d.])${escapeRegExp(thousands)}\\s?k\\b`, 'i')],
      };
    });

/**
 * NEW generator 5: the captain's fee or the owner's share as a percent of the charter ("Captain takes 20%",
 * "owner keeps 80 percent"), whole or to a tenth.
 */
const percentMention = (m: BookingMoney) =>
  fc
    .tuple(
      fc.constantFrom('fee' as const, 'net' as const),
      fc.constantFrom(
        (p: string) => `Captain takes ${p}`,
        (p: string) => `owner keeps ${p} of it`,
        (p: string) => `capt ${p}`,
        (p: string) => `Split: captain ${p}`,
      ),
      fc.constantFrom('%', ' %', ' percent', ' PERCENT'),
      fc.boolean(),
    )
    .map(([which, phrase, sign, tenth]): Mention => {
      const ratio = (amountOf(m, which) / m.revenue) * 100;
      // 0% and 100% are the page's own progress text: a share that rounds to them is written to a tenth.
      const whole = String(Math.round(ratio));
      const value = tenth || whole === '0' || whole === '100' ? ratio.toFixed(1) : whole;
      return {
        kind: 'percent',
        text: phrase(`${value}${sign}`),
        forbidden: [new RegExp(`(?<![\\d.])${escapeRegExp(value)}\\s?(?:%|percent)`, 'i')],
      };
    });

/** An email address of the kinds guests give: dotted, plussed, subdomains, country domains. */
const emailAddress = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9]{0,7}(?:[._+-][a-z0-9]{1,6})?$/),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,9}[a-z0-9]$/),
    fc.constantFrom('com', 'org', 'net', 'co.uk', 'io', 'travel', 'email', 'com.mx'),
  )
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

const EMAIL_PHRASES: Array<(e: string) => string> = [
  (e) => `guest email ${e}`,
  (e) => `reach Ann at ${e}`,
  (e) => `(${e})`,
  (e) => `contact: <${e}>`,
  (e) => `${e} for the photos`,
];

/** NEW generator 6: the guest's own email address in any case ("ANN.LEE@EXAMPLE.COM"), or spelled out. */
const guestEmailMention = (email: string) =>
  fc
    .tuple(anyCase(email), fc.constantFrom(...EMAIL_PHRASES), fc.integer({ min: 0, max: 2 }))
    .map(([cased, phrase, style]): Mention => {
      const [local, domain] = cased.split('@') as [string, string];
      const written = [cased, `${local} [at] ${domain.replace(/\./g, ' [dot] ')}`, `${local} at ${domain}`][style]!;
      const firstLabel = escapeRegExp(domain.split('.')[0]!);
      const spelled = `(?<![\\w.+-])${escapeRegExp(local)}\\s*(?:@|\\[at\\]|\\bat\\b)\\s*${firstLabel}`;
      return {
        kind: 'guest email',
        text: phrase(written),
        forbidden: [new RegExp(escapeRegExp(email), 'i'), new RegExp(spelled, 'i')],
      };
    });

/** NEW generator 7: anyone else's email address, in any case. */
const otherEmailMention = fc
  .tuple(emailAddress, fc.constantFrom(...EMAIL_PHRASES))
  .chain(([email, phrase]) => anyCase(email).map((cased) => ({ email, cased, phrase })))
  .map(({ email, cased, phrase }): Mention => ({
    kind: 'other email',
    text: phrase(cased),
    forbidden: [new RegExp(escapeRegExp(email), 'i')],
  }));

/** A US number: real area codes, a valid exchange, any line. */
const usNumber = fc
  .tuple(
    fc.constantFrom('619', '858', '760', '212', '415', '310', '702', '305', '917', '646'),
    fc.integer({ min: 200, max: 999 }).filter((n) => n % 100 !== 11),
    fc.integer({ min: 0, max: 9999 }),
  )
  .map(([area, exchange, line]) => `${area}${exchange}${String(line).padStart(4, '0')}`);

type PhoneFormat = (national: string) => string;
const PHONE_FORMATS: PhoneFormat[] = [
  (n) => `+1${n}`,
  (n) => `+1 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
  (n) => `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`,
  (n) => `${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)}`,
  (n) => `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`,
  (n) => n,
  (n) => `1-${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`,
  (n) => `+1 (${n.slice(0, 3)}) ${n.slice(3, 6)}.${n.slice(6)}`,
];
const PHONE_PHRASES: Array<(p: string) => string> = [
  (p) => `guest cell ${p}`,
  (p) => `CELL: ${p}`,
  (p) => `Tel. ${p} ext. 12`,
  (p) => `call her on ${p}`,
  (p) => `(${p})`,
  (p) => `text ${p} when docked`,
];

/** NEW generator 8: the guest's own phone number, in any of the usual formats, with its label in any case. */
const guestPhoneMention = (national: string) =>
  fc.tuple(fc.constantFrom(...PHONE_FORMATS), fc.constantFrom(...PHONE_PHRASES)).map(([format, phrase]): Mention => ({
    kind: 'guest phone',
    text: phrase(format(national)),
    forbidden: [digitsPattern(national), localPattern(national)],
  }));

/** NEW generator 9: anyone else's phone number: US in any format, or British. */
const otherPhoneMention = fc.oneof(
  fc
    .tuple(usNumber, fc.constantFrom(...PHONE_FORMATS), fc.constantFrom(...PHONE_PHRASES))
    .map(([national, format, phrase]): Mention => ({
      kind: 'other phone',
      text: phrase(format(national)),
      forbidden: [digitsPattern(national)],
    })),
  fc
    .tuple(
      fc.constantFrom('+44 20 7946 0958', '+44 7700 900123', '+44 (0)161 496 0000'),
      fc.constantFrom(...PHONE_PHRASES),
    )
    .map(([number, phrase]): Mention => ({
      kind: 'other phone',
      text: phrase(number),
      forbidden: [digitsPattern(number.replace(/\(0\)/, '').replace(/\D/g, '').slice(-9))],
    })),
);

/** Who the booking is for and what it is worth: what the generators write about. */
interface Context {
  money: BookingMoney;
  email: string;
  phone: string;
}

/** One private mention of any kind about this booking. */
const anyMention = (c: Context) =>
  fc.oneof(
    moneyMention,
    bareMention(c.money),
    wordsMention(c.money),
    kMention(c.money),
    percentMention(c.money),
    guestEmailMention(c.email),
    otherEmailMention,
    guestPhoneMention(c.phone),
    otherPhoneMention,
  );

/** Free text mixing plain words with private mentions; the mentions come back for checking. */
const freeText = (c: Context, maxMentions = 4) =>
  fc
    .array(
      fc.oneof(
        plainText.map((text): Mention => ({ kind: 'plain', text, forbidden: [] })),
        anyMention(c),
      ),
      { minLength: 1, maxLength: maxMentions },
    )
    .chain((parts) =>
      fc.tuple(
        fc.constant(parts),
        fc.array(fc.constantFrom(...SEPARATORS), { minLength: parts.length, maxLength: parts.length }),
      ),
    )
    .map(([parts, separators]) => ({
      text: parts.map((part, i) => part.text + (i < parts.length - 1 ? separators[i]! : '')).join(''),
      mentions: parts.filter((part) => part.kind !== 'plain'),
    }));

const context = fc
  .record({ fee: cents, net: cents, email: emailAddress, phone: usNumber })
  .map(({ fee, net, email, phone }): Context => ({ money: { revenue: fee + net, fee, net }, email, phone }));

/**
 * A one-line field (location, vessel) with something private after its real value: "$1,450, capt fee $300, guest
 * cell ..." in the location. Only whole mentions that fit the field's length are added, as a partner's form would
 * refuse a longer one.
 */
const oneLine = (c: Context, value: string, max: number) =>
  fc.array(anyMention(c), { maxLength: 3 }).map((mentions) => {
    const fitting: Mention[] = [];
    let text = value;
    for (const mention of mentions) {
      if (`${text}, ${mention.text}`.length > max) continue;
      text = `${text}, ${mention.text}`;
      fitting.push(mention);
    }
    return { text, mentions: fitting };
  });

interface Scenario {
  context: Context;
  input: BookingCreatedInput;
  update: BookingCreatedInput & { revision: number };
  cancelReason: string;
  crewNotes: string;
  declineReason: string;
  mentions: Mention[];
}

const charterOf = fc.record({
  id: fc.stringMatching(/^[a-z][a-z0-9]{5,11}$/),
  year: fc.integer({ min: 2026, max: 2029 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
  startHour: fc.integer({ min: 6, max: 15 }),
  hours: fc.integer({ min: 1, max: 6 }),
  guests: fc.integer({ min: 1, max: 150 }),
});

type CharterShape = typeof charterOf extends fc.Arbitrary<infer T> ? T : never;

const bookingInputOf = (
  c: Context,
  b: CharterShape,
  text: { notes: string; location: string; vessel: string },
): BookingCreatedInput => ({
  schema_version: 1,
  booking_id: b.id,
  source: 'boatsetter',
  charter_date: `${b.year}-${String(b.month).padStart(2, '0')}-${String(b.day).padStart(2, '0')}`,
  charter_start: `${String(b.startHour).padStart(2, '0')}:00`,
  charter_end: `${String(b.startHour + b.hours).padStart(2, '0')}:30`,
  timezone: 'America/Los_Angeles',
  guest_count: b.guests,
  guest: { name: 'Ann Lee', email: c.email, phone: `+1${c.phone}` },
  vessel: text.vessel,
  location: text.location,
  revenue_cents: c.money.revenue,
  captain_fee_cents: c.money.fee,
  currency: 'USD',
  notes: text.notes.slice(0, 4000),
});

/**
 * A booking, a later revision of it (another date, the same money and guest, or no amounts at all), a cancellation, a
 * PATCH, a decline.
 */
const scenario = context.chain((c) =>
  fc
    .record({
      charter: charterOf,
      moved: charterOf,
      notes: freeText(c, 8),
      location: oneLine(c, 'Shelter Island, San Diego', 200),
      vessel: oneLine(c, 'JADA', 100),
      newNotes: freeText(c, 4),
      newLocation: oneLine(c, 'Harbor Island West Marina', 200),
      reason: freeText(c, 3),
      crewNotes: freeText(c, 3),
      decline: freeText(c, 2),
      // A partner's update may leave the amounts out (the whole booking "as it stands", as its form had it): the text
      // still names them, and only the earlier revision knows them.
      updateOmitsAmounts: fc.boolean(),
    })
    .map((g): Scenario => {
      const input = bookingInputOf(c, g.charter, {
        notes: g.notes.text,
        location: g.location.text,
        vessel: g.vessel.text,
      });
      const { revenue_cents, captain_fee_cents, ...moved } = bookingInputOf(c, g.moved, {
        notes: g.newNotes.text,
        location: g.newLocation.text,
        vessel: g.vessel.text,
      });
      const update = {
        ...moved,
        ...(g.updateOmitsAmounts ? {} : { revenue_cents, captain_fee_cents }),
        booking_id: g.charter.id,
        revision: 2,
      };
      return {
        context: c,
        input,
        update,
        cancelReason: g.reason.text.slice(0, 500),
        crewNotes: g.crewNotes.text.slice(0, 4000),
        declineReason: g.decline.text.slice(0, 500),
        mentions: [g.notes, g.location, g.vessel, g.newNotes, g.newLocation, g.reason, g.crewNotes, g.decline].flatMap(
          (t) => t.mentions,
        ),
      };
    }),
);

/**
 * HTML and calendar text as a person reads it: our own style sheets and scripts (constant, no booking data: they hold
 * "width:100%") left out, entities decoded, invite lines unfolded and unescaped.
 */
const readable = (text: string) =>
  text
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<script>[\s\S]*?<\/script>/g, '')
    .replace(/\r\n[ \t]/g, '')
    .replace(/\\([,;\\])/g, '$1')
    .replace(/\\n/gi, '\n')
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, code: string) => String.fromCharCode(parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/**
 * Ids are random (booking ids from the generator, event ids from a hash) and could spell "fee" or a digit run by
 * chance, and magic-link tokens carry digits; none is booking text, so they are taken out before looking.
 */
function expectNothingPrivate(surface: string, visible: string, s: Scenario, ids: string[]): void {
  const text = ids.reduce((rest, id) => rest.split(id).join('<id>'), readable(visible));
  for (const mention of s.mentions) {
    for (const pattern of mention.forbidden) {
      if (pattern.test(text)) {
        throw new Error(`${surface} shows ${mention.kind} (${pattern}) from "${mention.text}":\n${text}`);
      }
    }
  }
  expect(text).not.toMatch(digitsPattern(s.context.phone));
  for (const amount of [s.context.money.revenue, s.context.money.fee, s.context.money.net]) {
    for (const pattern of amountPatterns(amount)) {
      if (pattern.test(text)) throw new Error(`${surface} shows the amount ${pattern}:\n${text}`);
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
    'fee',
    'payout',
    'paid',
  ]) {
    if (text.includes(marker)) throw new Error(`${surface} contains "${marker}":\n${text}`);
  }
}

const FROM = 'crew-desk@crew.example.com';
const LINK = 'https://scc.example.com/crew/evt/token';
const NOW = new Date('2026-01-01T00:00:00Z');
const CAPTAIN = ROSTER[0]!;
const MATE = ROSTER[1]!;

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

/** A notice as the notifier sends it: subject, HTML, text and the invite, in one string. */
const mailText = (email: OutgoingEmail) =>
  [email.subject, email.html, email.text, ...email.attachments.map((a) => a.content)].join('\n');
const sent = (bookingId: string, notice: DueNotice) =>
  mailText(renderNotice({ bookingId, notice, captain: CAPTAIN, crewPageLink: LINK, from: FROM, now: NOW }));
const told = (member: CrewMember, fields: DueNotice['fields']): MemberRecord => ({
  name: member.name,
  email: member.email,
  role: member.role,
  sequence: 1,
  status: 'idle',
  told: { kind: 'call', fields, revision: 1, version: 1, sequence: 0, message_id: 'm-1', sent_at: NOW.toISOString() },
});
const noticeOf = (decision: ReturnType<typeof memberDue>, kind: DueNotice['kind']): DueNotice => {
  if (decision.kind !== 'notice' || decision.notice.kind !== kind) throw new Error(`expected a ${kind} notice`);
  return decision.notice;
};
/**
 * The guest page as guest-pages renders it: from its item after these revisions (the last one's facts, every one's
 * `redaction`), live, or cancelled at `cancelledAt`.
 */
function guestPageOf(revisions: BookingCreated[], cancelledAt?: string): string {
  const item: GuestPageItem = {
    ...pageFactsOf(revisions.at(-1)!),
    slug: 'AbCdEfGhIjKlMnOpQrStUv',
    revision: revisions.length + (cancelledAt ? 1 : 0),
    lifecycle: cancelledAt ? 'cancelled' : 'live',
    ...(cancelledAt ? { cancelled_at: cancelledAt } : {}),
    redaction: new Set(revisions.flatMap(redactionEntries)),
    created_at: NOW.toISOString(),
    updated_at: NOW.toISOString(),
  };
  const decision = pageDecision(item);
  if (decision.kind !== 'render') throw new Error(`expected a page, got ${decision.kind}`);
  return renderGuestPage(decision.view, {
    apiUrl: 'https://api.example.com',
    uploadsUrl: 'https://uploads.example.com/',
    uploadToken: 'k'.repeat(43),
    uploadLimits: DEFAULT_UPLOAD_LIMITS,
  });
}

describe('no money and no guest contact details reach crew or guests (pure, every surface)', () => {
  it('holds for the booking, its change, its cancellation, a crew PATCH and a decline, on every surface', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const bookingId = s.input.booking_id;
        const eventId = eventIdFor(bookingId);
        const ids = [eventId, bookingId];
        const check = (surface: string, visible: string) => expectNothingPrivate(surface, visible, s, ids);
        const created = booking(s.input);
        const facts = privateFactsOf(created);

        // The booking: the crew event, EventCreated, the crew page and API, the call, the guest page.
        const event = stored(projectBooking(created, ROSTER), eventId);
        check('the projection', JSON.stringify(event));
        const createdDetail = EventCreated.parse(eventCreatedDetail(event));
        check('EventCreated', JSON.stringify(createdDetail));
        check('the crew page', renderCrewPage({ event, memberId: MATE.member_id, token: 't' }));
        check('GET /events', JSON.stringify(eventView(event)));
        const first = snapshotOf(createdDetail, false);
        const call = noticeOf(memberDue(first, MATE, undefined, true), 'call');
        check('the call', sent(bookingId, call));
        check('the guest page', guestPageOf([created]));

        // A later revision: EventUpdated, the change, the removal of a member called before, the page again.
        const next = booking(s.update);
        const change = planBookingChange(event, projectCharter(next, facts));
        const after = { ...event, ...change.next, revision: 2, version: 2 };
        const updated = bookingUpdatedDetail(after, change);
        check('EventUpdated', JSON.stringify(updated));
        const second = snapshotOf(updated, false);
        check(
          'the change',
          sent(bookingId, noticeOf(memberDue(second, MATE, told(MATE, fieldsOf(first)), true), 'change')),
        );
        const removal = memberDue({ ...second, crew: [CAPTAIN] }, MATE, told(MATE, fieldsOf(second)), false);
        check('the removal', sent(bookingId, noticeOf(removal, 'removal')));
        check('the changed crew page', renderCrewPage({ event: after, memberId: MATE.member_id, token: 't' }));
        check('the changed guest page', guestPageOf([created, next]));

        // Crew notes by PATCH, naming no amounts: checked against the booking's own.
        const plan = planCrewChange(after, { crew_notes: s.crewNotes }, facts);
        const patched = { ...after, crew_notes: plan.changes.crew_notes ?? undefined, version: 3 };
        check('EventUpdated (crew)', JSON.stringify(crewUpdatedDetail(patched, plan)));
        check('the crew page after a PATCH', renderCrewPage({ event: patched, memberId: MATE.member_id, token: 't' }));
        check('GET /events after a PATCH', JSON.stringify(eventView(patched)));

        // A decline with a reason: CrewDeclined, the member's page, the API and the captain's email.
        const reason = crewSafeDeclineReason(s.declineReason, facts);
        const declined = { ...patched, declines: { [MATE.member_id]: { at: NOW.toISOString(), reason } } };
        const declinedDetail = CrewDeclined.parse({
          schema_version: 1,
          booking_id: bookingId,
          event_id: eventId,
          member_id: MATE.member_id,
          revision: 2,
          version: 3,
          declined_at: NOW.toISOString(),
          ...(reason ? { reason } : {}),
        });
        check('CrewDeclined', JSON.stringify(declinedDetail));
        check('the declined crew page', renderCrewPage({ event: declined, memberId: MATE.member_id, token: 't' }));
        check('GET /events with a decline', JSON.stringify(eventView(declined)));
        const state = { booking_id: bookingId, crew_event: second, members: {}, notices: {}, declines: {} };
        const decline = { ...declinedDetail, told: undefined };
        const email = renderDeclineEmail({
          state: state as JoinState,
          decline,
          from: FROM,
          operatorAddress: () => FROM,
        });
        check('the decline email', mailText(email));

        // The cancellation: EventCancelled, the cancel notice, the cancelled crew and guest pages.
        const cancellation = cancellationOf(
          BookingCancelled.parse({
            schema_version: 1,
            booking_id: bookingId,
            source: 'boatsetter',
            revision: 3,
            cancelled_at: '2026-12-01T17:30:00Z',
            cancelled_by: 'guest',
            reason: s.cancelReason,
          }),
          facts,
        );
        const cancelledDetail = eventCancelledDetail({ ...after, revision: 3, version: 4 }, cancellation);
        check('EventCancelled', JSON.stringify(cancelledDetail));
        const last = snapshotOf(cancelledDetail, true);
        check(
          'the cancel notice',
          sent(bookingId, noticeOf(memberDue(last, MATE, told(MATE, fieldsOf(second)), true), 'cancel')),
        );
        const cancelledEvent = { ...after, lifecycle: 'cancelled' as const, cancellation };
        check(
          'the cancelled crew page',
          renderCrewPage({ event: cancelledEvent, memberId: MATE.member_id, token: 't' }),
        );
        check('the cancelled guest page', guestPageOf([created, next], NOW.toISOString()));
      }),
      { numRuns: 300 },
    );
  });

  it('the scrubber is stable: what it keeps has nothing more to remove', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const once = scrubText(input.notes);
        expect(scrubText(once)).toBe(once);
        const facts = privateFactsOf(booking(input));
        const withFacts = scrubText(input.notes, facts);
        expect(scrubText(withFacts, facts)).toBe(withFacts);
      }),
      { numRuns: 200 },
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

describe('no money and no guest contact details reach crew (through the local cloud)', () => {
  let cloud: LocalCloud;
  let onBookingEvent: typeof import('../src/handlers/on-booking-event').handler;
  let listEvents: HttpHandler;
  let crewPage: HttpHandler;
  let updateEvent: HttpHandler;
  let decline: HttpHandler;

  beforeAll(async () => {
    cloud = await startScc({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
    onBookingEvent = (await import('../src/handlers/on-booking-event')).handler;
    listEvents = (await import('../src/handlers/list-events')).handler;
    crewPage = (await import('../src/handlers/crew-page')).handler;
    updateEvent = (await import('../src/handlers/update-event')).handler;
    decline = (await import('../src/handlers/decline')).handler;
  });
  afterAll(() => cloud?.stop());

  const serviceKey = () => cloud.secrets['charter/local/scc-service-key']!;
  const tokenFor = (bookingId: string, memberId = 'theo-park') =>
    mintCrewToken(cloud.secrets['charter/local/magic-link-key']!, {
      eventId: eventIdFor(bookingId),
      memberId,
      email: rosterEmail(memberId),
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });

  /**
   * Everything crew and the notifier can see of a booking: its items (less `redaction`, the booking's own amounts and
   * guest contacts kept for scrubbing and never returned by any read), SCC's events, GET /events and the crew page.
   */
  async function crewVisible(bookingId: string, token: string): Promise<string> {
    const eventId = eventIdFor(bookingId);
    const items = (await tableItems()).filter((item) => item.booking_id === bookingId);
    expect(items.length).toBeGreaterThan(0);
    const shown = items.map(({ redaction: _redaction, ...item }) => item);
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
        headers: { 'x-service-key': serviceKey() },
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
    const visible = [JSON.stringify(shown), JSON.stringify(published), String(list.body), String(page.body)].join('\n');
    expect(visible).not.toContain('redaction');
    // The token (with its expiry digits) is the member's own credential, not booking data.
    return visible.split(token).join('<token>');
  }

  it('holds for the items, events, GET /events and the crew page: create, PATCH, decline, change, cancel', async () => {
    let lifecycleRuns = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        // One booking per run: fast-check may draw an id twice, and a second run on a cancelled booking would fail.
        const bookingId = `${s.input.booking_id}-lc${++lifecycleRuns}`;
        const eventId = eventIdFor(bookingId);
        const ids = [eventId, bookingId];
        const check = async (surface: string, memberId = 'theo-park') =>
          expectNothingPrivate(surface, await crewVisible(bookingId, tokenFor(bookingId, memberId)), s, ids);

        await onBookingEvent(bookingEnvelope({ ...s.input, booking_id: bookingId }), lambdaContext());
        expect(eventCreatedFor(cloud, bookingId)).toHaveLength(1);
        await check('after BookingCreated');

        // The operator's PATCH names no amounts: the booking's own, kept server-side, still find them.
        const patch = await updateEvent(
          httpApiEvent({
            method: 'PATCH',
            route: 'PATCH /events/{event_id}',
            path: `/events/${eventId}`,
            pathParameters: { event_id: eventId },
            headers: { 'x-service-key': serviceKey(), 'content-type': 'application/json', 'if-match': '*' },
            body: JSON.stringify({ crew_notes: s.crewNotes }),
          }),
          lambdaContext(),
        );
        expect(patch.statusCode).toBe(200);
        await check('after a PATCH of crew notes');

        const declined = await decline(
          httpApiEvent({
            method: 'POST',
            route: 'POST /crew/{event_id}/decline',
            path: `/crew/${eventId}/decline`,
            pathParameters: { event_id: eventId },
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ token: tokenFor(bookingId, 'isla-moreno'), reason: s.declineReason }),
          }),
          lambdaContext(),
        );
        expect(declined.statusCode).toBe(200);
        await check('after a decline', 'isla-moreno');

        await onBookingEvent(
          partnerEnvelope('BookingUpdated', { ...s.update, booking_id: bookingId }),
          lambdaContext(),
        );
        expect(publishedFor(cloud, 'EventUpdated', bookingId)).toHaveLength(2);
        await check('after BookingUpdated');

        const cancelled = {
          schema_version: 1 as const,
          booking_id: bookingId,
          source: 'boatsetter',
          revision: 3,
          cancelled_at: '2026-12-01T17:30:00Z',
          cancelled_by: 'guest' as const,
          reason: s.cancelReason,
        };
        await onBookingEvent(partnerEnvelope('BookingCancelled', cancelled), lambdaContext());
        expect(publishedFor(cloud, 'EventCancelled', bookingId)).toHaveLength(1);
        await check('after BookingCancelled');
      }),
      { numRuns: 25 },
    );
  });

  it('keeps what redaction needs on the item, and no read returns it', async () => {
    const input = booking({ booking_id: 'private-facts-kept' });
    await onBookingEvent(bookingEnvelope(input), lambdaContext());
    const [item] = (await tableItems()).filter((i) => i.pk === `EVENT#${eventIdFor('private-facts-kept')}`);
    expect(item?.redaction).toEqual({
      amounts: [{ revenue_cents: input.revenue_cents, captain_fee_cents: input.captain_fee_cents }],
      emails: [input.guest.email],
      phones: [input.guest.phone],
    });
    const visible = await crewVisible('private-facts-kept', tokenFor('private-facts-kept'));
    expect(visible).not.toContain(input.guest.email!);
  });
});
