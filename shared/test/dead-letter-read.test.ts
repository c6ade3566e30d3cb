import { functionNameOf, readDeadLetter } from '../src/dead-letter-read';

const event = { version: '0', id: 'e-1', source: 'partner.boatsetter', 'detail-type': 'BookingCreated', detail: {} };
const sent = { SentTimestamp: String(Date.parse('2027-03-01T12:00:00.000Z')) };
const attribute = (StringValue: string) => ({ StringValue });

describe('readDeadLetter: the two shapes AWS puts in a dead-letter queue, and neither', () => {
  it("reads Lambda's onFailure record: the event is its requestPayload", () => {
    const record = {
      timestamp: '2027-03-01T11:59:00.000Z',
      requestContext: {
        functionArn: 'arn:aws:lambda:us-west-2:1:function:charter-scc-prod-onBookingEvent:$LATEST',
        condition: 'RetriesExhausted',
      },
      requestPayload: event,
      responsePayload: { errorType: 'Error', errorMessage: 'boom' },
    };
    expect(readDeadLetter({ Body: JSON.stringify(record), Attributes: sent })).toEqual({
      kind: 'lambda-destination',
      functionName: 'charter-scc-prod-onBookingEvent',
      failedAt: '2027-03-01T11:59:00.000Z',
      condition: 'RetriesExhausted',
      errorType: 'Error',
      errorMessage: 'boom',
      payload: event,
    });
  });

  it("reads EventBridge's: the event itself, the target and the error in message attributes", () => {
    const letter = readDeadLetter({
      Body: JSON.stringify(event),
      Attributes: sent,
      MessageAttributes: {
        RULE_ARN: attribute('arn:aws:events:us-west-2:1:rule/charter-bookings-prod/r'),
        TARGET_ARN: attribute('arn:aws:lambda:us-west-2:1:function:charter-scc-prod-onBookingEvent'),
        ERROR_CODE: attribute('SDK_CLIENT_ERROR'),
        ERROR_MESSAGE: attribute('Function not found'),
      },
    });
    expect(letter).toEqual({
      kind: 'eventbridge-target',
      functionName: 'charter-scc-prod-onBookingEvent',
      failedAt: '2027-03-01T12:00:00.000Z',
      condition: 'Undelivered',
      errorType: 'SDK_CLIENT_ERROR',
      errorMessage: 'Function not found',
      payload: event,
      ruleArn: 'arn:aws:events:us-west-2:1:rule/charter-bookings-prod/r',
    });
  });

  it('calls anything else unreadable, with the reason, rather than throwing', () => {
    expect(readDeadLetter({ Body: 'not json' })).toMatchObject({
      kind: 'unreadable',
      reason: 'the message body is not JSON',
    });
    expect(readDeadLetter({ Body: JSON.stringify(event) })).toMatchObject({ kind: 'unreadable' });
    expect(readDeadLetter({ Body: '{"a":1}', MessageAttributes: { TARGET_ARN: attribute('x') } })).toMatchObject({
      kind: 'unreadable',
      reason: 'EventBridge named a target, but the body is not an EventBridge event',
    });
  });

  it('names the function from its ARN, an alias or version left out', () => {
    expect(functionNameOf('arn:aws:lambda:us-west-2:1:function:fn:live')).toBe('fn');
    expect(functionNameOf('fn')).toBe('fn');
  });
});
