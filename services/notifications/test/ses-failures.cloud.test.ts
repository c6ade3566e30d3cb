import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CrewNotified } from '@charter/events';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { startLocalCloud, type LocalCloud } from '@charter/local/testing';
import { calendarUpdated, eventCreated, eventUpdated } from './fixtures';
import { busEvent, lambdaContext } from './harness';

/**
 * SES's failure modes, which aws-ses-v2-local cannot produce, from a small stand-in speaking
 * SES v2's SendEmail protocol: throttling (429 TooManyRequestsException), a permanent
 * rejection (400 MessageRejected) and a connection dropped before the answer. The join table,
 * secrets, bus and dead-letter queue are the local cloud's.
 */
type Behaviour = 'accept' | 'throttle' | 'reject' | 'hang_up';
type Script = (to: string, attempt: number) => Behaviour;

interface Call {
  to: string;
  /** A captain's copy of a member's notice (its own message), told apart from the notices the scripts aim at. */
  copy: boolean;
  bcc: string[];
  subject: string;
  outcome: Behaviour;
  body: SendEmailBody;
}

let script: Script = () => 'accept';
const calls: Call[] = [];
let fakeSes: Server;
let cloud: LocalCloud;
let onSuccessEvent: (event: EventBridgeEvent<string, unknown>, context: Context) => Promise<void>;
let getJoin: typeof import('../src/store/join').getJoin;
/** The part of SES v2 SendEmail's request body the stand-in reads. */
interface SendEmailBody {
  ConfigurationSetName?: string;
  Destination?: { ToAddresses?: string[]; BccAddresses?: string[] };
  Content?: {
    Raw?: unknown;
    Simple?: {
      Subject?: { Data?: string };
      Headers?: Array<{ Name: string; Value: string }>;
      Attachments?: Array<{ FileName: string; ContentType: string; ContentDisposition: string; RawContent: string }>;
    };
  };
}

/** A Lambda onFailure record as the dead-letter queue holds it. */
interface DeadLetter {
  requestPayload: { detail: { booking_id: string } };
  responsePayload: { errorType: string; errorMessage: string };
}

