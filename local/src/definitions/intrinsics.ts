import { createHash } from 'node:crypto';
import type { CloudResource } from './cloudformation';

/**
 * CloudFormation intrinsic functions evaluated the way the deployed stack would evaluate them,
 * with local values: a table's Ref is its name, a queue's Ref its local URL, a distribution's
 * DomainName its local host:port, HttpApi.ApiEndpoint the local API, and so on. Used both to
 * wire the local cloud from serverless.yml and, in the wiring test, to read the CloudFormation
 * template `sls package` writes, so both sides are compared in the same terms.
 */
export type { CloudResource } from './cloudformation';

export interface LocalEnvironment {
  region: string;
  accountId: string;
  stage: string;
  /** Base URLs of the local endpoints, e.g. { api: 'http://127.0.0.1:4700', sqs: ... }. */
  endpoints: Record<string, string>;
  /** Distribution logical id -> endpoint key (GuestSiteDistribution -> guestSite). */
  distributionEndpoint: (logicalId: string) => string | undefined;
  /** Export name -> value, from every service's Outputs. */
  exports: Map<string, unknown>;
}

export class IntrinsicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicError';
  }
}

/** Deterministic stand-ins for ids AWS would generate (stable across restarts). */
export const localId = (prefix: string, seed: string, length = 13) =>
  prefix +
  createHash('sha256')
    .update(seed)
    .digest('hex')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, length);

export const secretArn = (env: Pick<LocalEnvironment, 'region' | 'accountId'>, name: string) =>
  `arn:aws:secretsmanager:${env.region}:${env.accountId}:secret:${name}-${localId('', name, 6)}`;

export const hostOf = (url: string) => new URL(url).host;

