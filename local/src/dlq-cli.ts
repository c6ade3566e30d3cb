/**
 * `npm run dlq`: lists what every service's dead-letter queue holds, with the error and the
 * booking id. `npm run dlq -- redrive`: replays each one to its function as Lambda would
 * (an asynchronous Invoke) and removes it from the queue once the Invoke is accepted.
 * It talks to SQS and Lambda with the real SDK, at the running local cloud's endpoints.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CREDENTIALS, REGION } from './cloud/account';
import { runningEndpoints } from './cloud/running';
import { readDeadLetters, redrive } from './dlq';

async function main(): Promise<void> {
  const endpoints = runningEndpoints();
  const config = { region: REGION, credentials: CREDENTIALS };
  const sqs = new SQSClient({ ...config, endpoint: endpoints.sqs });
  const lambda = new LambdaClient({ ...config, endpoint: endpoints.lambda });
  const redriving = process.argv.includes('redrive');
  const letters = await readDeadLetters(sqs, { peek: !redriving });
  if (letters.length === 0) {
    console.log('No dead letters.');
    return;
  }
  for (const l of letters) {
    const booking = `booking ${l.bookingId ?? '-'}`;
    console.log(`${l.failedAt}  ${l.functionName}  ${booking}  ${l.condition}: ${l.errorType}: ${l.errorMessage}`);
  }
  if (redriving) console.log(`Redrove ${await redrive(sqs, lambda, letters)} dead letter(s) to their functions.`);
  else console.log(`${letters.length} dead letter(s). Fix the cause, then: npm run dlq -- redrive`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
