import type { BookingCreated } from '@charter/events';
import { CONTACT_REMOVED, removeContacts } from './redact-contacts';
import { redactMoney, type BookingAmounts } from './redact-money';

/**
 * The one scrubber for free text crew or guests see (notes, location, vessel, a cancellation's reason, crew notes, a
 * decline's reason): every email address and phone number goes (the guest's own in any case or spelling), then every
 * mention of money (the booking's own amounts however written). Used by scc for everything crew see and by
 * guest-pages for the guest page.
 *
 * What the booking knows that must not show (its amounts and its guest's contact details) are its private facts:
 * scc keeps them with the crew event, server-side and never shown, so that text written later (a PATCH, a decline,
 * a cancellation) is scrubbed against them as well as the booking itself was.
 */

export { CONTACT_REMOVED } from './redact-contacts';
export { amountsInCents, mentionsMoney, redactMoney, type BookingAmounts } from './redact-money';

/** What a booking knows that crew and guests must never see, as redaction uses it. Lists: revisions add to them. */
export interface PrivateFacts {
  amounts: BookingAmounts[];
  emails: string[];
  phones: string[];
}

export const NO_PRIVATE_FACTS: PrivateFacts = { amounts: [], emails: [], phones: [] };

/** Anything that names a booking's amounts or its guest's contacts (a booking, or an operator's request). */
export interface PrivateSource {
  revenue_cents?: number;
  captain_fee_cents?: number;
  guest?: Partial<Pick<BookingCreated['guest'], 'email' | 'phone'>>;
}

/** The private facts a booking (or a request carrying its amounts or guest) names; nothing else of it. */
export function privateFactsOf(source: PrivateSource): PrivateFacts {
  const { revenue_cents, captain_fee_cents, guest } = source;
  const named = revenue_cents !== undefined || captain_fee_cents !== undefined;
  return {
    amounts: named
      ? [
          {
            ...(revenue_cents === undefined ? {} : { revenue_cents }),
            ...(captain_fee_cents === undefined ? {} : { captain_fee_cents }),
          },
        ]
      : [],
    emails: guest?.email ? [guest.email] : [],
    phones: guest?.phone ? [guest.phone] : [],
  };
}

/** Each value once by its key, the first kept. */
function unique<T>(values: T[], key: (value: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const value of values) if (!seen.has(key(value))) seen.set(key(value), value);
  return [...seen.values()];
}

/** The union of what several revisions (or a booking and a request) know: each amount and contact once. */
export function mergePrivateFacts(...facts: Array<PrivateFacts | undefined>): PrivateFacts {
  const all = facts.filter((f): f is PrivateFacts => f !== undefined);
  return {
    amounts: unique(
      all.flatMap((f) => f.amounts),
      (a) => `${a.revenue_cents ?? ''}/${a.captain_fee_cents ?? ''}`,
    ),
    emails: unique(
      all.flatMap((f) => f.emails),
      (e) => e.trim().toLowerCase(),
    ),
    phones: unique(
      all.flatMap((f) => f.phones),
      (p) => p.replace(/\D/g, '').slice(-10),
    ),
  };
}

/**
 * Unicode's compatibility forms folded (NFKC): full-width "dana＠example．com" and "Captain gets ３００", circled or
 * superscript digits, ligatures read as the ASCII every rule below is written for, and show the same to a reader.
 */
const folded = (text: string) => text.normalize('NFKC');

/**
 * What shows as nothing: format characters (zero-width space and joiners, soft hyphen, LRM/RLM, word joiner, bidi
 * controls) and C1 controls. "3\u200b00" reads as 300 to a person and as two numbers to every rule below, so they go
 * before scrubbing (an emoji joined with ZWJ shows as its parts).
 */
const INVISIBLE = /[\p{Cf}\u0080-\u009f]/gu;
const LINE_SEPARATORS = /[\u0085\u2028\u2029]/g;
/** A zero-width space between letters is where a word may break: "fourteen\u200bfifty" is two words. */
const WORD_BREAK = /(?<=\p{L})\u200b(?=\p{L})/gu;

/**
 * Decimal digits of every script ("١٤٥٠", Devanagari, Thai...) as ASCII, which NFKC leaves as they are. Unicode lays
 * each script's digits out in runs of ten from zero, so a digit's value is its distance from the start of its run.
 */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (digit) => {
    if (digit >= '0' && digit <= '9') return digit;
    const at = digit.codePointAt(0)!;
    let start = at;
    while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start -= 1;
    return String((at - start) % 10);
  });
}

const compatible = (text: string) =>
  asciiDigits(folded(text).replace(LINE_SEPARATORS, ' ').replace(WORD_BREAK, ' ').replace(INVISIBLE, ''));

/**
 * Free text crew or guests may see, without contact details or money; undefined when nothing is left. Untouched text
 * stays as written, but for its compatibility forms (NFKC), invisible characters and other scripts' digits.
 */
export function scrubText(text: string | undefined | null, facts: PrivateFacts = NO_PRIVATE_FACTS): string | undefined {
  if (!text) return undefined;
  const scrubbed = redactMoney(removeContacts(compatible(text), facts), facts.amounts);
  return scrubbed === '' ? undefined : scrubbed;
}

// C0 and C1 controls and DEL: line breaks and tabs read as spaces; the rest (NUL, ESC, CSI...) are dropped.
const CONTROL_SPACES = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g; // eslint-disable-line no-control-regex -- what it removes
// Bidi marks, embeddings, overrides and isolates (ALM, LRM, RLM, LRE..RLO, LRI..PDI): they make text read other
// than it is written.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A person's words without control characters or Unicode bidi controls, on one line: a NUL or an escape sequence can
 * break a mail header or a terminal reading the log, and a bidi override can make "refund" read as something else in
 * the captain's inbox ("Trojan Source", CVE-2021-42574). A fixed set of code points, so a regex, not a library.
 */
export const stripControls = (text: string) =>
  text.replace(CONTROL_SPACES, ' ').replace(CONTROLS, '').replace(BIDI_CONTROLS, '').replace(/ {2,}/g, ' ').trim();

/** What a required one-line field shows when all of it was private: it cannot be empty. */
export const WITHHELD = 'Ask the operator';

/**
 * A required one-line field (vessel, location): scrubbed as free text, on one line, cut to its schema's length, and
 * never empty.
 */
export function scrubField(text: string, facts: PrivateFacts, maxLength: number): string {
  const scrubbed = scrubText(text.replace(/\s*[\r\n]+\s*/g, ' '), facts)
    ?.slice(0, maxLength)
    .trim();
  return scrubbed || WITHHELD;
}

/** The guest's first name for a greeting, unless it is a contact detail ("dana@example.com" as the name). */
export function safeFirstName(name: string, facts: PrivateFacts = NO_PRIVATE_FACTS): string | undefined {
  const first = removeContacts(compatible(name).trim(), facts).split(/\s+/)[0];
  return first && !first.startsWith(CONTACT_REMOVED.slice(0, 1)) ? first : undefined;
}
