/**
 * How the time to rebuild one year's public JSON grows with the year's size, against the local
 * cloud (dynalite + s3rver). For 100, 1,000 and 10,000 entries in a year it times, several
 * times each: the whole rebuild as a booking triggers it (`publishYear`: read the year record,
 * take the lease, query every entry, build, PUT, record), and its parts on their own.
 *
 *   npx tsx services/calendar/scripts/bench-rebuild.ts [sizes...]     e.g. 100 1000 10000
 *
 * A measurement, not a test: the figures depend on the machine and on the stand-ins (dynalite
 * is far slower than DynamoDB per item), so read the growth, not the absolute numbers.
 */
import { createLogger } from '@charter/shared/logger';
import { startLocalCloud } from '@charter/local/testing';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [100, 1_000, 10_000];
const RUNS = 5;
const SEED_CONCURRENCY = 32;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function main() {
  const cloud = await startLocalCloud({ services: ['calendar'], run: false });
  try {
    Object.assign(process.env, cloud.functionEnv('calendar', 'onBookingEvent'), { POWERTOOLS_LOG_LEVEL: 'ERROR' });
    const { fileEntry, queryYearEntries } = await import('../src/store/entries');
    const { writeOperatorEntry } = await import('../src/store/heads');
    /** An entry saved as the dashboard saves one: its head, then its year's item (the rebuild is timed apart). */
    const saveEntry = async (entry: Parameters<typeof writeOperatorEntry>[0]) => {
      const written = await writeOperatorEntry(entry);
      if (written.kind !== 'saved') throw new Error(`${entry.booking_id} was refused: ${written.kind}`);
      return fileEntry(written.head);
    };
    const { putPublicCalendar } = await import('../src/store/public-site');
    const { publishYear } = await import('../src/publishing');
    const invocation = { logger: createLogger('charter-calendar-bench'), deadline: Date.now() + 3_600_000 };
    const { buildPublicCalendar, publicCalendarJson } = await import('../src/domain/public-calendar');
    const { CalendarEntryInput } = await import('../src/domain/entry');

    const rows: string[] = [];
    for (const [index, size] of SIZES.entries()) {
      const year = 2040 + index;
      const entryOf = (i: number, guests = 1 + (i % 12)) =>
        CalendarEntryInput.parse({
          booking_id: `bench-${year}-${String(i).padStart(5, '0')}`,
          charter_date: new Date(Date.UTC(year, 0, 1 + (i % 365))).toISOString().slice(0, 10),
          charter_start: `${String(8 + (i % 10)).padStart(2, '0')}:00`,
          charter_end: `${String(9 + (i % 10)).padStart(2, '0')}:30`,
          guest_count: guests,
          source: 'boatsetter',
        });

      const seedStart = process.hrtime.bigint();
      let next = 0;
      await Promise.all(
        Array.from({ length: SEED_CONCURRENCY }, async () => {
          while (next < size) await saveEntry(entryOf(next++));
        }),
      );
      const seedMs = ms(seedStart);

      const full: number[] = [];
      const query: number[] = [];
      const build: number[] = [];
      const put: number[] = [];
      let bytes = 0;
      for (let run = 0; run < RUNS; run++) {
        // One booking changes, as a real one would, and the year is rebuilt for it.
        const years = await saveEntry(entryOf(run, 13 + run));
        const t0 = process.hrtime.bigint();
        await publishYear(year, years[0]!.version, invocation);
        full.push(ms(t0));

        const t1 = process.hrtime.bigint();
        const entries = await queryYearEntries(year);
        query.push(ms(t1));
        const t2 = process.hrtime.bigint();
        const body = publicCalendarJson(buildPublicCalendar(year, entries, new Date()));
        build.push(ms(t2));
        bytes = Buffer.byteLength(body);
        const t3 = process.hrtime.bigint();
        await putPublicCalendar(year, body, years[0]!.version);
        put.push(ms(t3));
        if (entries.length !== size) throw new Error(`expected ${size} entries in ${year}, queried ${entries.length}`);
      }
      rows.push(
        [
          size,
          median(full),
          median(query),
          median(build),
          median(put),
          (bytes / 1024).toFixed(0),
          (seedMs / 1000).toFixed(1),
        ]
          .map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v))
          .join('\t'),
      );
      const runs = full.map((v) => v.toFixed(0)).join(', ');
      console.log(`${size} entries: rebuild median ${median(full).toFixed(1)} ms (runs: ${runs})`);
    }
    console.log('\nentries\trebuild ms\tquery ms\tbuild ms\tPUT ms\tJSON KiB\tseed s');
    for (const row of rows) console.log(row);
  } finally {
    await cloud.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
