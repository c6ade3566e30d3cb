import type { BookingCreated } from '@charter/events';

/**
 * Crew never see money. Partners write free-text notes ("Birthday party, paid $1,450.00 in
 * full; captain fee 300 USD"), so before a note reaches a crew event it loses every line,
 * sentence or clause that talks about money, and the rest is put back together readably:
 * "Birthday party."
 *
 * The rule errs on the side of removing: a clause is dropped when it holds an amount of money,
 * a currency symbol or code, a word that is only ever about money (revenue, payout, fee,
 * price...), a word that is about money when a number is near it (tip 20%, total 1450, rev 1450,
 * owner nets 1,150), or, when the booking's own amounts are known, one of those amounts in any
 * usual spelling, bare ("Captain gets 300", "Charter was 1.450,00").
 *
 * The booking's amounts (revenue, captain fee, and what is left after the fee) are only known
 * where the booking is: at BookingCreated, or when an operator's POST or PATCH names them. The
 * stored crew event holds no money, so notes changed later without the amounts are checked by
 * the vocabulary rules alone.
 */

const CURRENCY_SYMBOLS = '$€£¥₹₩₽₪₱₺₫¢฿₦₴₲₵₡';
/** Common ISO 4217 codes; a curated list, because codes like ALL or TOP are also English words. */
const CURRENCY_CODES = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'NZD',
  'MXN',
  'JPY',
  'CHF',
  'CNY',
  'HKD',
  'SGD',
  'SEK',
  'NOK',
  'DKK',
  'BRL',
  'INR',
  'ZAR',
  'AED',
  'KRW',
  'THB',
  'PHP',
  'CRC',
  'COP',
  'BTC',
  'USDC',
  'USDT',
];
const NUMBER = String.raw`\d{1,3}(?:[,.'’ ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d+)?`;
const MAGNITUDE = String.raw`(?:\s?(?:k|K|m|M|mm|MM|bn|million|thousand|grand)\b)?`;
const CURRENCY_WORDS = String.raw`dollars?|bucks?|usd|euros?|cents?|quid|pesos?|yen|francs?|bitcoins?`;

const SYMBOL = new RegExp(`[${CURRENCY_SYMBOLS}]`, 'u');
const CODES = CURRENCY_CODES.join('|');
const CODE_NEXT_TO_NUMBER = new RegExp(
  String.raw`(?:\b(?:${CODES})\s?-?(?:${NUMBER}))|(?:(?:${NUMBER})${MAGNITUDE}\s?(?:${CODES})\b)`,
  'i',
);
const NUMBER_WITH_MONEY_WORD = new RegExp(String.raw`(?:${NUMBER})${MAGNITUDE}\s?(?:${CURRENCY_WORDS}|grand)\b`, 'i');

/** Words that are about money whatever surrounds them. */
const MONEY_WORDS = new RegExp(
  String.raw`\b(?:` +
    [
      'revenues?',
      'pay-?outs?',
      'payments?',
      'paid',
      'prepaid',
      'unpaid',
      'repaid',
      'overpaid',
      'underpaid',
      'pays?',
      'paying',
      'payable',
      'payroll',
      'fees?',
      'prices?',
      'priced',
      'pricing',
      'costs?',
      'costing',
      'earn(?:s|ed|ing|ings)?',
      'income',
      'profits?',
      'profitable',
      'commissions?',
      'invoic(?:e|es|ed|ing)',
      'deposits?',
      'refund(?:s|ed|able)?',
      'gratuit(?:y|ies)',
      'compensat(?:ion|ed)',
      'wages?',
      'salar(?:y|ies)',
      'stipend',
      'bonus(?:es)?',
      'money',
      'budget',
      'billed',
      'billing',
      'discount(?:s|ed)?',
      'surcharges?',
      'upcharges?',
      'financials?',
      'accounting',
      'venmo',
      'zelle',
      'paypal',
      'stripe',
      'cash ?app',
      'credit card',
      'debit card',
      'checks? for',
      'reimburs(?:e|ed|ement)',
      'dollars?',
      'bucks',
      'euros?',
      'cents',
      'usd',
      'currency',
      'monetary',
      'expensive',
      'cheap(?:er)?',
      'affordable',
      'splurg(?:e|ed)',
      'rates? card',
      'day rate',
      'hourly rate',
      'net pay',
      'take-?home',
    ].join('|') +
    String.raw`)\b`,
  'i',
);

