/**
 * The chaos run (issue 14): N bookings, some changed and some cancelled as partners publish them, through every
 * service of the local cloud while each stand-in answers a fraction of its data-plane requests with the error AWS
 * gives for a transient fault and Lambda stops a fraction of invocations at their timeout. After the automatic
 * recovery (the SDK's retries, Lambda's, the minute schedules) and `npm run dlq -- redrive` repeated while letters
 * remain, everything a booking is owed is checked once, and what went wrong is counted:
 *
 * - **lost**: something owed is missing. A booking with no page, or one that shows an older revision or the wrong
 *   status; no crew event, or one behind the booking; a live booking missing from its year's JSON, or with the old
 *   times; a crew member of a live booking never told of it, or whose last notice does not show the final date and
 *   times; a member told of a booking cancelled since and never told of the cancellation.
 * - **doubled**: something that must be there once is there twice. Two copies of one notice to one member (two
 *   calls, two changes of one revision, two cancellations); a booking twice in the public JSON, or in two years; two
 *   crew events for one booking.
 * - **wrong**: something that must never happen did: a cancellation to someone never told of the charter (unless the
 *   notifier had said their notice may have gone), a notice after the cancellation, a cancelled booking in the
 *   public JSON.
 *
 * The truly unknown case (a notice marked sending whose SES answer was never recorded: the notifier cannot know
 * whether SES took it) is not sent again automatically; it is reported by the stall check, naming the member and the
 * resend route. The run plays the operator: a member of a live booking who did not get it (their inbox stands in for
 * asking them) is sent a fresh notice through POST /events/{event_id}/crew/{member_id}/resend; a cancellation that
 * may not have reached someone is **left to a person** (the captain phones them), counted apart and printed beside
 * lost and doubled; it must have been reported by an alert naming the member and saying to phone them, else it is
 * lost.
 *
 * `test/reliability/chaos.cloud.test.ts` runs it small in CI; `npm run chaos` runs 200 bookings at 20% and 30%.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { BookingCancelledInput, BookingCreatedInput } from '@charter/events';
import { readDeadLetters, redrive } from '@charter/local/dlq';
import { bookingInput } from '@charter/local/fixtures';
import {
  mailbox,
  publishBookingEvents,
  scheduledEvent,
  startLocalCloud,
  type BookingEvent,
  type FaultOptions,
  type LocalCloud,
  type StoredEmail,
} from '@charter/local/testing';
import { clockInWords } from '@charter/shared/time';

export interface ChaosOptions {
  bookings: number;
  /** The fraction of data-plane requests each stand-in fails. */
  rate: number;
  /** The fraction of invocations stopped at their timeout (default: `rate`). */
  lambdaTimeout?: number;
  seed: number;
  /** Redrive rounds at most (each after the cloud is idle and the schedules have run). */
  maxRounds?: number;
  /** Keep the cloud's state (logs, tables) here for a post-mortem; by default a temporary folder, removed. */
  stateDir?: string;
  log?: (line: string) => void;
}

export interface ChaosFigures {
  bookings: number;
  changed: number;
  cancelled: number;
  rate: number;
  lambdaTimeout: number;
  seed: number;
  faults: Record<string, number>;
  invocations: number;
  /** Lambda's asynchronous retries. */
  retries: number;
  /** Dead letters read from the queues, all rounds together. */
  deadLetters: number;
  /** `npm run dlq -- redrive` rounds, and the letters replayed. */
  redrives: number;
  redriven: number;
  /** Crew notices that may have gone with the answer lost (reported by the stall check); and the operator's resends. */
  unconfirmed: number;
  operatorResends: number;
  /** Notices that may not have reached someone and cannot be resent (a cancellation): reported, for a person. */
  leftToPerson: string[];
  crewEmails: number;
  alerts: number;
  lost: string[];
  doubled: string[];
  wrong: string[];
  seconds: number;
}

const CREW = [
  { member_id: 'rowan-hale', email: 'captain@crew.example.com' },
  { member_id: 'isla-moreno', email: 'mate@crew.example.com' },
  { member_id: 'theo-park', email: 'deckhand@crew.example.com' },
];
const PARTNERS = ['boatsetter', 'getmyboat', 'direct'];
const NOTICE_KINDS = {
  'Crew call:': 'call',
  'Changed:': 'change',
  'Cancelled:': 'cancel',
  'Off the crew:': 'removal',
  'Crew details:': 'resend',
} as const;
type NoticeKind = (typeof NOTICE_KINDS)[keyof typeof NOTICE_KINDS];

