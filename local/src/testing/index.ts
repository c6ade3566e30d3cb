/**
 * `@charter/local/testing`: a local cloud for one test, and the events and context a test hands
 * a handler directly. Domain fixtures (bookings, dates) are `@charter/local/fixtures`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud as start, type LocalCloud, type LocalCloudOptions } from '../cloud/start';

export type { LocalCloud, LocalCloudOptions, PublishedEvent } from '../cloud/start';
export type { LocalFaults } from '../faults/injector';
export type { FaultOptions } from '../faults/options';
export { busEnvelope, scheduledEvent } from '../eventbridge/envelopes';
export { httpApiEvent, lambdaContext, type HttpApiRequest } from './handler-inputs';
export { mailbox, type StoredEmail } from './mailbox';
export { faultProxy, type FaultProxy, type ProxiedRequest, type ProxyAction } from './fault-proxy';
export { publishBookingEvents, publishBookings, type BookingEvent, type PublishOptions } from '../partner';

const UNLIMITED = { throttleRate: 100_000, throttleBurst: 100_000 };
/**
 * Every route's throttling out of the way (`startLocalCloud({ params: UNTHROTTLED })`), for a test about what the
 * handlers answer to more requests a second than a route allows (throttling has its own tests, with the real limits).
 */
export const UNTHROTTLED: NonNullable<LocalCloudOptions['params']> = {
  bus: { ...UNLIMITED, webhookRate: 100_000, webhookBurst: 100_000 },
  'guest-pages': { ...UNLIMITED, presignRate: 100_000, presignBurst: 100_000 },
  scc: { ...UNLIMITED, crewRouteRate: 100_000, crewRouteBurst: 100_000 },
  calendar: UNLIMITED,
  ops: UNLIMITED,
};

/**
 * The local cloud for tests: random 127.0.0.1 ports, a fresh state directory, short Lambda
 * retry waits, schedules off (a test invokes a scheduled function when it wants it), and the
 * SDK's endpoint variables set in this process. Defaults to provisioning without handlers.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'charter-local-'));
  const cloud = await start({
    ports: 'random',
    run: false,
    schedules: false,
    retryDelaysMs: [50, 100],
    setProcessEnv: true,
    ...options,
    stateDir,
  });
  return {
    ...cloud,
    stop: async () => {
      await cloud.stop();
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