/** Words that are about money when a number sits in the same clause: "tip 20%", "total 1450". */
const MONEY_WORDS_NEAR_NUMBERS = new RegExp(
  String.raw`\b(?:tip(?:s|ped|ping)?|charg(?:e|es|ed|ing)|rates?|total(?:s|led)?|balance|cash|owe[sd]?|owing|` +
    String.raw`net|gross|margin|spen[dt]|spending|worth|amount)\b`,
  'i',
);
const NUMBER_LIKE =
  /\d|%|\bper ?cent\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|half|double)\b/i;

/**
 * Words that are about money when an amount sits in the same clause: "Rev 1450 / capt 300",
 * "Boatsetter collected 1,450", "Owner share 1,150". Weaker words than the ones above, so only a
 * written number counts, and not a time, a date or a phone number ("cut the cake at 3:30").
 */
const MONEY_WORDS_NEAR_AMOUNTS =
  /\b(?:revs?|collect(?:s|ed|ing)?|nets|netted|netting|comps?|comped|shares?|cut|amts?|charged|prices?|rates?|totals?)\b/i;

/**
 * A number as written, as a whole token: 1450, 1,450, 1.450, 1’450, 1450.00, 1,450.00,
 * 1.450,00, 145000. Digits joined by ':' (13:00) or '-' (2027-05-30, 619-555-0100) are times,
 * dates and phone numbers, not amounts; neither is a number with a leading zero.
 */
const TOKEN_START = String.raw`(?<!\d|\d[.,'’:\-])`;
const TOKEN_END = String.raw`(?!\d|[.,'’:\-]\d)`;
const AMOUNT_TOKENS = [
  new RegExp(
    String.raw`${TOKEN_START}(?:\d{1,3}([,.'’])\d{3}(?:\1\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)${TOKEN_END}`,
    'g',
  ),
  // French and Swiss spacing: 1 450,00.
  new RegExp(String.raw`${TOKEN_START}\d{1,3}(?:[ \u00A0\u202F]\d{3})+(?:[.,]\d{1,2})?${TOKEN_END}`, 'g'),
];
/** Phone numbers written with spaces or dots (619 555 0100, +1 (619) 555.0100) are not amounts. */
const PHONE = /(?:\+\d{1,3}[ .-]?)?\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b/g;
const CLOCK_AFTER = /^\s?(?:am|pm|a\.m\.|p\.m\.|h|hrs?|hours?|min)\b/i;

interface NumberToken {
  /** The values in cents the token may stand for: 1450 is $1,450 or 1450 cents; 1,450.50 is 145050 (or $1,450). */
  cents: number[];
  /** "5pm", "3 hours": a number, but not an amount. */
  clock: boolean;
}

function numberTokens(text: string): NumberToken[] {
  const masked = text.replace(PHONE, (phone) => ' '.repeat(phone.length));
  const tokens: NumberToken[] = [];
  for (const pattern of AMOUNT_TOKENS) {
    for (const match of masked.matchAll(pattern)) {
      const token = match[0];
      const decimals = /[.,](\d{1,2})$/.exec(token);
      const whole = (decimals ? token.slice(0, decimals.index) : token).replace(/\D/g, '');
      if ((whole.length > 1 && whole.startsWith('0')) || whole.length > 13) continue;
      // A token with cents also reads as its whole dollars: "1450.40" where the booking says $1,450.
      const cents = decimals
        ? [Number(whole) * 100 + Number(decimals[1]!.padEnd(2, '0')), Number(whole) * 100]
        : [Number(whole) * 100, Number(whole)];
      tokens.push({ cents, clock: CLOCK_AFTER.test(masked.slice(match.index + token.length)) });
    }
  }
  return tokens;
}

/** The booking's own amounts, in cents: notes that mention them, however spelled, are about money. */
export type BookingAmounts = Pick<BookingCreated, 'revenue_cents' | 'captain_fee_cents'>;

