/**
 * `npm run local`: every service on this machine against real-protocol stand-ins.
 * `npm start`: the same, then the sample bookings published through the real SDK, and where to look.
 *   --persist          keep tables, objects, secrets and dead letters in .local/data across restarts
 *   --port-base <n>    move every port (the API's is n, the others follow in the contract's order)
 *   --concurrency <n>  execution environments per function (default 4)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalCloud, ROOT, type LocalCloud } from './cloud';
import { publishSamples, whereToLook } from './samples';

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const started = Date.now();
  const portBase = argValue('--port-base');
  const concurrency = argValue('--concurrency');
  let cloud: LocalCloud | undefined;
  const shutdown = async (signal: string) => {
    console.log(`\n${signal}: stopping the local cloud...`);
    await cloud?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  cloud = await startLocalCloud({
    ports: 'default',
    ...(portBase ? { portBase: Number(portBase) } : {}),
    ...(concurrency ? { concurrency: Number(concurrency) } : {}),
    persist: process.argv.includes('--persist'),
    run: true,
    schedules: true,
    // Lambda waits about a minute, then two, before retrying an asynchronous invocation; locally seconds.
    retryDelaysMs: [2000, 4000],
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const functions = cloud.runtime?.names().length ?? 0;
  console.log(
    `local cloud ready in ${seconds} s: ${cloud.services.length} services, ${functions} functions, stage local, bus charter-bookings-local`,
  );
  console.log(`  endpoints   ${join('.local', 'endpoints.json')}  (API ${cloud.endpoints.api})`);
  console.log(`  secrets     ${join('.local', 'secrets.json')}`);
  console.log(`  logs        ${join('.local', 'logs')}/<service>.log  (JSON lines, each with the booking id)`);
  console.log(`  mail viewer ${cloud.endpoints.ses}/`);
  console.log(`  dead letters: npm run dlq   (redrive: npm run dlq -- redrive)`);

  if (process.argv.includes('--samples')) {
    const dir = join(ROOT, 'events', 'samples');
    const samples = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    await publishSamples(cloud, samples);
    console.log(`\nPublished ${samples.length} sample bookings through PutEvents. Where to look:\n`);
    console.log(
      whereToLook(
        cloud,
        samples.map((s) => s.booking_id),
      ),
    );
  }
  console.log('\nCtrl-C stops everything.');
}

main().catch((error) => {
  console.error(`local cloud failed to start: ${(error as Error).message}`);
  process.exit(1);
});