const deadLetters: DeadLetter[] = [];

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  fakeSes = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const input = JSON.parse(body || '{}') as SendEmailBody;
      const to = String(input.Destination?.ToAddresses?.[0]);
      const subject = input.Content?.Simple?.Subject?.Data ?? '';
      const copy = subject.startsWith('Copy: ');
      const attempt = calls.filter((c) => c.to === to && c.copy === copy).length + 1;
      const outcome = req.url !== '/v2/email/outbound-emails' ? 'reject' : copy ? 'accept' : script(to, attempt);
      calls.push({
        to,
        copy,
        bcc: input.Destination?.BccAddresses ?? [],
        subject,
        outcome,
        body: input,
      });
      const answer = (status: number, payload: unknown, errorType?: string) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(JSON.stringify(payload));
      };
      if (outcome === 'accept') answer(200, { MessageId: `fake-${calls.length}` });
      else if (outcome === 'throttle')
        answer(429, { message: 'Maximum sending rate exceeded.' }, 'TooManyRequestsException');
      else if (outcome === 'reject') answer(400, { message: 'Email address is not verified.' }, 'MessageRejected');
      else req.socket.destroy();
    });
  });
  await new Promise<void>((resolve) => fakeSes.listen(0, '127.0.0.1', resolve));

  cloud = await startLocalCloud({ services: ['scc', 'notifications'], run: false });
  Object.assign(process.env, cloud.functionEnv('notifications', 'onSuccessEvent'), {
    AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${(fakeSes.address() as AddressInfo).port}`,
  });
  cloud.sqs.onMessage((queue, body) => {
    if (queue === 'charter-notifications-dlq-local') deadLetters.push(JSON.parse(body) as DeadLetter);
  });
  ({ handler: onSuccessEvent } = await import('../src/handlers/on-success-event'));
  ({ getJoin } = await import('../src/store/join'));
});

afterAll(async () => {
  await cloud?.stop();
  await new Promise((resolve) => fakeSes?.close(resolve));
});

/** A booking whose crew addresses say how the stand-in SES treats them. */
function crewFor(bookingId: string, mate: string, deckhand: string) {
  return eventCreated(bookingId, {
    crew: [
      { member_id: 'rowan-hale', name: 'Rowan Hale', email: `captain+${bookingId}@crew.example.com`, role: 'captain' },
      { member_id: 'isla-moreno', name: 'Isla Moreno', email: `${mate}+${bookingId}@crew.example.com`, role: 'mate' },
      {
        member_id: 'theo-park',
        name: 'Theo Park',
        email: `${deckhand}+${bookingId}@crew.example.com`,
        role: 'deckhand',
      },
    ],
  });
}

const deliver = (
  detailType: 'EventCreated' | 'EventUpdated' | 'CalendarUpdated' | 'CrewResendRequested',
  detail: unknown,
) => onSuccessEvent(busEvent(detailType, detail), lambdaContext());
const callsTo = (address: string) => calls.filter((c) => c.to === address && !c.copy);
const copiesTo = (address: string) => calls.filter((c) => c.to === address && c.copy);
const acceptedTo = (address: string) => callsTo(address).filter((c) => c.outcome === 'accept');
const crewNotified = (bookingId: string) =>
  cloud
    .published()
    .filter((e) => e['detail-type'] === 'CrewNotified' && CrewNotified.parse(e.detail).booking_id === bookingId);
const recipientIds = (bookingId: string) =>
  crewNotified(bookingId).flatMap((e) => CrewNotified.parse(e.detail).recipients.map((r) => r.member_id));
const deadLettersFor = (bookingId: string) =>
  deadLetters.filter((d) => d.requestPayload.detail.booking_id === bookingId);

describe('SES throttling', () => {
  it('is retried with backoff within the invocation, and the member gets one message', async () => {
    const id = 'throttled-briefly';
    script = (to, attempt) => (to.startsWith('mate+') && attempt <= 2 ? 'throttle' : 'accept');
    await deliver('EventCreated', crewFor(id, 'mate', 'deckhand'));
    await deliver('CalendarUpdated', calendarUpdated(id));

    expect(callsTo(`mate+${id}@crew.example.com`).map((c) => c.outcome)).toEqual(['throttle', 'throttle', 'accept']);
    for (const who of ['captain', 'mate', 'deckhand'])
      expect(acceptedTo(`${who}+${id}@crew.example.com`)).toHaveLength(1);
    expect(acceptedTo(`mate+${id}@crew.example.com`)[0]!.bcc).toEqual([]);
    // The captain's copies: one per other member, each its own message with no invite.
    const copies = copiesTo(`captain+${id}@crew.example.com`);
    expect(copies.map((c) => c.subject).sort()).toEqual([
      expect.stringMatching(/^Copy: Crew call: /),
      expect.stringMatching(/^Copy: Crew call: /),
    ]);
    for (const c of copies) {
      expect(c.bcc).toEqual([]);
      expect(c.body.Content?.Simple?.Attachments ?? []).toEqual([]);
    }
    expect(crewNotified(id)).toHaveLength(1);
  });

  it('that outlasts 4 attempts releases the claim and fails the invocation; a Lambda retry sends it once', async () => {
    const id = 'throttled-long';
    script = (to, attempt) => (to.startsWith('deckhand+') && attempt <= 4 ? 'throttle' : 'accept');
    await deliver('EventCreated', crewFor(id, 'mate', 'deckhand'));
    await expect(deliver('CalendarUpdated', calendarUpdated(id))).rejects.toThrow(
      /not sent yet to theo-park \(call\): TooManyRequestsException/,
    );
    expect(deadLettersFor(id)).toHaveLength(0);
    expect((await getJoin(id))?.members['theo-park']).toBeUndefined();
    expect(crewNotified(id)).toHaveLength(0);

    await deliver('CalendarUpdated', calendarUpdated(id));
    for (const who of ['captain', 'mate', 'deckhand'])
      expect(acceptedTo(`${who}+${id}@crew.example.com`)).toHaveLength(1);
    expect(crewNotified(id)).toHaveLength(1);
  });
});

describe('a permanent SES rejection', () => {
  it('dead-letters the event with its reason and booking id, records the rejection and never retries it', async () => {
    const id = 'rejected-mate';
    script = (to) => (to.startsWith('bounce+') ? 'reject' : 'accept');
    await deliver('EventCreated', crewFor(id, 'bounce', 'deckhand'));
    await deliver('CalendarUpdated', calendarUpdated(id));

    const letters = deadLettersFor(id);
    expect(letters).toHaveLength(1);
    expect(letters[0]!.responsePayload.errorType).toBe('PermanentFailure');
    expect(letters[0]!.responsePayload.errorMessage).toContain(`booking ${id}`);
    expect(letters[0]!.responsePayload.errorMessage).toContain(
      'isla-moreno (call): MessageRejected: Email address is not verified.',
    );
    expect((await getJoin(id))?.members['isla-moreno']).toMatchObject({
      status: 'rejected',
      claim: { kind: 'call', reason: 'MessageRejected: Email address is not verified.' },
    });
    expect(acceptedTo(`captain+${id}@crew.example.com`)).toHaveLength(1);
    expect(acceptedTo(`deckhand+${id}@crew.example.com`)).toHaveLength(1);

    await Promise.all([
      deliver('EventCreated', crewFor(id, 'bounce', 'deckhand')),
      deliver('CalendarUpdated', calendarUpdated(id)),
    ]);
    expect(callsTo(`bounce+${id}@crew.example.com`)).toHaveLength(1);
    expect(calls.filter((c) => c.to.endsWith(`+${id}@crew.example.com`) && !c.copy)).toHaveLength(3);
    // The call went to the two others: CrewNotified names them (the stall check reports the mate).
    expect(crewNotified(id)).toHaveLength(1);
    expect(recipientIds(id)).toEqual(['rowan-hale', 'theo-park']);
  });
});

describe('a refused address', () => {
  const resendOf = (bookingId: string, requestedAt: string) => ({
    schema_version: 1,
    booking_id: bookingId,
    event_id: eventCreated(bookingId).event_id,
    member_id: 'isla-moreno',
    revision: 1,
    version: 1,
    requested_at: requestedAt,
  });
  /** The crew PATCH that gives the mate a working address. */
  const corrected = (created: ReturnType<typeof crewFor>, bookingId: string) =>
    eventUpdated(created, {
      cause: 'crew',
      crew: created.crew.map((m) =>
        m.member_id === 'isla-moreno' ? { ...m, email: `mate+${bookingId}@crew.example.com` } : m,
      ),
    });
  const mateRecord = async (bookingId: string) => (await getJoin(bookingId))?.members['isla-moreno'];

  it("an operator's resend refused again is served once: later deliveries do not send it again", async () => {
    const id = 'refused-resend';
    script = (to) => (to.startsWith('bounce+') ? 'reject' : 'accept');
    const created = crewFor(id, 'bounce', 'deckhand');
    await deliver('EventCreated', created);
    await deliver('CalendarUpdated', calendarUpdated(id));
    await deliver('CrewResendRequested', resendOf(id, '2024-05-20T10:00:00.000Z'));
    expect(callsTo(`bounce+${id}@crew.example.com`).map((c) => c.outcome)).toEqual(['reject', 'reject']);
    expect((await getJoin(id))?.resends['isla-moreno@2024-05-20T10:00:00.000Z']?.served).toBe(1);

    await deliver('EventCreated', created);
    await deliver('CalendarUpdated', calendarUpdated(id));
    expect(callsTo(`bounce+${id}@crew.example.com`)).toHaveLength(2);
    expect(await mateRecord(id)).toMatchObject({ status: 'rejected', sequence: 2 });
  });

  it('corrected by a crew PATCH, reaches the new address with the call; the refused one gets nothing', async () => {
    const id = 'refused-corrected';
    // The call is taken, the operator's resend refused (the address went bad), then the crew PATCH corrects it.
    script = (to, attempt) => (to.startsWith('bounce+') && attempt > 1 ? 'reject' : 'accept');
    const created = crewFor(id, 'bounce', 'deckhand');
    await deliver('EventCreated', created);
    await deliver('CalendarUpdated', calendarUpdated(id));
    await deliver('CrewResendRequested', resendOf(id, '2024-05-20T10:00:00.000Z'));
    expect(await mateRecord(id)).toMatchObject({ status: 'rejected', claim: { kind: 'resend' } });

    await deliver('EventUpdated', corrected(created, id));
    // Another resend and redeliveries: still nothing to the refused address.
    await deliver('CrewResendRequested', resendOf(id, '2024-05-20T11:00:00.000Z'));
    await deliver('EventUpdated', corrected(created, id));

    expect(callsTo(`bounce+${id}@crew.example.com`).map((c) => c.outcome)).toEqual(['accept', 'reject']);
    const fresh = callsTo(`mate+${id}@crew.example.com`);
    expect(fresh.map((c) => [c.outcome, c.subject.split(':')[0]])).toEqual([
      ['accept', 'Crew call'],
      ['accept', 'Crew details'],
    ]);
    expect(await mateRecord(id)).toMatchObject({
      status: 'idle',
      email: `mate+${id}@crew.example.com`,
      sequence: 4,
      told: { kind: 'resend' },
    });
    expect(Object.values((await getJoin(id))!.resends).every((r) => r.served !== undefined)).toBe(true);
  });
});

describe('an SES answer lost on the way back', () => {
  it('is recorded as unconfirmed and never sent again, since the message may have gone', async () => {
    const id = 'answer-lost';
    script = (to) => (to.startsWith('lost+') ? 'hang_up' : 'accept');
    await deliver('EventCreated', crewFor(id, 'mate', 'lost'));
    await deliver('CalendarUpdated', calendarUpdated(id));
    await deliver('CalendarUpdated', calendarUpdated(id));

    expect(callsTo(`lost+${id}@crew.example.com`)).toHaveLength(1);
    expect((await getJoin(id))?.members['theo-park']).toMatchObject({ status: 'unconfirmed' });
    expect(deadLettersFor(id)).toHaveLength(0);
    expect(recipientIds(id)).toEqual(['isla-moreno', 'rowan-hale']);
  });
});

describe('what SES is asked to send', () => {
  it('is Simple content to the member alone, no headers of ours, the invite as a text/calendar part', async () => {
    const id = 'request-shape';
    script = () => 'accept';
    await deliver('EventCreated', crewFor(id, 'mate', 'deckhand'));
    await deliver('CalendarUpdated', calendarUpdated(id));
    const [mate] = acceptedTo(`mate+${id}@crew.example.com`);
    const content = mate!.body.Content!;
    expect(content.Raw).toBeUndefined();
    // The configuration set ops defines: SES publishes this message's bounce or delivery to ops through it.
    expect(mate!.body.ConfigurationSetName).toBe('charter-crew-mail-local');
    // SES writes the message's headers from these fields, with no Headers of ours; nobody else is a destination.
    expect(content.Simple!.Headers).toBeUndefined();
    expect(mate!.body.Destination).toEqual({ ToAddresses: [`mate+${id}@crew.example.com`] });
    expect(content.Simple!.Attachments).toEqual([
      expect.objectContaining({
        FileName: 'invite.ics',
        ContentType: 'text/calendar; charset=UTF-8; method=REQUEST',
        ContentDisposition: 'INLINE',
        ContentTransferEncoding: 'BASE64',
      }),
    ]);
    const ics = Buffer.from(content.Simple!.Attachments![0]!.RawContent, 'base64').toString('utf8');
    expect(ics).toContain('METHOD:REQUEST\r\n');
  });
});
