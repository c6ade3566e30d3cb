/**
 * Numbers written in English words, found in free text with their values: "three hundred", "fourteen hundred fifty",
 * "three thousand, four hundred and fifty-six", "a grand". The redaction reads them to recognise a booking's amounts
 * however they are spelled.
 *
 * Hand-written: the packages that turn words into numbers (words-to-numbers and the like) rewrite a whole text and
 * are unmaintained (words-to-numbers needs babel-runtime 6); the redaction needs each run's value and position.
 */

const UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1000, grand: 1000, million: 1_000_000 };

/** A word that is a number or a scale, as a regular-expression alternative. */
export const NUMBER_WORD = [...Object.keys(UNITS), ...Object.keys(SCALES)].join('|');

/**
 * A run of number words: joined by spaces, hyphens, "and" or a comma before a smaller part ("three thousand, four
 * hundred"), optionally opened by "a" ("a thousand", "a grand").
 */
const RUN = new RegExp(
  String.raw`\b(?:an?\s+(?=(?:hundred|thousand|grand|million)\b))?(?:${NUMBER_WORD})\b` +
    String.raw`(?:(?:\s*,\s*|\s+and\s+|[\s-]+)(?:${NUMBER_WORD})\b)*`,
  'gi',
);

export interface WordNumber {
  value: number;
  index: number;
  length: number;
}

/** The value of a run of number words that make one number: "three thousand four hundred and fifty-six" is 3456. */
export function valueOfWords(run: string): number | undefined {
  const [only] = numbersInWords(run);
  return only?.value;
}

type Word = { word: string; start: number; end: number };

/** One number being read: what it adds up to so far, and its last small group ("fifty-six" after "hundred"). */
interface Reading {
  start: number;
  end: number;
  total: number;
  current: number;
  /** The largest scale (thousand, million) already applied: a second one starts another number. */
  scale: number;
  /** The units and tens read since the last hundred or scale, where they start, and what they add. */
  group: { from: number; value: number; words: number };
  /** Where the part after the last scale starts ("six hundred" in "three thousand six hundred"), and its end. */
  sinceScale: number;
  scaleEnd: number;
  last: 'unit' | 'ten' | 'hundred' | 'scale' | 'a';
}

const valueOf = (r: Reading) => r.total + r.current;

/**
 * Every number written in words in the text, with its value and where it is. A run of number words may hold several
 * ("three hundred, four hundred", "ninety-four, three hundred"): a number ends where the next word cannot continue it
 * (a unit after a unit, a ten after a unit or ten, a scale already used, a hundred on a group that has one).
 */
