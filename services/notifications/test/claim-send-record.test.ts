import { ClaimGoneError, claimSendRecord, type ClaimSendRecordSteps } from '../src/claim-send-record';
import type { SendFailure } from '../src/domain/delivery';

type Sent = { ok: true; messageId: string };

/** Steps that write down which of them ran; `send` answers as given. */
function steps(answer: () => Promise<Sent | SendFailure>, claimed = true) {
  const ran: string[] = [];
  const step: ClaimSendRecordSteps<Sent> = {
    claim: () => (ran.push('claim'), Promise.resolve(claimed)),
    send: () => (ran.push('send'), answer()),
    record: (sent) => (ran.push(`record ${sent.messageId}`), Promise.resolve()),
    release: () => (ran.push('release'), Promise.resolve()),
    keep: (status, reason) => (ran.push(`keep ${status}: ${reason}`), Promise.resolve()),
    sleep: () => Promise.resolve(),
  };
  return { ran, step };
}

const failure = (kind: SendFailure['kind']): SendFailure => ({
  ok: false,
  kind,
  reason: `${kind} reason`,
  attempts: 4,
});

describe('claim, send, record', () => {
  it('sends nothing when another invocation holds the claim', async () => {
    const { ran, step } = steps(() => Promise.resolve({ ok: true, messageId: 'm-1' }), false);
    expect(await claimSendRecord(step)).toEqual({ kind: 'claimed_elsewhere' });
    expect(ran).toEqual(['claim']);
  });

  it('records what was sent with its id', async () => {
    const { ran, step } = steps(() => Promise.resolve({ ok: true, messageId: 'm-1' }));
    expect(await claimSendRecord(step)).toEqual({ kind: 'sent', sent: { ok: true, messageId: 'm-1' } });
    expect(ran).toEqual(['claim', 'send', 'record m-1']);
  });

  it.each(['throttled', 'transient'] as const)('gives the claim back when the send was %s four times', async (kind) => {
    const { ran, step } = steps(() => Promise.resolve(failure(kind)));
    expect(await claimSendRecord(step)).toEqual({ kind: 'released', reason: `${kind} reason`, attempts: 4 });
    expect(ran).toEqual(['claim', 'send', 'send', 'send', 'send', 'release']);
  });

  it('marks each attempt sending just before it, and takes the mark back before each wait', async () => {
    const answers = [failure('throttled'), failure('transient')];
    const { ran, step } = steps(() => Promise.resolve(answers.shift() ?? { ok: true, messageId: 'm-1' }));
    step.markSending = () => (ran.push('mark'), Promise.resolve(true));
    step.unmarkSending = () => (ran.push('unmark'), Promise.resolve(true));
    step.sleep = (ms) => (ran.push(`wait ${ms < 3000 ? 'backoff' : ms}`), Promise.resolve());
    expect(await claimSendRecord(step)).toEqual({ kind: 'sent', sent: { ok: true, messageId: 'm-1' } });
    expect(ran).toEqual([
      ...['claim', 'mark', 'send', 'unmark', 'wait backoff'],
      ...['mark', 'send', 'unmark', 'wait backoff'],
      ...['mark', 'send', 'record m-1'],
    ]);
  });

  it('takes the mark back when its write failed (its answer lost: it may be applied), and sends nothing', async () => {
    const { ran, step } = steps(() => Promise.resolve({ ok: true, messageId: 'm-1' }));
    step.markSending = () => (ran.push('mark'), Promise.reject(new Error('InternalServerError')));
    step.unmarkSending = () => (ran.push('unmark'), Promise.resolve(true));
    await expect(claimSendRecord(step)).rejects.toThrow('InternalServerError');
    expect(ran).toEqual(['claim', 'mark', 'unmark']);
  });

  it.each([
    ['rejected', 'rejected'],
    ['no_response', 'unconfirmed'],
  ] as const)('keeps the claim of a send that was %s, as %s', async (kind, status) => {
    const { ran, step } = steps(() => Promise.resolve(failure(kind)));
    expect(await claimSendRecord(step)).toEqual({ kind: status, reason: `${kind} reason`, attempts: 4 });
    expect(ran).toEqual(['claim', 'send', `keep ${status}: ${kind} reason`]);
  });

  it('gives the claim back and rethrows when the send throws', async () => {
    const { ran, step } = steps(() => Promise.reject(new Error('PutEvents refused')));
    await expect(claimSendRecord(step)).rejects.toThrow('PutEvents refused');
    expect(ran).toEqual(['claim', 'send', 'release']);
  });

  it('keeps the claim when the record keeps failing after the send, so nobody sends it again', async () => {
    const { ran, step } = steps(() => Promise.resolve({ ok: true, messageId: 'm-1' }));
    step.record = () => (ran.push('record'), Promise.reject(new Error('DynamoDB unavailable')));
    await expect(claimSendRecord(step)).rejects.toThrow('DynamoDB unavailable');
    expect(ran).toEqual(['claim', 'send', 'record', 'record', 'record', 'record']);
  });

  it('tries the record again: the message id is only in memory, and losing it makes the notice unknown', async () => {
    const { ran, step } = steps(() => Promise.resolve({ ok: true, messageId: 'm-1' }));
    let failures = 2;
    step.record = () =>
      failures-- > 0
        ? (ran.push('record failed'), Promise.reject(new Error('Throttling')))
        : (ran.push('record'), Promise.resolve());
    expect(await claimSendRecord(step)).toEqual({ kind: 'sent', sent: { ok: true, messageId: 'm-1' } });
    expect(ran).toEqual(['claim', 'send', 'record failed', 'record failed', 'record']);
  });

  it('does not try the record again once its claim is gone', async () => {
    const { ran, step } = steps(() => Promise.resolve({ ok: true, messageId: 'm-1' }));
    step.record = () => (ran.push('record'), Promise.reject(new ClaimGoneError('claim gone')));
    await expect(claimSendRecord(step)).rejects.toThrow('claim gone');
    expect(ran).toEqual(['claim', 'send', 'record']);
  });

  it('sends nothing when its claim was taken over before the sending mark', async () => {
    const { ran, step } = steps(() => Promise.resolve({ ok: true, messageId: 'm-1' }));
    step.markSending = () => (ran.push('mark sending'), Promise.resolve(false));
    expect(await claimSendRecord(step)).toEqual({ kind: 'claimed_elsewhere' });
    expect(ran).toEqual(['claim', 'mark sending']);
  });
});
