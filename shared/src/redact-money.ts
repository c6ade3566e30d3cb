import type { BookingCreated } from '@charter/events';
import { NUMBER_WORD, wordRuns } from './number-words';

/**
 * Crew and guests never see money. Partners write free-text notes ("Birthday party, paid $1,450.00 in
 * full; captain fee 300 USD"), so before a note reaches a crew event it loses every line,
 * sentence or clause that talks about money, and the rest is put back together readably:
 * "Birthday party."
 *
 * The rule errs on the side of removing: a clause is dropped when it holds an amount of money,
 * a currency symbol or code, a word that is only ever about money (revenue, payout, fee,
 * price...), a word that is about money when a number is near it (tip 20%, total 1450, rev 1450,
 * owner nets 1,150), or, when the booking's own amounts are known, one of those amounts in any
 * usual spelling, bare ("Captain gets 300", "Charter was 1.450,00"), in words ("three thousand
 * four hundred"), in thousands ("3.4k") or as a share of the charter ("Captain takes 20%").
 * Someone on the boat getting a number is money whatever the amounts ("Captain gets 300").
 *
 * The booking's amounts (revenue, captain fee, and what is left after the fee) come from the
 * booking; scc keeps them with the crew event (never shown) so that crew notes written later are
 * checked against them too. Several revisions' amounts may be given: each counts.
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
const HAS_NUMBER = new RegExp(String.raw`\d|\b(?:${NUMBER_WORD})\b`, 'i');
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
 * Someone on the boat getting a number: "Captain gets 300", "owner keeps 1.1k", "capt takes 20%", "crew makes two
 * hundred". Money whatever the booking's amounts; the number must end the clause or be followed by words about pay
 * ("for the day", "each"), so "Captain gets 2 hours off" and "we get 6 guests" stay.
 */
const PAYEE = String.raw`captain|capt|skipper|mate|deckhand|crew|owner|boat|broker|we|i|they|he|she|you`;
const PAID_VERB =
  String.raw`gets?|got|getting|makes?|made|making|receives?|received|takes?|took|taking|keeps?|kept|keeping|` +
  String.raw`clears?|cleared|pockets?|pocketed|is owed|are owed|walks away with`;
const PAID_NUMBER =
  String.raw`\d[\d.,'’]*\s?(?:k|grand|%|percent|per cent)?|` +
  String.raw`(?:a\s+)?(?:${NUMBER_WORD})(?:[\s-]+(?:${NUMBER_WORD}|and))*(?:\s+(?:percent|per cent))?`;
const PAID_SOMEONE = new RegExp(
  String.raw`\b(?:${PAYEE})\s+(?:${PAID_VERB})\s+(?:(?:about|around|roughly|only|just|maybe|like|a flat|flat|~)\s*)?` +
    String.raw`(?:${PAID_NUMBER})` +
    String.raw`(?=\s*(?:$|[.!?,;:)]|\s(?:for|per|each|total|flat|cash|off|of|a day|the day|after|before|net|gross)\b))`,
  'i',
);

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

type NumberToken =
  | {
      kind: 'amount';
      /** The values in cents the token may stand for: 1450 is $1,450 or 1450 cents; 1,450.50 is 145050 (or $1,450). */
      cents: number[];
      /** "5pm", "3 hours": a number, but not an amount. */
      clock: boolean;
    }
  /** A number to a precision, in dollars: "3.5k" (3500 to the hundred), "three thousand", "two grand". */
  | { kind: 'approximate'; dollars: number; precision: number }
  /** "20%", "20 percent", "twenty per cent". */
  | { kind: 'percent'; value: number; decimals: number };

const MAGNITUDES: Record<string, number> = { k: 1000, grand: 1000, thousand: 1000, hundred: 100, m: 1e6, mm: 1e6 };
MAGNITUDES.million = 1e6;
/** "3.5k", "12 K", "2 grand", "1.2m": a number in thousands (or hundreds, or millions). */
const WITH_MAGNITUDE = /(?<![\d.,])(\d+(?:[.,]\d+)?)\s?(k|grand|thousand|hundred|mm|m|million)\b/gi;
const PERCENT = /(?<![\d.,])(\d+(?:[.,]\d+)?)\s?(?:%|per\s?cent\b|pct\b)/gi;
const PERCENT_AFTER_WORDS = /^\s*(?:%|per\s?cent\b)/i;
const blank = (text: string) => ' '.repeat(text.length);

