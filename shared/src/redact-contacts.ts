import { findPhoneNumbersInText, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/**
 * Email addresses and phone numbers out of free text crew or guests see: any address and any number (crew reach
 * people through the captain, guests through the company they booked with), and the booking's own guest's however
 * they are written.
 */

export const CONTACT_REMOVED = '[contact removed]';

/** The contact details a booking names for its guest, to find them in other spellings too. */
export interface GuestContacts {
  emails: readonly string[];
  phones: readonly string[];
}

/*
 * Email addresses are found with a pattern rather than a library: redaction must over-match (any case, any dotted
 * domain, unknown TLDs, "name [at] domain [dot] com"), where the email libraries validate an address (linkifyjs keeps
 * to the TLDs it knows) rather than find every one in prose.
 */
const EMAIL = /[^\s@<>()[\]{},;:"'`]+@[^\s@<>()[\]{},;:"'`]+\.[a-z]{2,}\b/gi;
const SPELLED_AT = String.raw`\s*(?:\[at\]|\(at\)|\{at\}|<at>)\s*`;
const SPELLED_DOT = String.raw`\s*(?:\.|\[dot\]|\(dot\)|\{dot\}|\s+dot\s+)\s*`;
const BRACKETED_EMAIL = new RegExp(String.raw`[\w.+-]+${SPELLED_AT}[\w-]+(?:${SPELLED_DOT}[\w-]+)*`, 'gi');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The guest's own address spelled out in words, any case, even cut short: "dana at example dot com",
 * "Dana(at)example.com", "dana [at] example".
 */
function spelledOut(email: string): RegExp | undefined {
  const [local, domain] = email.trim().split('@');
  const [first, ...rest] = domain?.split('.') ?? [];
  if (!local || !first) return undefined;
  const at = String.raw`\s*(?:@|\bat\b|\[at\]|\(at\))\s*`;
  const dot = String.raw`\s*(?:\.|\bdot\b|\[dot\]|\(dot\))\s*`;
  const tail = rest.map((label) => `(?:${dot}${escapeRegExp(label)})?`).join('');
  return new RegExp(String.raw`(?<![\w.+-])` + escapeRegExp(local) + at + escapeRegExp(first) + tail, 'gi');
}

/**
 * A US local number without its area code ("555-0100"), which libphonenumber does not find on its own: three digits,
 * a dash or a dot, four digits, not inside a longer number.
 */
const LOCAL_NUMBER = /(?<![\d.,-])\d{3}[-.]\d{4}(?![\d-]|[.,]\d)/g;
/** A run of digits and the marks phone numbers are written with, to compare with the guest's own number. */
const DIGIT_RUN = /[+(]?\d[\d().\-\s]{5,}\d/g;

/** The countries whose numbering plans to read national numbers in: the US, and the guest's own. */
function countriesOf(phones: readonly string[]): CountryCode[] {
  const countries = new Set<CountryCode>(['US']);
  for (const phone of phones) {
    const country = parsePhoneNumberFromString(phone, 'US')?.country;
    if (country) countries.add(country);
  }
  return [...countries];
}

/** Replaces the spans (start, end) of a text, from the last, so earlier offsets stay right. */
function replaceSpans(text: string, spans: Array<[number, number]>): string {
  let out = text;
  for (const [start, end] of [...spans].sort((a, b) => b[0] - a[0])) {
    out = out.slice(0, start) + CONTACT_REMOVED + out.slice(end);
  }
  return out;
}

/**
 * Phone numbers as libphonenumber (a port of Google's PhoneNumberMatcher, with its numbering plans) finds them in
 * text: international ones, and national ones in the US or the guest's own country. `extended` accepts every possible
 * number (the right length for its plan), not only assigned ones: a fictional or newly opened range is still a number.
 * The `min` metadata (lengths and country codes, no per-range patterns) is enough for that, and 53 KB smaller in every
 * bundle that scrubs than `max` (issue 17); the redaction tests and the no-money property test pass with either.
 */
function removePhoneNumbers(text: string, countries: readonly CountryCode[]): string {
  let out = text;
  for (const defaultCountry of countries) {
    const spans = findPhoneNumbersInText(out, { defaultCountry, extended: true }).map(
      (found) => [found.startsAt, found.endsAt] as [number, number],
    );
    out = replaceSpans(out, spans);
  }
  return out;
}

/** Every email address and phone number out of the text; the guest's own in any spelling. */
export function removeContacts(text: string, guest: GuestContacts = { emails: [], phones: [] }): string {
  let out = text;
  for (const email of guest.emails) {
    const pattern = spelledOut(email);
    if (pattern) out = out.replace(pattern, CONTACT_REMOVED);
  }
  out = out.replace(EMAIL, CONTACT_REMOVED).replace(BRACKETED_EMAIL, CONTACT_REMOVED);
  // The guest's own number however it is broken up: a run of digits ending in its last seven.
  const lastDigits = guest.phones.map((phone) => phone.replace(/\D/g, '').slice(-7)).filter((d) => d.length === 7);
  if (lastDigits.length > 0) {
    out = out.replace(DIGIT_RUN, (run) => {
      const digits = run.replace(/\D/g, '');
      return lastDigits.some((last) => digits.endsWith(last)) ? CONTACT_REMOVED : run;
    });
  }
  out = removePhoneNumbers(out, countriesOf(guest.phones));
  return out.replace(LOCAL_NUMBER, CONTACT_REMOVED);
}