interface Charter {
  charter_date: string;
  charter_start: string;
  charter_end: string;
}

/** One booking's story: its events in the order the partner sends them, and where it must end up. */
interface Plan {
  id: string;
  events: BookingEvent[];
  /** Sent with the creations (racing them) rather than after the first wave settled. */
  early: boolean;
  final: { revision: number; status: 'live' | 'cancelled'; charter: Charter };
  changed: boolean;
}

/**
 * Bookings over three years; every third is changed (every sixth into the next year), every fifth cancelled; half of
 * the changes and cancellations race their creation, the other half come once it settled.
 */
export function planBookings(count: number, seed: number): Plan[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `chaos-${seed}-${String(i).padStart(4, '0')}`;
    const partner = PARTNERS[i % PARTNERS.length]!;
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((Math.floor(i / 28) % 12) + 1).padStart(2, '0');
    // Three years, so three public JSON files are rebuilt side by side, as a season's bookings spread over them.
    const year = 2029 + (i % 3);
    const created = bookingInput({
      booking_id: id,
      source: partner,
      charter_date: `${year}-${month}-${day}`,
      guest_count: (i % 12) + 1,
    }) as BookingCreatedInput & { booking_id: string; source: string };
    const events: BookingEvent[] = [{ detailType: 'BookingCreated', detail: { ...created, revision: 1 } }];
    let charter: Charter = { charter_date: created.charter_date, charter_start: '10:00', charter_end: '13:00' };
    let revision = 1;
    const changed = i % 3 === 0;
    if (changed) {
      revision = 2;
      charter = {
        charter_date: i % 6 === 0 ? `${year + 1}-${month}-${day}` : created.charter_date,
        charter_start: '11:00',
        charter_end: '14:30',
      };
      events.push({ detailType: 'BookingUpdated', detail: { ...created, ...charter, revision } });
    }
    const cancelled = i % 5 === 0;
    if (cancelled) {
      revision += 1;
      const cancellation: BookingCancelledInput & { booking_id: string; source: string } = {
        schema_version: 1,
        booking_id: id,
        source: partner,
        revision,
        cancelled_at: '2029-01-02T17:00:00Z',
        cancelled_by: 'weather',
        reason: 'Small craft advisory.',
      };
      events.push({ detailType: 'BookingCancelled', detail: cancellation });
    }
    return {
      id,
      events,
      early: i % 2 === 0,
      final: { revision, status: cancelled ? 'cancelled' : 'live', charter },
      changed,
    };
  });
}

const SERVICES = ['guest-pages', 'scc', 'calendar', 'notifications'];
const SITE_BUCKET = 'charter-guest-site-local';
const CALENDAR_BUCKET = 'charter-calendar-local';

/** Runs one chaos round trip; resolves with the figures (the caller asserts lost, doubled and wrong are empty). */
export async function runChaos(options: ChaosOptions): Promise<ChaosFigures> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const { rate, seed } = options;
  const lambdaTimeout = options.lambdaTimeout ?? rate;
  const faults: FaultOptions = { dynamodb: rate, s3: rate, ses: rate, eventbridge: rate, lambdaTimeout, seed };
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const cloud = await startLocalCloud({
    services: SERVICES,
    run: true,
    faults,
    retryDelaysMs: [200, 400],
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
  });
  try {
    log(`local cloud up, faults: ${cloud.faults.describe()}`);
    const plans = planBookings(options.bookings, seed);
    const firstWave = plans.flatMap((p) => (p.early ? p.events : p.events.slice(0, 1)));
    const secondWave = plans.flatMap((p) => (p.early ? [] : p.events.slice(1)));
    await publishBookingEvents(firstWave, { parallel: true });
    await cloud.idle();
    log(`first wave done (${firstWave.length} events) after ${seconds(started)} s`);
    await publishBookingEvents(secondWave, { parallel: true });
    await cloud.idle();
    log(`second wave done (${secondWave.length} events) after ${seconds(started)} s`);

    const recovery = await recover(cloud, options.maxRounds ?? 8, log);
    stopFaults(cloud);
    const operatorResends = await playTheOperator(cloud, plans);
    await cloud.idle();
    const verdict = await verify(cloud, plans);
    const stats = cloud.runtime!.stats;
    return {
      bookings: plans.length,
      changed: plans.filter((p) => p.changed).length,
      cancelled: plans.filter((p) => p.final.status === 'cancelled').length,
      rate,
      lambdaTimeout,
      seed,
      faults: cloud.faults.injected(),
      invocations: stats.invocations,
      retries: stats.retries,
      ...recovery,
      unconfirmed: operatorResends.unconfirmed,
      operatorResends: operatorResends.resent,
      ...verdict,
      seconds: seconds(started),
    };
  } finally {
    await cloud.stop();
  }
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