/** The trailing zeros of a whole number as a power of ten: 3500 is written to the hundred. */
const precisionOf = (value: number) => {
  let precision = 1;
  while (value > 0 && value % (precision * 10) === 0) precision *= 10;
  return precision;
};
const decimalNumber = (text: string) => Number(text.replace(',', '.'));
const decimalsOf = (text: string) => /[.,](\d+)$/.exec(text)?.[1]?.length ?? 0;

function numberTokens(text: string): NumberToken[] {
  const tokens: NumberToken[] = [];
  let masked = text.replace(PHONE, blank);
  masked = masked.replace(PERCENT, (match, number: string) => {
    tokens.push({ kind: 'percent', value: decimalNumber(number), decimals: decimalsOf(number) });
    return blank(match);
  });
  masked = masked.replace(WITH_MAGNITUDE, (match, number: string, unit: string) => {
    const dollars = Math.round(decimalNumber(number) * MAGNITUDES[unit.toLowerCase()]!);
    tokens.push({ kind: 'approximate', dollars, precision: precisionOf(dollars) });
    return blank(match);
  });
  for (const run of wordRuns(masked)) {
    const percent = PERCENT_AFTER_WORDS.test(masked.slice(run.index + run.length));
    for (const value of run.values) {
      tokens.push(
        percent
          ? { kind: 'percent', value, decimals: 0 }
          : { kind: 'approximate', dollars: value, precision: precisionOf(value) },
      );
    }
  }
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
      tokens.push({ kind: 'amount', cents, clock: CLOCK_AFTER.test(masked.slice(match.index + token.length)) });
    }
  }
  return tokens;
}

/** The booking's own amounts, in cents: notes that mention them, however spelled, are about money. */
export type BookingAmounts = Pick<BookingCreated, 'revenue_cents' | 'captain_fee_cents'>;
type Amounts = BookingAmounts | readonly BookingAmounts[] | undefined;

const isList = (amounts: Amounts): amounts is readonly BookingAmounts[] => Array.isArray(amounts);
const listOf = (amounts: Amounts): readonly BookingAmounts[] =>
  amounts === undefined ? [] : isList(amounts) ? amounts : [amounts];
const positive = (cents: number | undefined): cents is number =>
  cents !== undefined && Number.isSafeInteger(cents) && cents > 0;

/** The booking's amounts in cents: the revenue, the captain fee and what the owner keeps (revenue minus fee). */
function knownCents(amounts: Amounts): number[] {
  return listOf(amounts).flatMap(({ revenue_cents: revenue, captain_fee_cents: fee }) => [
    ...[revenue, fee].filter(positive),
    ...(positive(revenue) && positive(fee) && revenue > fee ? [revenue - fee] : []),
  ]);
}

/**
 * Every value in cents a number in the notes may show the booking's money as: the revenue, the
 * captain fee and what the owner keeps (revenue minus fee), each exactly and in whole dollars
 * (rounded down and to the nearest), since partners write "1450" for $1,450.40.
 */
export function amountsInCents(amounts: Amounts): ReadonlySet<number> {
  const values = new Set<number>();
  for (const cents of knownCents(amounts)) {
    values.add(cents);
    values.add(Math.floor(cents / 100) * 100);
    values.add(Math.round(cents / 100) * 100);
  }
  values.delete(0);
  return values;
}

/** What the redaction knows of the booking's money, in every unit a note may write it in. */
interface KnownMoney {
  cents: ReadonlySet<number>;
  /** Each amount in dollars, for a number written to the hundred or the thousand ("3.5k", "three thousand"). */
  dollars: readonly number[];
  /** The fee and the owner's share as percents of the revenue ("Captain takes 20%"). */
  percents: readonly number[];
}

function knownMoney(amounts: Amounts): KnownMoney {
  const percents = listOf(amounts).flatMap(({ revenue_cents: revenue, captain_fee_cents: fee }) =>
    positive(revenue) && positive(fee) && revenue > fee
      ? [(fee / revenue) * 100, ((revenue - fee) / revenue) * 100]
      : [],
  );
  return { cents: amountsInCents(amounts), dollars: knownCents(amounts).map((c) => c / 100), percents };
}

/**
 * A number written to a precision ("3.5k" is 3500 to the hundred, "three thousand" 3000 to the thousand) is one of
 * the amounts when the amount, rounded down or to the nearest at that precision, is that number: "3.4k" and "3.5k"
 * are both $3,456.
 */
