/**
 * `npm run chaos [-- --bookings 200 --rates 0.2,0.3 --seeds 7,42]`: the chaos run of ./chaos.ts, larger than CI's, at
 * each rate and seed; prints the figures of each and fails if anything was lost, doubled or wrong.
 */
import { describeFigures, runChaos } from './chaos';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

async function main(): Promise<void> {
  const bookings = Number(option('bookings', '200'));
  const rates = option('rates', '0.2,0.3').split(',').map(Number);
  const seeds = option('seeds', '7,42').split(',').map(Number);
  const lambdaTimeout = process.argv.includes('--lambda-timeout') ? Number(option('lambda-timeout', '0')) : undefined;
  let failed = false;
  for (const seed of seeds) {
    for (const rate of rates) {
      const figures = await runChaos({
        bookings,
        rate,
        seed,
        ...(lambdaTimeout === undefined ? {} : { lambdaTimeout }),
        ...(process.argv.includes('--keep') ? { stateDir: option('keep', '.local/chaos') } : {}),
        log: (line) => console.log(`  … ${line}`),
      });
      console.log(describeFigures(figures).join('\n'));
      failed ||= figures.lost.length + figures.doubled.length + figures.wrong.length > 0;
    }
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
