import { CharterDate } from '@charter/events';
import * as z from '@charter/events/zod';

/** The longest range the console may ask for: a quarter, so one request stays a handful of queries. */
export const MAX_RANGE_DAYS = 93;

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD`: both real dates, to not before from, at most MAX_RANGE_DAYS days. */
const RequiredDate = z
  .optional(CharterDate)
  .check(z.refine((v) => v !== undefined, { error: 'is required (YYYY-MM-DD)' }));

export const DateRange = z
  .pipe(
    z.object({ from: RequiredDate, to: RequiredDate }),
    z.transform((range: { from?: string; to?: string }) => ({ from: range.from!, to: range.to! })),
  )
  .check((ctx) => {
    const { from, to } = ctx.value;
    const days = dayNumber(to) - dayNumber(from) + 1;
    if (days < 1) ctx.issues.push({ code: 'custom', path: ['to'], message: 'must not be before from', input: to });
    else if (days > MAX_RANGE_DAYS)
      ctx.issues.push({
        code: 'custom',
        path: ['to'],
        message: `must be at most ${MAX_RANGE_DAYS} days after from (the range is ${days} days)`,
        input: to,
      });
  });
export type DateRange = z.infer<typeof DateRange>;

/** Every month the range touches, `YYYY-MM`: the keys of the by-month index. */
export function monthsOf({ from, to }: DateRange): string[] {
  const months: string[] = [];
  let [year, month] = from.split('-').map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    month = month === 12 ? 1 : month + 1;
    if (month === 1) year++;
  }
}
