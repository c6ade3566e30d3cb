/**
 * `npm run local`: every service on this machine against real-protocol stand-ins.
 * `npm start`: the same, then the sample bookings published through the real SDK, and where to look.
 *   --persist          keep tables, objects, secrets and dead letters in .local/data across restarts
 *   --port-base <n>    move every port (the API's is n, the others follow in the contract's order)
 *   --concurrency <n>  execution environments per function (default 4)
 *   --faults <list>    transient AWS faults, e.g. dynamodb=0.2,s3=0.2,ses=0.2,eventbridge=0.1,seed=42
 *                      (also secretsmanager=, sqs=, lambda-timeout=; see README.md)
 */
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from './cloud/start';
import { parseFaults } from './faults/options';
import { sampleBookings } from './fixtures';
import { publishBookings } from './partner';
import { whereToLook } from './where-to-look';

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const started = Date.now();
  const portBase = argValue('--port-base');
  const concurrency = argValue('--concurrency');
  const faultList = argValue('--faults');
  if (process.argv.includes('--faults') && !faultList)
    throw new Error('--faults needs a list, e.g. dynamodb=0.2,seed=42');
  const faults = faultList === undefined ? undefined : parseFaults(faultList);
  let cloud: LocalCloud | undefined = undefined;
  const shutdown = async (signal: string) => {
    console.log(`\n${signal}: stopping the local cloud...`);
    if (cloud && faults) console.log(faultsInjected(cloud));
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
    ...(faults ? { faults } : {}),
    run: true,
    schedules: true,
    // Lambda waits about a minute, then two, before retrying an asynchronous invocation; locally seconds.
    retryDelaysMs: [2000, 4000],
  });
  printReady(cloud, (Date.now() - started) / 1000);
  if (process.argv.includes('--samples')) {
    const samples = sampleBookings();
    await publishBookings(samples, { endpoint: cloud.endpoints.eventbridge });
    await cloud.idle();
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

function printReady(cloud: LocalCloud, seconds: number): void {
  const functions = cloud.runtime?.names().length ?? 0;
  console.log(
    `local cloud ready in ${seconds.toFixed(1)} s: ${cloud.services.length} services, ${functions} functions, ` +
      'stage local, bus charter-bookings-local',
  );
  console.log(`  endpoints   ${join('.local', 'endpoints.json')}  (API ${cloud.endpoints.api})`);
  console.log(`  secrets     ${join('.local', 'secrets.json')}`);
  console.log(`  logs        ${join('.local', 'logs')}/<service>.log  (JSON lines, each with the booking id)`);
  console.log(`  mail viewer ${cloud.endpoints.ses}/`);
  // The ops service's OpsSiteDistribution: the page from its bucket, /ops/* to the API, one origin.
  console.log(
    `  ops console ${cloud.endpoints.opsSite}/console  (token: charter/local/dashboard-token in secrets.json)`,
  );
  console.log(`  dead letters: npm run dlq   (redrive: npm run dlq -- redrive)`);
  if (cloud.faults.describe() !== 'off') console.log(`  faults      ${cloud.faults.describe()}`);
}

/** What `--faults` injected, by stand-in and error, one a line. */
function faultsInjected(cloud: LocalCloud): string {
  const lines = Object.entries(cloud.faults.injected()).map(([kind, count]) => `  ${kind.padEnd(52)} ${count}`);
  return [`faults injected: ${cloud.faults.total()} (${cloud.faults.describe()})`, ...lines].join('\n');
}

main().catch((error: Error) => {
  console.error(`local cloud failed to start: ${error.message}`);
  process.exit(1);
});