/**
 * What runs by itself after a storm: the minute schedules (the notifier's stall check, which settles a booking a
 * dead invocation left; the calendar's sweep, which rebuilds a year a dead builder left), then the dead letters
 * redriven, as an operator does with `npm run dlq -- redrive`, while any remain.
 */
async function recover(cloud: LocalCloud, maxRounds: number, log: (line: string) => void) {
  const sqs = new SQSClient({});
  const lambda = new LambdaClient({});
  let deadLetters = 0;
  let redrives = 0;
  let redriven = 0;
  try {
    for (let round = 1; round <= maxRounds; round++) {
      await runSchedules(cloud, round);
      const letters = await readDeadLetters(sqs, { peek: false });
      if (letters.length === 0) break;
      deadLetters += letters.length;
      redrives++;
      redriven += await redrive(sqs, lambda, letters);
      log(`round ${round}: ${letters.length} dead letters redriven`);
      await cloud.idle();
      // A builder that died holding the calendar's rebuild lease (45 s) keeps the year until the lease passes.
      if (round >= 3) await new Promise((resolve) => setTimeout(resolve, 15_000));
    }
    await runSchedules(cloud, maxRounds + 1);
    const left = await readDeadLetters(sqs, { peek: true });
    if (left.length > 0) throw new Error(`${left.length} dead letters left after ${maxRounds} redrive rounds`);
  } finally {
    sqs.destroy();
    lambda.destroy();
  }
  return { deadLetters, redrives, redriven };
}

/** The two minute schedules, at a tick far enough on that every stalled booking counts as stalled. */
async function runSchedules(cloud: LocalCloud, round: number): Promise<void> {
  const runtime = cloud.runtime!;
  const tick = new Date(Date.now() + (20 + round) * 60_000);
  await cloud.idle();
  await runtime.invoke(
    cloud.functionName('calendar', 'sweepInvalidations'),
    scheduledEvent('charter-calendar-local-sweepInvalidations-rule-1', tick),
  );
  await runtime.invoke(
    cloud.functionName('notifications', 'checkStalls'),
    scheduledEvent('charter-notifications-local-checkStalls-rule-1', tick),
  );
  await cloud.idle();
}

function stopFaults(cloud: LocalCloud): void {
  const options = cloud.faults.options as Record<string, number | undefined>;
  for (const key of Object.keys(options)) if (key !== 'seed') options[key] = 0;
}

const documents = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));