export function numbersInWords(text: string): WordNumber[] {
  const found: WordNumber[] = [];
  for (const run of text.matchAll(RUN)) {
    const words: Word[] = [...run[0].matchAll(/[a-z]+/gi)]
      .map((m) => ({ word: m[0].toLowerCase(), start: run.index + m.index, end: run.index + m.index + m[0].length }))
      .filter((w) => w.word !== 'and');
    let reading: Reading | undefined;
    const close = (r: Reading | undefined) => {
      if (!r || r.last === 'a') return;
      // A number split off before its neighbour ends at its last word, not at the "and" or comma after it.
      const length = text.slice(r.start, r.end).replace(/(?:[\s,]+|\s+and)+$/i, '').length;
      found.push({ value: valueOf(r), index: r.start, length });
    };
    const start = (w: Word): Reading => ({
      start: w.start,
      end: w.end,
      total: 0,
      current: 0,
      scale: 0,
      group: { from: w.start, value: 0, words: 0 },
      sinceScale: w.start,
      scaleEnd: w.start,
      last: 'a',
    });
    for (const w of words) {
      if (w.word === 'a' || w.word === 'an') {
        close(reading);
        reading = { ...start(w), current: 1 };
        continue;
      }
      const unit = UNITS[w.word];
      if (unit !== undefined) {
        const kind = unit >= 20 ? 'ten' : 'unit';
        const continues =
          reading && (reading.last === 'hundred' || reading.last === 'scale' || (reading.last === 'ten' && unit < 10));
        if (reading && reading.last === 'a') reading = undefined;
        if (!continues) {
          close(reading);
          reading = start(w);
        }
        const r = reading!;
        if (r.last === 'scale') r.sinceScale = w.start;
        if (r.group.words === 0) r.group = { from: w.start, value: 0, words: 0 };
        r.current += unit;
        r.group = { ...r.group, value: r.group.value + unit, words: r.group.words + 1 };
        r.end = w.end;
        r.last = kind;
        continue;
      }
      if (w.word === 'hundred') {
        if (reading && reading.current >= 100 && reading.group.words > 0) {
          // "four hundred and nine hundred": the group before this hundred opens another number.
          const group = reading.group;
          const previous = { ...reading, current: reading.current - group.value, end: group.from };
          close(previous);
          reading = { ...start(w), start: group.from, current: group.value };
        }
        reading ??= { ...start(w), current: 1 };
        if (reading.last === 'scale') reading.sinceScale = w.start;
        reading.current = (reading.current || 1) * 100;
        reading.group = { from: w.end, value: 0, words: 0 };
        reading.end = w.end;
        reading.last = 'hundred';
        continue;
      }
      const scale = SCALES[w.word]!;
      if (reading && reading.scale > 0 && reading.scale <= scale) {
        // "three thousand, six hundred fifty-eight thousand": what came after the first thousand opens another number.
        const carried = reading.current;
        close({ ...reading, current: 0, end: reading.scaleEnd });
        reading = carried > 0 ? { ...start(w), start: reading.sinceScale, current: carried } : undefined;
      }
      reading ??= { ...start(w), current: 1 };
      reading.total += (reading.current || 1) * scale;
      reading.current = 0;
      reading.scale = scale;
      reading.scaleEnd = w.end;
      reading.group = { from: w.end, value: 0, words: 0 };
      reading.end = w.end;
      reading.last = 'scale';
    }
    close(reading);
  }
  return found;
}

/** A maximal run of number words, where it is, and every number its words can be read as. */
export interface WordRun {
  index: number;
  length: number;
  /**
   * The value of every stretch of the run that reads as one number: "one hundred, one million, sixty-nine thousand"
   * holds 100, 1,069,000, 1,000,000... Where two amounts touch, which words belong to which is a guess; the redaction
   * asks whether any reading is an amount.
   */
  values: number[];
}

/**
 * Hundreds said as two numbers, the way a price is spoken: "fourteen fifty" is 1450, "twenty-two fifteen" 2215. Two
 * numbers of 10-99 side by side (a space or a hyphen between, no comma or "and") read as high * 100 + low too.
 */
function hundredsPairs(run: string): number[] {
  const numbers = numbersInWords(run);
  const pairs: number[] = [];
  for (const [i, low] of numbers.entries()) {
    const high = numbers[i - 1];
    if (!high || high.value < 10 || high.value > 99 || low.value < 10 || low.value > 99) continue;
    if (/^[\s-]+$/.test(run.slice(high.index + high.length, low.index))) pairs.push(high.value * 100 + low.value);
  }
  return pairs;
}

export function wordRuns(text: string): WordRun[] {
  const runs: WordRun[] = [];
  for (const run of text.matchAll(RUN)) {
    const words = [...run[0].matchAll(/[a-z]+/gi)].filter((m) => !/^and$/i.test(m[0]));
    const values = new Set<number>();
    for (let from = 0; from < words.length; from++) {
      for (let to = from; to < words.length; to++) {
        const start = words[from]!.index;
        const stretch = run[0].slice(start, words[to]!.index + words[to]![0].length);
        const numbers = numbersInWords(stretch);
        if (numbers.length === 1 && numbers[0]!.index === 0 && numbers[0]!.length === stretch.length) {
          values.add(numbers[0]!.value);
        }
      }
    }
    for (const pair of hundredsPairs(run[0])) values.add(pair);
    runs.push({ index: run.index, length: run[0].length, values: [...values] });
  }
  return runs;
}
