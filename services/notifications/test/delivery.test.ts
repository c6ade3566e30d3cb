import { SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { backoffDelayMs, classifySesError } from '../src/domain/delivery';

const sesError = (name: string, status: number) =>
  new SESv2ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} happened`,
  });

describe('reading an SES failure', () => {
  it.each([
    ['TooManyRequestsException', 429],
    ['LimitExceededException', 400],
    ['Throttling', 400],
    ['SomethingNew', 429],
  ])('treats %s (%i) as throttling: retried', (name, status) => {
    expect(classifySesError(sesError(name, status)).kind).toBe('throttled');
  });

  it.each([
    ['MessageRejected', 400],
    ['MailFromDomainNotVerifiedException', 400],
    ['BadRequestException', 400],
    ['SendingPausedException', 400],
    ['AccountSuspendedException', 400],
  ])('treats %s as a permanent rejection: dead-lettered', (name, status) => {
    expect(classifySesError(sesError(name, status))).toEqual({ kind: 'rejected', reason: `${name}: ${name} happened` });
  });

  it('treats an SES server fault as transient: the message did not go', () => {
    expect(classifySesError(sesError('InternalFailure', 500)).kind).toBe('transient');
  });

  it('treats any other 5xx (a 502, a 504, an unnamed 500) as no response: it may have gone', () => {
    expect(classifySesError(sesError('InternalFailure', 500)).kind).toBe('transient');
    expect(classifySesError(sesError('ServiceUnavailable', 503)).kind).toBe('transient');
    for (const [name, status] of [
      ['BadGateway', 502],
      ['GatewayTimeout', 504],
      ['Error', 500],
    ] as const) {
      expect(classifySesError(sesError(name, status)).kind).toBe('no_response');
    }
  });

  it('treats a refused connection as transient: nothing reached SES', () => {
    expect(classifySesError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).kind).toBe(
      'transient',
    );
  });

  it('treats a lost answer as no response: the message may have gone, so it is never retried', () => {
    expect(classifySesError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).kind).toBe(
      'no_response',
    );
    expect(classifySesError(Object.assign(new Error('timed out'), { name: 'TimeoutError' })).kind).toBe('no_response');
  });
});

describe('backoff between SES attempts', () => {
  const policy = { attempts: 4, baseMs: 200, capMs: 1000 };

  it('grows exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, policy, () => 0.999999))).toEqual([
      199, 399, 799, 999, 999,
    ]);
  });

  it('is jittered: anywhere from zero to the ceiling', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(400);
  });
});
