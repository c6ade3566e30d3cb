'use strict';
const fs = require('node:fs');
const path = require('node:path');
const yaml = require('js-yaml');

/**
 * Adds the CloudWatch alarms that reach a person, all pointing at the AlertTopic: one per dead-letter queue
 * (ApproximateNumberOfMessagesVisible > 0) and one per Lambda function (Errors > 0), for every service that
 * serverless-compose.yml deploys. CloudFormation has no loops, and the services are read from their own
 * serverless.yml, so a function added anywhere is alarmed on without editing this stack.
 *
 * Names follow Serverless's defaults: a function is `<service>-<stage>-<key>` unless it sets `name`; a dead-letter
 * queue is the QueueName of the service's DeadLetterQueue with `${sls:stage}` filled in.
 */
class Alarms {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = { 'package:compileEvents': () => this.addAlarms() };
  }

  addAlarms() {
    const stage = this.serverless.getProvider('aws').getStage();
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    // The console's URL as serverless.yml defines it once (custom.consoleUrl, a CloudFormation value).
    const consoleUrl = this.serverless.service.custom?.consoleUrl;
    if (!consoleUrl) throw new this.serverless.classes.Error('alarms.js: custom.consoleUrl is not set');
    const root = path.resolve(this.serverless.serviceDir, '..', '..');
    for (const service of watchedServices(root, stage, this.serverless.classes.Error)) {
      const queueId = `DeadLetters${pascal(service.key)}Alarm`;
      resources[queueId] = alarm({
        consoleUrl,
        name: `${service.queue}-visible`,
        what: `Dead letters in ${service.queue} (${service.key}): an event a service could not process.`,
        namespace: 'AWS/SQS',
        metric: 'ApproximateNumberOfMessagesVisible',
        statistic: 'Maximum',
        dimension: { Name: 'QueueName', Value: service.queue },
      });
      for (const fn of service.functions) {
        resources[`Errors${pascal(service.key)}${pascal(fn.key)}Alarm`] = alarm({
          consoleUrl,
          name: `${fn.name}-errors`,
          what: `${fn.name} failed (Lambda retries it; what still fails lands in ${service.queue}).`,
          namespace: 'AWS/Lambda',
          metric: 'Errors',
          statistic: 'Sum',
          dimension: { Name: 'FunctionName', Value: fn.name },
        });
      }
    }
  }
}

/** One alarm on one metric that crosses zero, to the AlertTopic; the description names the console. */
function alarm({ consoleUrl, name, what, namespace, metric, statistic, dimension }) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: name,
      AlarmDescription: { 'Fn::Join': ['', [`${what} See it in the console: `, consoleUrl]] },
      Namespace: namespace,
      MetricName: metric,
      Dimensions: [dimension],
      Statistic: statistic,
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      // No data (an idle queue, a function not invoked) is fine, not a reason to alarm.
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlertTopic' }],
      OKActions: [{ Ref: 'AlertTopic' }],
    },
  };
}

/** CloudFormation's short forms, read as plain values: only names are needed here. */
const SCHEMA = yaml.DEFAULT_SCHEMA.extend(
  ['Ref', 'GetAtt', 'Sub', 'Join', 'ImportValue', 'Select', 'Split', 'If', 'Equals', 'Base64'].flatMap((tag) =>
    ['scalar', 'sequence', 'mapping'].map((kind) => new yaml.Type(`!${tag}`, { kind, construct: (data) => data })),
  ),
);

/** Every composed service: its key, dead-letter queue and functions' deployed names, for `stage`. */
function watchedServices(root, stage, ServerlessError) {
  const compose = yaml.load(fs.readFileSync(path.join(root, 'serverless-compose.yml'), 'utf8'));
  return Object.entries(compose.services).map(([key, { path: dir }]) => {
    const config = yaml.load(fs.readFileSync(path.join(root, dir, 'serverless.yml'), 'utf8'), { schema: SCHEMA });
    const withStage = (text, what) => {
      const value = String(text).split('${sls:stage}').join(stage);
      if (value.includes('${')) throw new ServerlessError(`alarms.js: ${key}'s ${what} must be literal but the stage`);
      return value;
    };
    const queueName = config.resources?.Resources?.DeadLetterQueue?.Properties?.QueueName;
    if (!queueName) throw new ServerlessError(`alarms.js: ${key} has no DeadLetterQueue to alarm on`);
    return {
      key,
      queue: withStage(queueName, 'DeadLetterQueue QueueName'),
      functions: Object.entries(config.functions ?? {}).map(([fnKey, fn]) => ({
        key: fnKey,
        name: fn.name ? withStage(fn.name, `function name of ${fnKey}`) : `${config.service}-${stage}-${fnKey}`,
      })),
    };
  });
}

const pascal = (name) => name.replace(/(^|[-_])([a-zA-Z0-9])/g, (_, __, c) => c.toUpperCase());

module.exports = Alarms;