/**
 * Every value in cents a number in the notes may show the booking's money as: the revenue, the
 * captain fee and what the owner keeps (revenue minus fee), each exactly and in whole dollars
 * (rounded down and to the nearest), since partners write "1450" for $1,450.40.
 */
export function amountsInCents(amounts: BookingAmounts | undefined): ReadonlySet<number> {
  const values = new Set<number>();
  const revenue = amounts?.revenue_cents;
  const fee = amounts?.captain_fee_cents;
  const known = [revenue, fee];
  if (revenue !== undefined && fee !== undefined && revenue > fee) known.push(revenue - fee);
  for (const cents of known) {
    if (cents === undefined || !Number.isSafeInteger(cents) || cents <= 0) continue;
    values.add(cents);
    values.add(Math.floor(cents / 100) * 100);
    values.add(Math.round(cents / 100) * 100);
  }
  values.delete(0);
  return values;
}

const NO_AMOUNTS: ReadonlySet<number> = new Set();

function mentions(text: string, amounts: ReadonlySet<number>): boolean {
  if (
    SYMBOL.test(text) ||
    CODE_NEXT_TO_NUMBER.test(text) ||
    NUMBER_WITH_MONEY_WORD.test(text) ||
    MONEY_WORDS.test(text) ||
    (MONEY_WORDS_NEAR_NUMBERS.test(text) && NUMBER_LIKE.test(text))
  ) {
    return true;
  }
  if (!/\d/.test(text)) return false;
  const tokens = numberTokens(text);
  if (MONEY_WORDS_NEAR_AMOUNTS.test(text) && tokens.some((token) => !token.clock)) return true;
  return amounts.size > 0 && tokens.some((token) => token.cents.some((value) => amounts.has(value)));
}

/**
 * True when a piece of text mentions money in any form the redaction knows; with the booking's
 * amounts, also when it holds one of them as a bare number.
 */
export function mentionsMoney(text: string, amounts?: BookingAmounts): boolean {
  return mentions(text, amountsInCents(amounts));
}

/**
 * Sentence and clause boundaries, kept so a line can be put back together. A full stop only
 * ends a sentence before a space: "1,450.00" is one number.
 */
