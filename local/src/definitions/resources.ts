import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  propertiesOf,
  type BucketProperties,
  type CloudResource,
  type CorsRule,
  type GenerateSecretString,
  type SecretProperties,
  type TableProperties,
} from './cloudformation';
import { distributionWiring } from './distribution';
import { secretArn } from './intrinsics';
import {
  DefinitionError,
  type BucketWiring,
  type ServiceWiring,
  type SiteUploadWiring,
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

/**
 * `custom.siteUploads` of serverless.yml: what the site-uploads deploy plugin puts in a bucket of the stack after the
 * deploy. A file that is not there, or a bucket the stack does not define, is an error here as it is there.
 */
export function siteUploads(value: unknown, buckets: BucketWiring[], { name, dir }: StackReader): SiteUploadWiring[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new DefinitionError(`${name}: custom.siteUploads must be a list`);
  return value.map((entry: Record<string, unknown>, index) => {
    const where = `${name}: custom.siteUploads[${index}]`;
    const bucket = typeof entry?.bucket === 'string' ? entry.bucket : '';
    if (!buckets.some((b) => b.name === bucket))
      throw new DefinitionError(`${where} names bucket ${bucket || '(none)'}, which is no bucket of the stack`);
    if (!Array.isArray(entry.files) || entry.files.length === 0)
      throw new DefinitionError(`${where} (bucket ${bucket}) has no files`);
    const files = (entry.files as Record<string, unknown>[]).map((f) => {
      const { key, file, contentType } = f ?? {};
      if (typeof key !== 'string' || !key || typeof file !== 'string' || typeof contentType !== 'string')
        throw new DefinitionError(`${where}: each file needs a key, a file and a contentType`);
      const path = resolve(dir, file);
      if (!existsSync(path)) throw new DefinitionError(`${where}: file ${file} (key ${key}) does not exist in ${dir}`);
      return { key, file: path, contentType };
    });
    // The same rule as the deploy plugin (services/serverless/site-uploads.js): a file without one would be cached a
    // day by CloudFront's CachingOptimized, so it must be said.
    if (typeof entry.cacheControl !== 'string' || !entry.cacheControl)
      throw new DefinitionError(`${where}: cacheControl must be set (a Cache-Control value)`);
    const cacheControl = entry.cacheControl;
    return { bucket, cacheControl, files };
  });
}
