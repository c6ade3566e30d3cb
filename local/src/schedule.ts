/**
 * EventBridge schedule expressions the local cloud can run: `rate(<n> minute|minutes|hour|hours|day|days)`.
 * A cron() schedule is refused by name rather than silently never running.
 */
export function parseSchedule(expression: string): number {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!rate) throw new Error(`The local cloud runs rate(...) schedules only, not ${expression}`);
  const value = Number(rate[1]);
  const unit = rate[2]!;
  if (value < 1) throw new Error(`${expression}: the rate must be a positive whole number`);
  if ((value === 1) !== !unit.endsWith('s'))
    throw new Error(
      `${expression}: EventBridge wants "1 ${unit.replace(/s$/, '')}" or "<n> ${unit.replace(/s?$/, 's')}"`,
    );
  const minutes = unit.startsWith('minute') ? 1 : unit.startsWith('hour') ? 60 : 1440;
  return value * minutes * 60_000;
}
