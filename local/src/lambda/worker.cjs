'use strict';
/**
 * One Lambda execution environment: a worker thread with the function's own environment
 * variables, running the function's bundle (the code serverless-esbuild would deploy).
 * The parent sends invocations; each answers with the handler's result or its error.
 */
const { parentPort, workerData } = require('node:worker_threads');

const mod = require(workerData.bundle);
const handler = mod[workerData.exportName];
if (typeof handler !== 'function') {
  throw new Error(`${workerData.functionName}: the bundle exports no function named ${workerData.exportName}`);
}

parentPort.on('message', async ({ id, event, context }) => {
  const deadline = Date.now() + context.timeoutMs;
  const lambdaContext = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: context.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: String(context.memoryLimitInMB),
    awsRequestId: context.awsRequestId,
    logGroupName: `/aws/lambda/${context.functionName}`,
    logStreamName: context.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    // The runtime times a timeout fault from here: the handler's own run, not the cold start before it.
    parentPort.postMessage({ id, started: true });
    const result = await handler(event, lambdaContext);
    parentPort.postMessage({ id, ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({
      id,
      ok: false,
      error: { errorType: err.name, errorMessage: err.message, stackTrace: String(err.stack || '').split('\n') },
    });
  }
});