async function scan(table: string): Promise<Array<Record<string, unknown>>> {
  const client = documents();
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  try {
    do {
      const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return items;
}

/**
 * The truly unknown case, left to a person: a notice marked sending whose SES answer was never recorded (reported by
 * the stall check, naming the member and the resend route). The operator asks the member; a member who did not get it
 * is sent a fresh notice. The member's inbox stands in for asking them.
 */
async function playTheOperator(cloud: LocalCloud, plans: Plan[]): Promise<{ unconfirmed: number; resent: number }> {
  const ids = new Set(plans.map((p) => p.id));
  const joins = (await scan('charter-notifications-local')).filter((item) => ids.has(String(item.booking_id)));
  const mail = await mailbox(cloud.endpoints.ses);
  const serviceKey = cloud.secrets['charter/local/scc-service-key']!;
  let unconfirmed = 0;
  let resent = 0;
  for (const join of joins) {
    const members = (join.members ?? {}) as Record<string, { status: string; email: string; claim?: { kind: string } }>;
    const event = join.crew_event as { event_id: string; status?: string } | undefined;
    for (const [memberId, member] of Object.entries(members)) {
      if (member.status !== 'unconfirmed' || !member.claim) continue;
      unconfirmed++;
      const got = noticesOf(mail, String(join.booking_id), member.email).some((n) => n.kind === member.claim!.kind);
      if (got || !event || event.status === 'cancelled') continue;
      const answer = await fetch(`${cloud.endpoints.api}/events/${event.event_id}/crew/${memberId}/resend`, {
        method: 'POST',
        headers: { 'x-service-key': serviceKey },
      });
      if (answer.status !== 202) throw new Error(`resend of ${memberId} answered ${answer.status}`);
      resent++;
    }
  }
  return { unconfirmed, resent };
}

interface Notice {
  kind: NoticeKind;
  at: number;
  /** DTSTART of its invite: the date and start time it tells. */
  start?: string;
}

function noticesOf(mail: StoredEmail[], bookingId: string, address: string): Notice[] {
  return mail
    .filter((m) => m.subject.endsWith(`(booking ${bookingId})`) && m.destination.to[0] === address)
    .flatMap((m) => {
      const prefix = Object.keys(NOTICE_KINDS).find((p) => m.subject.startsWith(p)) as
        keyof typeof NOTICE_KINDS | undefined;
      if (!prefix) return [];
      const invite = (
        m as StoredEmail & { attachments?: Array<{ filename: string; content: string }> }
      ).attachments?.find((a) => a.filename === 'invite.ics');
      const ics = invite ? Buffer.from(invite.content, 'base64').toString('utf8') : '';
      const start = /DTSTART;TZID=[^:]+:(\d{8}T\d{4})/.exec(ics)?.[1];
      return [{ kind: NOTICE_KINDS[prefix], at: m.at, ...(start ? { start } : {}) }];
    })
    .sort((a, b) => a.at - b.at);
}

const inviteStart = (charter: Charter) =>
  `${charter.charter_date.replace(/-/g, '')}T${charter.charter_start.replace(':', '')}`;

async function verify(cloud: LocalCloud, plans: Plan[]) {
  const lost: string[] = [];
  const doubled: string[] = [];
  const wrong: string[] = [];
  const leftToPerson: string[] = [];
  const unknown = unknownSends(cloud);
  const ids = new Set(plans.map((p) => p.id));
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    const pages = new Map((await scan('charter-guest-pages-local')).map((item) => [String(item.booking_id), item]));
    const crewItems = (await scan('ShipCaptainCrew-Events-local')).filter(
      (item) => String(item.pk).startsWith('EVENT#') && ids.has(String(item.booking_id)),
    );
    const calendar = await publicCalendar(s3);
    const mail = await mailbox(cloud.endpoints.ses);
    const joins = new Map((await scan('charter-notifications-local')).map((item) => [String(item.booking_id), item]));

    for (const plan of plans) {
      const { id, final } = plan;
      const cancelled = final.status === 'cancelled';
      await checkPage(s3, pages.get(id), plan, lost);

      const events = crewItems.filter((item) => item.booking_id === id);
      if (events.length === 0) lost.push(`${id}: no crew event`);
      if (events.length > 1) doubled.push(`${id}: ${events.length} crew events`);
      const event = events[0];
      if (event && (event.revision !== final.revision || (event.lifecycle ?? 'live') !== final.status))
        lost.push(`${id}: crew event at revision ${String(event.revision)}, ${String(event.lifecycle)}`);
      if (event && !cancelled && event.kind === 'event' && event.charter_start !== final.charter.charter_start)
        lost.push(`${id}: crew event starts at ${String(event.charter_start)}`);

      const listed = calendar.filter((entry) => entry.booking_id === id);
      if (cancelled && listed.length > 0) wrong.push(`${id}: cancelled but listed in the public JSON`);
      if (!cancelled && listed.length === 0) lost.push(`${id}: missing from the public JSON`);
      if (!cancelled && listed.length > 1) doubled.push(`${id}: ${listed.length} times in the public JSON`);
      const entry = listed[0];
      if (!cancelled && entry) {
        const year = Number(final.charter.charter_date.slice(0, 4));
        if (
          entry.year !== year ||
          entry.date !== final.charter.charter_date ||
          entry.start !== final.charter.charter_start
        )
          lost.push(`${id}: the public JSON shows ${entry.date} ${entry.start} in ${entry.year}`);
      }

      for (const member of CREW) {
        const notices = noticesOf(mail, id, member.email);
        const maybeSent = unknown.get(`${id} ${member.member_id}`) ?? new Set<string>();
        // The stall check's alert named this member and said to phone them (a cancellation cannot be resent: the
        // resend route answers 409 for it, so an alert offering that route would leave the member uninformed).
        const reported = mail.some(
          (m) =>
            m.subject.startsWith(`Booking ${id}: the crew email did not reach`) &&
            (m.body.text ?? '')
              .split('\n')
              .some((line) => line.includes(`<${member.email}>`) && line.includes('To do: phone them')),
        );
        checkNotices(`${id} ${member.member_id}`, notices, plan, {
          found: { lost, doubled, wrong, leftToPerson },
          maybeSent,
          reported,
          join: joins.get(id),
        });
      }
    }
    const ofRun = (m: StoredEmail) => m.subject.includes(`chaos-${plans[0]?.id.split('-')[1] ?? ''}-`);
    return {
      crewEmails: mail.filter((m) => ofRun(m) && !m.subject.startsWith('Booking ') && !m.subject.startsWith('Copy: '))
        .length,
      alerts: mail.filter((m) => ofRun(m) && m.subject.startsWith('Booking ')).length,
      lost,
      doubled,
      wrong,
      leftToPerson,
    };
  } finally {
    s3.destroy();
  }
}

/** A guest page is owed to every booking that ever had a live event before its cancellation (not to a tombstone). */
async function checkPage(s3: S3Client, item: Record<string, unknown> | undefined, plan: Plan, lost: string[]) {
  const { id, final } = plan;
  if (!item) return void lost.push(`${id}: no guest-pages item`);
  if (!item.slug) {
    if (final.status !== 'cancelled') lost.push(`${id}: no page (a tombstone for a live booking)`);
    return;
  }
  const slug = item.slug as string;
  const stored = item.page_stored as { revision: number; lifecycle: string } | undefined;
  if (!stored) return void lost.push(`${id}: its page was never stored`);
  if (stored.revision !== final.revision || stored.lifecycle !== final.status)
    lost.push(`${id}: the stored page shows revision ${stored.revision}, ${stored.lifecycle}`);
  let page: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: SITE_BUCKET, Key: `g/${slug}.html` }));
    page = await object.Body!.transformToString();
  } catch {
    return void lost.push(`${id}: g/${slug}.html is not in the bucket`);
  }
  const saysCancelled = page.includes('This charter was cancelled');
  if (saysCancelled !== (final.status === 'cancelled')) lost.push(`${id}: the page says ${final.status} wrong`);
  if (final.status === 'live' && !page.includes(clockInWords(final.charter.charter_start)))
    lost.push(`${id}: the page does not show ${final.charter.charter_start}`);
}

