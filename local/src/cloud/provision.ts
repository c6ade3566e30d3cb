import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import {
  CreateBucketCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
  type CORSRule,
} from '@aws-sdk/client-s3';
import type { BucketWiring, ServiceWiring, SiteUploadWiring, TableProperties } from '../definitions/service';
import { INTERNAL_USER_AGENT } from '../faults/gate';
import { Distribution } from '../servers/cloudfront';
import { CREDENTIALS, REGION } from './account';
import { localSecretValue, readSecretsFile, writeSecretsFile } from './local-secrets';
import type { Endpoints } from './ports';
import type { StandIns } from './stand-ins';

/** What provisioning leaves running: the S3 client the distributions read their origins with. */
export interface Provisioned {
  /** Secret name -> current value, as written to `<stateDir>/secrets.json`. */
  secrets: Record<string, string>;
  s3: S3Client;
}

/**
 * Creates what the stacks define, from their own resources: tables, buckets (and the files `custom.siteUploads` puts
 * in them), queues, secrets, buses, distributions.
 */
export async function provision(
  services: ServiceWiring[],
  standIns: StandIns,
  endpoints: Endpoints,
  stateDir: string,
  /** The edges' clock (tests move it past a TTL instead of waiting). */
  edgeClock: () => number = Date.now,
): Promise<Provisioned> {
  // The local cloud's own calls (and CloudFront's reads of its origins, with this S3 client) never meet a fault.
  const clientConfig = { region: REGION, credentials: CREDENTIALS, customUserAgent: INTERNAL_USER_AGENT };
  const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamodb });
  const s3 = new S3Client({ ...clientConfig, endpoint: endpoints.s3, forcePathStyle: true });
  const secrets = readSecretsFile(stateDir);
  try {
    const existingTables = new Set((await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const wiring of services) {
      for (const table of wiring.tables)
        if (!existingTables.has(table.name)) await dynamodb.send(new CreateTableCommand(tableInput(table.properties)));
      for (const bucket of wiring.buckets) await createBucket(s3, bucket);
      for (const upload of wiring.siteUploads) await putSiteFiles(s3, upload);
      for (const queue of wiring.queues) standIns.sqs.ensure(queue.name);
      provisionSecrets(wiring, standIns, secrets);
      for (const bus of wiring.buses) standIns.eventBridge.addBus(bus.name);
      for (const d of wiring.distributions) {
        const distribution = new Distribution(d, s3, edgeClock);
        standIns.distributions.set(d.id, distribution);
        standIns.sites.set(d.endpointKey, distribution);
      }
    }
    restoreRuntimeSecrets(standIns, secrets);
  } catch (error) {
    s3.destroy();
    throw error;
  } finally {
    dynamodb.destroy();
  }
  writeSecretsFile(stateDir, secrets);
  return { secrets, s3 };
}

function tableInput(properties: TableProperties): CreateTableCommandInput {
  const billing = properties.BillingMode ?? 'PROVISIONED';
  const throughput =
    billing === 'PAY_PER_REQUEST'
      ? {}
      : { ProvisionedThroughput: properties.ProvisionedThroughput ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } };
  return {
    TableName: properties.TableName,
    AttributeDefinitions: properties.AttributeDefinitions,
    KeySchema: properties.KeySchema,
    BillingMode: billing,
    ...throughput,
    ...(properties.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes } : {}),
    ...(properties.LocalSecondaryIndexes ? { LocalSecondaryIndexes: properties.LocalSecondaryIndexes } : {}),
  };
}

/** A bucket kept from a persisted run is already there; its CORS rules are put again either way. */
async function createBucket(s3: S3Client, bucket: BucketWiring): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket.name })).catch((error: Error) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  if (bucket.corsRules.length === 0) return;
  // CloudFormation's CorsRule names two fields differently from the S3 API's.
  const CORSRules: CORSRule[] = bucket.corsRules.map((r) => ({
    AllowedMethods: r.AllowedMethods,
    AllowedOrigins: r.AllowedOrigins,
    ...(r.AllowedHeaders ? { AllowedHeaders: r.AllowedHeaders } : {}),
    ...(r.ExposedHeaders ? { ExposeHeaders: r.ExposedHeaders } : {}),
    ...(r.MaxAge !== undefined ? { MaxAgeSeconds: Number(r.MaxAge) } : {}),
  }));
  await s3.send(new PutBucketCorsCommand({ Bucket: bucket.name, CORSConfiguration: { CORSRules } }));
}

/**
 * What the site-uploads deploy plugin (services/serverless/site-uploads.js) does after `sls deploy`: each file put at
 * its key with its Content-Type and the entry's Cache-Control. Put again at every start, as every deploy puts them.
 */
async function putSiteFiles(s3: S3Client, upload: SiteUploadWiring): Promise<void> {
  for (const file of upload.files) {
    await s3.send(
      new PutObjectCommand({
        Bucket: upload.bucket,
        Key: file.key,
        Body: readFileSync(file.file),
        ContentType: file.contentType,
        CacheControl: upload.cacheControl,
      }),
    );
  }
}

/**
 * A secret the Secrets Manager stand-in does not hold yet (a fresh start) is created with the
 * value the last run used, or a new one; `secrets` ends with every secret's current value.
 */
/**
 * Secrets no stack defines but a run created (a partner onboarded with `npm run rotate -- partner-secrets`) outlive
 * the run in AWS; here they are in secrets.json, and a fresh start creates them again with their last value.
 */
function restoreRuntimeSecrets({ secretsManager }: StandIns, secrets: Record<string, string>): void {
  for (const [name, value] of Object.entries(secrets)) {
    if (!secretsManager.has(name)) secretsManager.create({ Name: name, SecretString: value });
  }
}

function provisionSecrets(wiring: ServiceWiring, { secretsManager }: StandIns, secrets: Record<string, string>): void {
  for (const secret of wiring.secrets) {
    if (!secretsManager.has(secret.name)) {
      secrets[secret.name] ??= localSecretValue(secret);
      secretsManager.create({
        Name: secret.name,
        SecretString: secrets[secret.name],
        ...(secret.description ? { Description: secret.description } : {}),
      });
    }
    secrets[secret.name] = secretsManager.current(secret.name) ?? secrets[secret.name]!;
  }
}
