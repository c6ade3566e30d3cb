/**
 * `npm run dlq`: lists what every service's dead-letter queue holds, with the error and the booking id.
 * `npm run dlq -- redrive`: replays each one to its function as Lambda would (an asynchronous Invoke) and removes it
 * from the queue once the Invoke is accepted. Both shapes a queue holds are read: Lambda's onFailure record, and the
 * event EventBridge could not deliver to a rule's target (its function from the TARGET_ARN attribute). A message that
 * is neither is a warning naming it, left in its queue.
 *
 * Without `--stage` it talks to the running local cloud (found through `.local/endpoints.json`). With
 * `--stage <stage> [--region <region>]` it talks to that deployed stage in AWS with the operator's own credentials
 * (the SDK's default chain: AWS_PROFILE, environment, SSO...), the same SQS and Lambda calls at AWS's endpoints; its
 * queues are found by name, `charter-<service>-dlq-<stage>`. The SDK's AWS_ENDPOINT_URL_SQS / _LAMBDA variables,
 * when set, point it elsewhere (the tests point it at a local cloud that way).
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CREDENTIALS, REGION } from './cloud/account';
import { runningEndpoints } from './cloud/running';
import { readDeadLetters, redrive, stageQueueUrls } from './dlq';

interface Options {
  stage?: string;
  region?: string;
  redriving: boolean;
}

function parseArgs(argv: string[]): Options {
  const valueOf = (flag: string) => {
    const at = argv.indexOf(flag);
    if (at === -1) return undefined;
    const value = argv[at + 1];
    if (!value || value.startsWith('--')) throw new Error(`${flag} needs a value, e.g. ${flag} prod`);
    return value;
  };
  const stage = valueOf('--stage');
  const region = valueOf('--region');
  return { ...(stage ? { stage } : {}), ...(region ? { region } : {}), redriving: argv.includes('redrive') };
}

/** Clients for the deployed stage (default credentials and region), or for the running local cloud. */
function clients(options: Options): { sqs: SQSClient; lambda: LambdaClient; where: string } {
  if (options.stage) {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('Which region is the stage in? Pass --region <region> or set AWS_REGION.');
    return {
      sqs: new SQSClient({ region }),
      lambda: new LambdaClient({ region }),
      where: `stage ${options.stage} in ${region}`,
    };
  }
  const endpoints = runningEndpoints();
  const config = { region: REGION, credentials: CREDENTIALS };
  return {
    sqs: new SQSClient({ ...config, endpoint: endpoints.sqs }),
    lambda: new LambdaClient({ ...config, endpoint: endpoints.lambda }),
    where: 'the local cloud',
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const { sqs, lambda, where } = clients(options);
  const queueUrls = options.stage ? await stageQueueUrls(sqs, options.stage) : undefined;
  if (queueUrls?.length === 0) throw new Error(`No queue named charter-<service>-dlq-${options.stage} in ${where}.`);
  const letters = await readDeadLetters(sqs, { peek: !options.redriving, ...(queueUrls ? { queueUrls } : {}) });
  if (letters.length === 0) {
    console.log(`No dead letters in ${where}.`);
    return;
  }
  for (const l of letters) {
    if (l.shape === 'unreadable') {
      console.warn(`${l.failedAt}  warning: unreadable, in ${l.queueUrl.split('/').pop()}: ${l.errorMessage}`);
      continue;
    }
    const booking = `booking ${l.bookingId ?? '-'}`;
    const from = l.shape === 'eventbridge-target' ? ' (EventBridge could not deliver it)' : '';
    console.log(
      `${l.failedAt}  ${l.functionName}  ${booking}  ${l.condition}: ${l.errorType}: ${l.errorMessage}${from}`,
    );
  }
  const again = options.stage ? `npm run dlq -- --stage ${options.stage} redrive` : 'npm run dlq -- redrive';
  if (options.redriving) console.log(`Redrove ${await redrive(sqs, lambda, letters)} dead letter(s) in ${where}.`);
  else console.log(`${letters.length} dead letter(s) in ${where}. Fix the cause, then: ${again}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
