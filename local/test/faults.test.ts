import type { IncomingMessage } from 'node:http';
import { FaultInjector } from '../src/faults/injector';
import { FaultOptionsError, parseFaults } from '../src/faults/options';
import { putEventsFaults, WIRE_FAULTS } from '../src/faults/wire';

describe('--faults', () => {
  it('reads every stand-in, lambda-timeout and the seed', () => {
    expect(
      parseFaults('dynamodb=0.2,s3=0.2, ses=0.2,eventbridge=0.1,sqs=0,secretsmanager=1,lambda-timeout=0.05,seed=42'),
    ).toEqual({
      dynamodb: 0.2,
      s3: 0.2,
      ses: 0.2,
      eventbridge: 0.1,
      sqs: 0,
      secretsmanager: 1,
      lambdaTimeout: 0.05,
      seed: 42,
    });
  });

  it('refuses an unknown key given in code too', () => {
    expect(() => new FaultInjector({ dynamo: 0.2 } as never)).toThrow(/unknown key "dynamo"/);
  });

  it.each([
    ['dynamo=0.2', /unknown key "dynamo"/],
    ['s3=1.5', /s3 must be a fraction from 0 to 1, got 1.5/],
    ['ses=lots', /ses must be a fraction from 0 to 1, got NaN/],
    ['seed=-1', /seed must be an integer/],
    ['dynamodb', /"dynamodb" is not key=value/],
  ])('refuses %s, naming what is wrong', (spec, message) => {
    expect(() => parseFaults(spec)).toThrow(FaultOptionsError);
    expect(() => parseFaults(spec)).toThrow(message);
  });
});

describe('the fault injector', () => {
  const decisions = (injector: FaultInjector, source: 'dynamodb' | 's3', n: number) =>
    Array.from(
      { length: n },
      () =>
        injector
          .draw(source)
          ?.map((r) => r.toFixed(6))
          .join(',') ?? 'ok',
    );

  it('gives the same decisions for the same seed, and other ones for another seed', () => {
    const a = decisions(new FaultInjector({ dynamodb: 0.3, seed: 1 }), 'dynamodb', 200);
    const b = decisions(new FaultInjector({ dynamodb: 0.3, seed: 1 }), 'dynamodb', 200);
    const c = decisions(new FaultInjector({ dynamodb: 0.3, seed: 2 }), 'dynamodb', 200);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it("keeps each stand-in's sequence whatever another stand-in draws meanwhile", () => {
    const alone = new FaultInjector({ dynamodb: 0.3, s3: 0.3, seed: 9 });
    const mixed = new FaultInjector({ dynamodb: 0.3, s3: 0.3, seed: 9 });
    const interleaved = Array.from({ length: 100 }, (_, i) => {
      decisions(mixed, 's3', i % 3);
      return decisions(mixed, 'dynamodb', 1)[0];
    });
    expect(interleaved).toEqual(decisions(alone, 'dynamodb', 100));
  });

  it('fails about the fraction asked, and never a stand-in not asked', () => {
    const injector = new FaultInjector({ s3: 0.2, seed: 3 });
    const failed = decisions(injector, 's3', 10_000).filter((d) => d !== 'ok').length;
    expect(failed / 10_000).toBeCloseTo(0.2, 1);
    expect(decisions(injector, 'dynamodb', 1000).every((d) => d === 'ok')).toBe(true);
  });

  it('draws a seed when none is given and says what it runs with', () => {
    const injector = new FaultInjector({ dynamodb: 0.2, eventbridge: 0.1, lambdaTimeout: 0.05 });
    expect(injector.seed).toBeGreaterThanOrEqual(0);
    expect(injector.describe()).toBe(`dynamodb 20%, eventbridge 10%, lambda-timeout 5%, seed ${injector.seed}`);
    expect(new FaultInjector().describe()).toBe('off');
  });

  it('fails at least one entry of a PutEvents it chooses, and counts each failed entry', () => {
    const injector = new FaultInjector({ eventbridge: 1, seed: 5 });
    const fault = putEventsFaults(injector);
    let failed = 0;
    let throttled = 0;
    for (let i = 0; i < 200; i++) {
      const decision = fault(10)!;
      if (decision.kind === 'ThrottlingException') throttled++;
      else {
        expect(decision.failed.size).toBeGreaterThan(0);
        expect([...decision.failed].every((index) => index >= 0 && index < 10)).toBe(true);
        failed += decision.failed.size;
      }
    }
    expect(throttled).toBeGreaterThan(20);
    expect(injector.injected()).toEqual({
      'eventbridge:ThrottlingException': throttled,
      'eventbridge:InternalFailure': failed,
    });
  });
});

describe('what counts as data plane', () => {
  const request = (method: string, path: string, target?: string) => {
    const req = { method, url: path, headers: target ? { 'x-amz-target': target } : {} } as IncomingMessage;
    return WIRE_FAULTS[target ? (target.startsWith('DynamoDB') ? 'dynamodb' : 'sqs') : 's3'].dataPlane(
      req,
      new URL(path, 'http://local'),
    );
  };

  it('S3: objects, listings and POST uploads; not CreateBucket, ListBuckets or a bucket subresource', () => {
    expect(
      [
        request('PUT', '/site/g/abc.html'),
        request('GET', '/site/g/abc.html'),
        request('HEAD', '/site/g/abc.html'),
        request('GET', '/site?list-type=2&prefix=g/'),
        request('POST', '/uploads'),
      ].every(Boolean),
    ).toBe(true);
    expect([
      request('PUT', '/site'),
      request('GET', '/'),
      request('PUT', '/site?cors'),
      request('GET', '/site?policy'),
    ]).toEqual([false, false, false, false]);
  });

  it('DynamoDB: item and query operations; not table management', () => {
    expect(
      ['PutItem', 'UpdateItem', 'Query', 'TransactWriteItems'].map((op) =>
        request('POST', '/', `DynamoDB_20120810.${op}`),
      ),
    ).toEqual([true, true, true, true]);
    expect(
      ['CreateTable', 'DescribeTable', 'ListTables'].map((op) => request('POST', '/', `DynamoDB_20120810.${op}`)),
    ).toEqual([false, false, false]);
  });

  it('SQS: messages; not queue management', () => {
    expect([request('POST', '/', 'AmazonSQS.SendMessage'), request('POST', '/', 'AmazonSQS.ListQueues')]).toEqual([
      true,
      false,
    ]);
  });
});