const approximates = (token: { dollars: number; precision: number }, dollars: number) =>
  [Math.floor, Math.round].some(
    (round) => round(Math.floor(dollars) / token.precision) * token.precision === token.dollars,
  );

/** A percent is one of the shares when it is that share rounded to the digits it was written with. */
const isShare = (token: { value: number; decimals: number }, share: number) =>
  Number(share.toFixed(token.decimals)) === token.value || Math.floor(share) === token.value;

function mentions(text: string, money: KnownMoney): boolean {
  if (
    SYMBOL.test(text) ||
    CODE_NEXT_TO_NUMBER.test(text) ||
    NUMBER_WITH_MONEY_WORD.test(text) ||
    MONEY_WORDS.test(text) ||
    (MONEY_WORDS_NEAR_NUMBERS.test(text) && NUMBER_LIKE.test(text)) ||
    PAID_SOMEONE.test(text)
  ) {
    return true;
  }
  if (!HAS_NUMBER.test(text)) return false;
  const tokens = numberTokens(text);
  // The weaker words need a written amount: not a time, nor a small number in words ("cut the cake at three").
  const amountLike = (token: NumberToken) =>
    token.kind === 'amount' ? !token.clock : token.kind === 'percent' || token.dollars >= 100;
  if (MONEY_WORDS_NEAR_AMOUNTS.test(text) && tokens.some(amountLike)) return true;
  return tokens.some((token) => {
    if (token.kind === 'amount') return token.cents.some((value) => money.cents.has(value));
    if (token.kind === 'approximate') return money.dollars.some((dollars) => approximates(token, dollars));
    return money.percents.some((share) => isShare(token, share));
  });
}

/**
 * True when a piece of text mentions money in any form the redaction knows; with the booking's
 * amounts, also when it holds one of them as a bare number, in words, in thousands or as a share.
 */
export function mentionsMoney(text: string, amounts?: Amounts): boolean {
  return mentions(text, knownMoney(amounts));
}

/**
 * Sentence and clause boundaries, kept so a line can be put back together. A full stop only
 * ends a sentence before a space: "1,450.00" is one number.
 */
const BOUNDARY = /([.!?]+\s+|;\s*|,\s+|\s+[-–—]+\s+|\s+(?:and|but|plus|so|while|although|though|because)\s+)/i;
const CONJUNCTIONS = 'and|but|plus|so|while|although|though|because';
const DANGLING_END = new RegExp(`(?:[\\s,;:\\-–—]+|\\s+(?:${CONJUNCTIONS}))+$`, 'iu');
const DANGLING_START = new RegExp(`^\\s*(?:${CONJUNCTIONS})\\s+`, 'i');
/** "Captain fee - 300", "... four hundred and fifty": the number after a money clause is its amount, even alone. */
const BARE_NUMBER = new RegExp(
  String.raw`^[\s(]*(?:[-+~]?\d[\d.,'’ ]*(?:k|K|%)?|(?:(?:${NUMBER_WORD}|and|a)[\s-]*)+)[\s)]*[.!?]?$`,
  'i',
);
const PARENTHESES = /\s*[([][^()[\]]*[)\]]/g;

/**
 * A number in words is one clause, whatever it holds: "one hundred and four thousand, three hundred" must not be
 * split at its "and" or its comma. Its joiners are swapped for private-use characters while the line is split.
 */
const JOINED = { comma: '\uE000', space: '\uE001' };
const joinWordNumbers = (line: string) => {
  let out = line;
  for (const run of wordRuns(line).reverse()) {
    const joined = line
      .slice(run.index, run.index + run.length)
      .replace(/,/g, JOINED.comma)
      .replace(/\s/g, JOINED.space);
    out = out.slice(0, run.index) + joined + out.slice(run.index + run.length);
  }
  return out;
};
const unjoin = (text: string) => text.replace(/\uE000/g, ',').replace(/\uE001/g, ' ');

function redactLine(
  line: string,
  startsAfterMoney: boolean,
  amounts: KnownMoney,
): { text: string; endsInMoney: boolean } {
  // A parenthetical aside that mentions money goes entirely: "Ann's party (paid $300) at 5".
  const withoutAsides = line.replace(PARENTHESES, (aside) => (mentions(aside, amounts) ? '' : aside));
  const parts = joinWordNumbers(withoutAsides).split(BOUNDARY).map(unjoin);
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
export function redactMoney(notes: string, bookingAmounts?: Amounts): string {
  const amounts = knownMoney(bookingAmounts);
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