/**
 * What one member was told of one booking, against what they are owed. Live: told of it (a call, a change that came
 * before any call went out, or the operator's resend), the last telling the final date and times; one call and one
 * change at most. Cancelled: if they were told of it, one cancellation after that; if never, nothing at all (unless
 * the notifier had said a notice to them may have gone: then the cancellation is right to send).
 */
function checkNotices(
  whom: string,
  notices: Notice[],
  plan: Plan,
  context: {
    found: { lost: string[]; doubled: string[]; wrong: string[]; leftToPerson: string[] };
    /** The kinds of notice the notifier said may have gone to this member (SES's answer never recorded). */
    maybeSent: Set<string>;
    /** The stall check named this member in a report. */
    reported: boolean;
    join: Record<string, unknown> | undefined;
  },
): void {
  const { found, maybeSent, reported } = context;
  const who = `${whom} [${notifierStateOf(context.join, whom.split(' ')[1]!)}]`;
  const count = (kind: NoticeKind) => notices.filter((n) => n.kind === kind).length;
  const cancels = count('cancel');
  const told = notices.filter((n) => n.kind === 'call' || n.kind === 'change' || n.kind === 'resend');
  if (count('call') > 1) found.doubled.push(`${who}: ${count('call')} calls`);
  if (count('change') > 1) found.doubled.push(`${who}: ${count('change')} change notices`);
  if (cancels > 1) found.doubled.push(`${who}: ${cancels} cancellations`);
  if (count('change') > 0 && !plan.changed) found.wrong.push(`${who}: a change notice for an unchanged booking`);
  if (count('removal') > 0) found.wrong.push(`${who}: taken off the crew`);
  if (plan.final.status === 'live') {
    if (cancels > 0) found.wrong.push(`${who}: a cancellation of a live booking`);
    const last = told.at(-1);
    if (!last) return void found.lost.push(`${who}: never told of the charter`);
    if (last.start !== inviteStart(plan.final.charter))
      found.lost.push(`${who}: last told ${last.start ?? '?'}, not ${inviteStart(plan.final.charter)}`);
    return;
  }
  if (told.length === 0) {
    if (cancels > 0 && maybeSent.size === 0) found.wrong.push(`${who}: cancelled without ever being told of it`);
    return;
  }
  if (cancels > 0) {
    const cancelAt = notices.find((n) => n.kind === 'cancel')!.at;
    if (told.some((n) => n.at > cancelAt)) found.wrong.push(`${who}: told of the charter after its cancellation`);
    return;
  }
  // Told of the charter, never of its cancellation: left to a person if the notifier said it may have gone and the
  // stall check's alert named them with "phone them" (no fresh notice can be sent for a cancelled event); lost, which
  // fails the run, otherwise.
  if (maybeSent.has('cancel') && reported)
    found.leftToPerson.push(`${who}: the cancellation may not have reached them`);
  else found.lost.push(`${who}: told of the charter, never of its cancellation`);
}

