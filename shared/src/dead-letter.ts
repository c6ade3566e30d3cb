import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { NotConfiguredError } from './errors';
import { lazy } from './lazy';

/** Made on the first dead letter: most invocations of a consumer never send one. */
const sqs = lazy(() => new SQSClient({}));

/**
 * Sends an event that can never succeed to the service's dead-letter queue, in the same record
 * shape Lambda's onFailure destination writes, so one tool lists and redrives both.
 */
export async function deadLetter(input: {
  event: unknown;
  reason: string;
  errorType: string;
  context: Context;
}): Promise<void> {
  const queueUrl = process.env.DLQ_URL;
  if (!queueUrl) throw new NotConfiguredError('environment variable DLQ_URL');
  const record = {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: input.context.awsRequestId,
      functionArn: input.context.invokedFunctionArn,
      condition: 'PermanentFailure',
      approximateInvokeCount: 1,
    },
    requestPayload: input.event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Handled' },
    responsePayload: { errorType: input.errorType, errorMessage: input.reason },
  };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
}
