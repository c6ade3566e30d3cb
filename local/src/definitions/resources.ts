import {
  propertiesOf,
  type BucketProperties,
  type CloudFrontFunctionProperties,
  type CloudResource,
  type CorsRule,
  type ResolvedDistributionConfig,
  type DistributionProperties,
  type GenerateSecretString,
  type SecretProperties,
  type TableProperties,
} from './cloudformation';
import { secretArn } from './intrinsics';
import {
  DefinitionError,
  distributionEndpointKey,
  type DistributionWiring,
  type ServiceWiring,
  type StackReader,
} from './service';

type ResourceWirings = Pick<ServiceWiring, 'tables' | 'buckets' | 'queues' | 'secrets' | 'buses' | 'distributions'>;

/** What the local cloud provisions from the stack's resources; other types (IAM, policies) have no local part. */
export function resourceWirings(resources: Record<string, CloudResource>, stack: StackReader): ResourceWirings {
  const wirings: ResourceWirings = { tables: [], buckets: [], queues: [], secrets: [], buses: [], distributions: [] };
  const { intrinsics } = stack;
  for (const [logicalId, resource] of Object.entries(resources)) {
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        wirings.tables.push({
          name: intrinsics.ref(logicalId),
          properties: stack.resolve(resource.Properties ?? {}) as TableProperties,
        });
        break;
      case 'AWS::S3::Bucket': {
        const rules = propertiesOf<BucketProperties>(resource).CorsConfiguration?.CorsRules;
        wirings.buckets.push({
          name: intrinsics.ref(logicalId),
          corsRules: (stack.resolve(rules) as CorsRule[] | undefined) ?? [],
        });
        break;
      }
      case 'AWS::SQS::Queue':
        wirings.queues.push({
          name: intrinsics.getAtt(logicalId, 'QueueName'),
          arn: intrinsics.getAtt(logicalId, 'Arn'),
          url: intrinsics.ref(logicalId),
        });
        break;
      case 'AWS::SecretsManager::Secret':
        wirings.secrets.push(secretWiring(logicalId, propertiesOf<SecretProperties>(resource), stack));
        break;
      case 'AWS::Events::EventBus':
        wirings.buses.push({ name: intrinsics.ref(logicalId), arn: intrinsics.getAtt(logicalId, 'Arn') });
        break;
      case 'AWS::CloudFront::Distribution':
        wirings.distributions.push(distributionWiring(logicalId, propertiesOf(resource), resources, stack));
        break;
    }
  }
  return wirings;
}

function secretWiring(logicalId: string, properties: SecretProperties, stack: StackReader) {
  const name = stack.resolveString(properties.Name, `Name of ${logicalId}`);
  return {
    name,
    arn: secretArn(stack.env, name),
    ...(properties.Description ? { description: stack.resolveString(properties.Description, 'Description') } : {}),
    ...(properties.GenerateSecretString
      ? { generate: stack.resolve(properties.GenerateSecretString) as GenerateSecretString }
      : {}),
    ...(properties.SecretString !== undefined
      ? { secretString: stack.resolveString(properties.SecretString, `SecretString of ${logicalId}`) }
      : {}),
  };
}

/** A distribution runs locally when its origin is a bucket of the stack and its function, if any, too. */
function distributionWiring(
  logicalId: string,
  properties: DistributionProperties,
  resources: Record<string, CloudResource>,
  stack: StackReader,
): DistributionWiring {
  const { name: service, intrinsics } = stack;
  const config = properties.DistributionConfig ?? {};
  const behavior = config.DefaultCacheBehavior ?? {};
  const origin = (config.Origins ?? []).find((o) => o.Id === behavior.TargetOriginId) ?? config.Origins?.[0];
  const originDomain = intrinsics.resolve(origin?.DomainName ?? '') as string;
  const bucket = /^(.+)\.s3[.-]/.exec(originDomain)?.[1];
  if (!bucket) throw new DefinitionError(`${service}: ${logicalId} must have an S3 bucket origin to run locally`);
  const association = (behavior.FunctionAssociations ?? []).find((a) => a.EventType === 'viewer-request');
  let viewerRequestFunction: DistributionWiring['viewerRequestFunction'];
  if (association) {
    const arn = association.FunctionARN;
    const target = typeof arn === 'object' ? (arn['Fn::GetAtt'] as [string, string] | undefined)?.[0] : undefined;
    const fnResource = target ? resources[target] : undefined;
    if (fnResource?.Type !== 'AWS::CloudFront::Function') {
      throw new DefinitionError(
        `${service}: ${logicalId}'s viewer-request function must be an AWS::CloudFront::Function of the same stack`,
      );
    }
    const fn = propertiesOf<CloudFrontFunctionProperties>(fnResource);
    viewerRequestFunction = {
      name: intrinsics.resolve(fn.Name) as string,
      code: intrinsics.resolve(fn.FunctionCode) as string,
    };
  }
  const resolved = stack.resolve(config) as ResolvedDistributionConfig;
  return {
    service,
    logicalId,
    id: intrinsics.ref(logicalId),
    endpointKey: distributionEndpointKey(logicalId),
    originBucket: bucket,
    ...(viewerRequestFunction ? { viewerRequestFunction } : {}),
    ...(behavior.ResponseHeadersPolicyId ? { responseHeadersPolicyId: String(behavior.ResponseHeadersPolicyId) } : {}),
    errorCachingMinTtl: errorCachingMinTtl(logicalId, resolved, stack),
    config: resolved,
  };
}

/** ErrorCachingMinTTL by error code, for the CustomErrorResponses that set one; a code given twice is an error. */
function errorCachingMinTtl(logicalId: string, config: ResolvedDistributionConfig, { name }: StackReader) {
  const ttls: Record<number, number> = {};
  const seen = new Set<number>();
  for (const response of config.CustomErrorResponses ?? []) {
    const code = Number(response.ErrorCode);
    if (!Number.isInteger(code) || code < 400 || code > 599)
      throw new DefinitionError(`${name}: ${logicalId} has a CustomErrorResponse without a 4xx/5xx ErrorCode`);
    // CloudFormation refuses a distribution that names a code twice.
    if (seen.has(code)) throw new DefinitionError(`${name}: ${logicalId} lists ErrorCode ${code} twice`);
    seen.add(code);
    if (response.ErrorCachingMinTTL === undefined) continue;
    const ttl = Number(response.ErrorCachingMinTTL);
    if (!Number.isInteger(ttl) || ttl < 0)
      throw new DefinitionError(`${name}: ${logicalId}'s ErrorCachingMinTTL for ${code} must be whole seconds >= 0`);
    ttls[code] = ttl;
  }
  return ttls;
}