/**
 * The notices the notifier said may have gone with SES's answer never recorded, by booking and member: read from its
 * log, where it says so (the truly unknown case).
 */
function unknownSends(cloud: LocalCloud): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const file = join(cloud.stateDir, 'logs', 'charter-notifications.log');
  if (!existsSync(file)) return found;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('may have gone')) continue;
    try {
      const entry = JSON.parse(line) as { booking_id?: string; member_id?: string; notice?: string };
      if (!entry.booking_id || !entry.member_id || !entry.notice) continue;
      const key = `${entry.booking_id} ${entry.member_id}`;
      found.set(key, new Set([...(found.get(key) ?? []), entry.notice]));
    } catch {
      continue;
    }
  }
  return found;
}

/** What the notifier's join item says of the member and the two sides, for a finding's post-mortem. */
function notifierStateOf(join: Record<string, unknown> | undefined, memberId: string): string {
  if (!join) return 'no join item';
  const side = (value: unknown) => {
    const v = value as { status?: string; revision?: number; version?: number } | undefined;
    return v ? `${v.status ?? '?'}@r${v.revision ?? '?'}` : 'none';
  };
  const member = (join.members as Record<string, { status: string; sequence: number; told?: { kind: string } }>)?.[
    memberId
  ];
  const record = member ? `${member.status} seq ${member.sequence} told ${member.told?.kind ?? '-'}` : 'no record';
  const watch = typeof join.watch === 'string' ? join.watch : '-';
  return `scc ${side(join.crew_event)}, calendar ${side(join.calendar)}, ${record}, watch ${watch}`;
}

/** Every entry of every year's public JSON, with its year. */
async function publicCalendar(s3: S3Client) {
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: CALENDAR_BUCKET, Prefix: 'calendar/' }));
  const entries: Array<{ booking_id: string; date: string; start: string; year: number }> = [];
  for (const object of listing.Contents ?? []) {
    const body = await s3.send(new GetObjectCommand({ Bucket: CALENDAR_BUCKET, Key: object.Key! }));
    const json = JSON.parse(await body.Body!.transformToString()) as {
      year: number;
      entries: Array<{ booking_id: string; date: string; start: string }>;
    };
    entries.push(...json.entries.map((e) => ({ ...e, year: json.year })));
  }
  return entries;
}

/** The figures as lines to print. */
export function describeFigures(f: ChaosFigures): string[] {
  const faults = Object.entries(f.faults)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const sample = (list: string[]) =>
    list.length ? ` (${list.slice(0, 5).join('; ')}${list.length > 5 ? '…' : ''})` : '';
  const total = Object.values(f.faults).reduce((a, b) => a + b, 0);
  return [
    `chaos: ${f.bookings} bookings (${f.changed} changed, ${f.cancelled} cancelled), ` +
      `faults ${Math.round(f.rate * 100)}% (lambda-timeout ${Math.round(f.lambdaTimeout * 100)}%), ` +
      `seed ${f.seed}, ${f.seconds} s`,
    `  faults injected: ${total} (${faults})`,
    `  invocations ${f.invocations}, Lambda retries ${f.retries}, dead letters ${f.deadLetters}, ` +
      `redrives ${f.redrives} (${f.redriven} letters)`,
    `  crew emails ${f.crewEmails}, stall alerts ${f.alerts}, unconfirmed sends ${f.unconfirmed}, ` +
      `operator resends ${f.operatorResends}`,
    `  lost = ${f.lost.length}${sample(f.lost)}, doubled = ${f.doubled.length}${sample(f.doubled)}, ` +
      `wrong = ${f.wrong.length}${sample(f.wrong)}, ` +
      `left to a person (the alert said to phone them) = ${f.leftToPerson.length}${sample(f.leftToPerson)}`,
  ];
}