const BOUNDARY = /([.!?]+\s+|;\s*|,\s+|\s+[-–—]+\s+|\s+(?:and|but|plus|so|while|although|though|because)\s+)/i;
const CONJUNCTIONS = 'and|but|plus|so|while|although|though|because';
const DANGLING_END = new RegExp(`(?:[\\s,;:\\-–—]+|\\s+(?:${CONJUNCTIONS}))+$`, 'iu');
const DANGLING_START = new RegExp(`^\\s*(?:${CONJUNCTIONS})\\s+`, 'i');
/** "Captain fee - 300": the number after a money label is the amount, even without a symbol. */
const BARE_NUMBER = /^[\s(]*[-+~]?\d[\d.,'’ ]*(?:k|K|%)?[\s)]*[.!?]?$/;
const PARENTHESES = /\s*[([][^()[\]]*[)\]]/g;

function redactLine(
  line: string,
  startsAfterMoney: boolean,
  amounts: ReadonlySet<number>,
): { text: string; endsInMoney: boolean } {
  // A parenthetical aside that mentions money goes entirely: "Ann's party (paid $300) at 5".
  const withoutAsides = line.replace(PARENTHESES, (aside) => (mentions(aside, amounts) ? '' : aside));
  const parts = withoutAsides.split(BOUNDARY);
  let dropped = withoutAsides !== line;
  let previousWasMoney = startsAfterMoney;
  const kept: { text: string; boundary: string }[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const text = parts[i] ?? '';
    const boundary = parts[i + 1] ?? '';
    if (text.trim() === '') {
      if (kept.length > 0 && /[.!?]/.test(boundary)) kept[kept.length - 1]!.boundary = boundary;
      continue;
    }
    if (mentions(text, amounts) || (previousWasMoney && BARE_NUMBER.test(text))) {
      dropped = true;
      previousWasMoney = true;
      // The clause goes; a sentence end it carried moves to the clause before it.
      if (kept.length > 0 && /[.!?]/.test(boundary)) kept[kept.length - 1]!.boundary = boundary;
      continue;
    }
    previousWasMoney = false;
    kept.push({ text, boundary });
  }
  if (!dropped) return { text: line, endsInMoney: false };
  let result = kept.map((part) => part.text + part.boundary).join('');
  let previous;
  do {
    previous = result;
    result = result.replace(DANGLING_END, '').replace(DANGLING_START, '');
  } while (result !== previous);
  result = result.replace(/ {2,}/g, ' ').trim();
  if (result === '') return { text: '', endsInMoney: true };
  // "Tip 20% expected; guests are celebrating" reads as "Guests are celebrating".
  if (/^\s*[A-Z]/.test(line)) result = result.charAt(0).toUpperCase() + result.slice(1);
  result = (/^\s*/.exec(line)?.[0] ?? '') + result;
  // A line that ended a sentence still does when its last clause went.
  if (/[.!?]\s*$/.test(line) && !/[.!?]$/.test(result)) result += '.';
  return { text: result, endsInMoney: previousWasMoney };
}

/**
 * Removes every mention of money from free text and keeps the rest readable: untouched lines
 * stay as written, a line about money goes, a line with a money clause keeps its other clauses.
 * With the booking's amounts, a clause holding one of them as a bare number goes too.
 */
export function redactMoney(notes: string, bookingAmounts?: BookingAmounts): string {
  const amounts = bookingAmounts ? amountsInCents(bookingAmounts) : NO_AMOUNTS;
  const lines = notes.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let afterMoney = false;
  for (const line of lines) {
    if (line.trim() === '') {
      out.push('');
      afterMoney = false;
      continue;
    }
    const kept = redactLine(line, afterMoney, amounts);
    afterMoney = kept.endsInMoney;
    if (kept.text !== '') out.push(kept.text.replace(/\s+$/, ''));
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Notes for crew: money removed, and the guest's own email and phone (crew reach guests through
 * the captain). Pass the booking's amounts whenever they are known (see BookingAmounts).
 */
export function crewSafeNotes(
  notes: string | undefined | null,
  guest?: Pick<BookingCreated['guest'], 'email' | 'phone'>,
  amounts?: BookingAmounts,
): string | undefined {
  if (!notes) return undefined;
  let text = notes;
  if (guest?.email) text = text.split(guest.email).join('[guest contact removed]');
  const phoneDigits = guest?.phone?.replace(/\D/g, '') ?? '';
  if (phoneDigits.length >= 7) {
    text = text.replace(/\+?[\d().\-\s]{7,}\d/g, (candidate) =>
      candidate.replace(/\D/g, '').endsWith(phoneDigits.slice(-7)) ? '[guest contact removed]' : candidate,
    );
  }
  const redacted = redactMoney(text, amounts);
  return redacted === '' ? undefined : redacted;
}

const EMAIL_ADDRESS = /[^\s@<>()[\]{},;:"']+@[^\s@<>()[\]{},;:"']+\.[A-Za-z]{2,}/g;
/**
 * Phone numbers as people write them: +1 619 555 0100, (619) 555-0100, 619.555.0100, +44 20 7946 0958, 6195550100.
 * A date (2027-03-02), a time or an amount has no group of three digits and another of three or four beside it.
 */
const PHONE_NUMBER =
  /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\b\d{2,4}[\s.-])?\b\d{3,4}[\s.-]?\d{3,4}\b|\+?\b\d{7,15}\b/g;
const CONTACT_REMOVED = '[contact removed]';

/**
 * Free text for crew when the guest's own details are not at hand (a cancellation's reason): every email address and
 * phone number goes, then the money.
 */
export function crewSafeText(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  const withoutContacts = text
    .replace(EMAIL_ADDRESS, CONTACT_REMOVED)
    .replace(PHONE_NUMBER, (candidate) => (candidate.replace(/\D/g, '').length >= 7 ? CONTACT_REMOVED : candidate));
  const redacted = redactMoney(withoutContacts);
  return redacted === '' ? undefined : redacted;
}