export class IntrinsicResolver {
  constructor(
    private readonly resources: Record<string, CloudResource>,
    private readonly env: LocalEnvironment,
    private readonly service: { name: string; functionNames: Map<string, string> },
  ) {}

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!value || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = (value as Record<string, unknown>)[key];
      switch (key) {
        case 'Ref': {
          const name = String(arg);
          return name.startsWith('AWS::') ? this.pseudo(name) : this.ref(name);
        }
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = (typeof arg === 'string' ? arg.split('.') : (arg as string[])) as [
            string,
            string,
          ];
          return this.getAtt(logicalId, String(this.resolve(attribute)));
        }
        case 'Fn::Join': {
          const [separator, list] = arg as [string, unknown[]];
          return (this.resolve(list) as unknown[]).map(String).join(separator);
        }
        case 'Fn::Sub':
          return this.sub(arg as string | [string, Record<string, unknown>]);
        case 'Fn::Select': {
          const [index, list] = this.resolve(arg) as [number, unknown[]];
          return list[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, text] = this.resolve(arg) as [string, string];
          return text.split(separator);
        }
        case 'Fn::ImportValue': {
          const name = this.resolve(arg) as string;
          if (!this.env.exports.has(name)) throw new IntrinsicError(`Fn::ImportValue ${name}: no service exports it`);
          return this.env.exports.get(name);
        }
        case 'Fn::Base64':
          return Buffer.from(String(this.resolve(arg))).toString('base64');
        default:
          if (key.startsWith('Fn::') || key === 'Condition') {
            throw new IntrinsicError(`${key} is not supported by the local cloud`);
          }
      }
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Region':
        return this.env.region;
      case 'AWS::AccountId':
        return this.env.accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return `${this.service.name}-${this.env.stage}`;
      case 'AWS::NoValue':
        return undefined;
    }
    return undefined;
  }

  private resource(logicalId: string): CloudResource {
    const resource = this.resources[logicalId];
    if (!resource) throw new IntrinsicError(`${this.service.name}: no resource ${logicalId}`);
    return resource;
  }

  private prop(logicalId: string, name: string): string {
    const value = this.resolve(this.resource(logicalId).Properties?.[name]);
    if (typeof value !== 'string' || !value) {
      throw new IntrinsicError(`${this.service.name}: ${logicalId} needs an explicit ${name} for the local cloud`);
    }
    return value;
  }

  /** A resource's Ref (pseudo parameters such as AWS::Region are resolve's and Fn::Sub's). */
  ref(logicalId: string): string {
    const functionName = this.lambdaFunctionName(logicalId);
    if (functionName) return functionName;
    if (logicalId === 'HttpApi') return localId('', `${this.service.name}-api`, 10).toLowerCase();
    const resource = this.resource(logicalId);
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        return this.prop(logicalId, 'TableName');
      case 'AWS::S3::Bucket':
        return this.prop(logicalId, 'BucketName');
      case 'AWS::SQS::Queue':
        return `${this.env.endpoints.sqs}/${this.env.accountId}/${this.prop(logicalId, 'QueueName')}`;
      case 'AWS::SecretsManager::Secret':
        return secretArn(this.env, this.prop(logicalId, 'Name'));
      case 'AWS::Events::EventBus':
        return this.prop(logicalId, 'Name');
      case 'AWS::CloudFront::Distribution':
        return this.distributionId(logicalId);
      case 'AWS::CloudFront::Function':
        return this.getAtt(logicalId, 'FunctionARN');
      default:
        return localId('', `${this.service.name}/${logicalId}`, 12).toLowerCase();
    }
  }

  getAtt(logicalId: string, attribute: string): string {
    const { region, accountId } = this.env;
    const functionName = this.lambdaFunctionName(logicalId);
    if (functionName && attribute === 'Arn') return `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;
    if (logicalId === 'HttpApi') {
      if (attribute === 'ApiEndpoint') {
        if (!this.env.endpoints.api) throw new IntrinsicError(`${this.service.name}: no local endpoint serves the API`);
        return this.env.endpoints.api;
      }
      if (attribute === 'ApiId') return this.ref('HttpApi');
    }
    const resource = this.resource(logicalId);
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:aws:dynamodb:${region}:${accountId}:table/${this.prop(logicalId, 'TableName')}`;
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${this.prop(logicalId, 'BucketName')}`;
      case 'AWS::S3::Bucket.DomainName':
        return `${this.prop(logicalId, 'BucketName')}.s3.amazonaws.com`;
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${this.prop(logicalId, 'BucketName')}.s3.${region}.amazonaws.com`;
      case 'AWS::SQS::Queue.Arn':
        return `arn:aws:sqs:${region}:${accountId}:${this.prop(logicalId, 'QueueName')}`;
      case 'AWS::SQS::Queue.QueueName':
        return this.prop(logicalId, 'QueueName');
      case 'AWS::SQS::Queue.QueueUrl':
        return this.ref(logicalId);
      case 'AWS::Events::EventBus.Arn':
        return `arn:aws:events:${region}:${accountId}:event-bus/${this.prop(logicalId, 'Name')}`;
      case 'AWS::Events::EventBus.Name':
        return this.prop(logicalId, 'Name');
      case 'AWS::SecretsManager::Secret.Id':
        return this.ref(logicalId);
      case 'AWS::CloudFront::Distribution.DomainName': {
        const endpointKey = this.env.distributionEndpoint(logicalId);
        const url = endpointKey ? this.env.endpoints[endpointKey] : undefined;
        if (!url) throw new IntrinsicError(`${this.service.name}: no local endpoint serves distribution ${logicalId}`);
        return hostOf(url);
      }
      case 'AWS::CloudFront::Distribution.Id':
        return this.distributionId(logicalId);
      case 'AWS::CloudFront::Function.FunctionARN':
        return `arn:aws:cloudfront::${accountId}:function/${this.prop(logicalId, 'Name')}`;
      case 'AWS::CloudFront::OriginAccessControl.Id':
        return localId('', `${this.service.name}/${logicalId}`, 14);
    }
    throw new IntrinsicError(
      `${this.service.name}: Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) is not supported locally`,
    );
  }

  private distributionId(logicalId: string): string {
    return localId('E', `${this.service.name}/${logicalId}`, 13);
  }

  /** Serverless names a function's resource `<Name>LambdaFunction`. */
  private lambdaFunctionName(logicalId: string): string | undefined {
    return this.service.functionNames.get(logicalId);
  }

  private sub(arg: string | [string, Record<string, unknown>]): string {
    const [template, variables] = typeof arg === 'string' ? [arg, {}] : arg;
    return template.replace(/\$\{(!?)([^}]+)\}/g, (whole, bang: string, name: string) => {
      if (bang) return `\${${name}}`;
      if (name in variables) return String(this.resolve(variables[name]));
      if (name.startsWith('AWS::')) return String(this.pseudo(name));
      const [logicalId, attribute] = name.split('.') as [string, string | undefined];
      return String(attribute ? this.getAtt(logicalId, attribute) : this.ref(logicalId));
    });
  }
}

/**
 * Locally every endpoint is plain HTTP, so a URL the stack builds as `https://<distribution or
 * API host>` is served at `http://` here. Applied to resolved settings only.
 */
export function localScheme(value: unknown, endpoints: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => localScheme(v, endpoints));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localScheme(v, endpoints)]));
  if (typeof value !== 'string') return value;
  let out = value;
  for (const url of Object.values(endpoints).filter(Boolean)) {
    out = out.split(`https://${hostOf(url)}`).join(`http://${hostOf(url)}`);
  }
  return out;
}
