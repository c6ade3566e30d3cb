import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The CloudFormation the local cloud reads (from serverless.yml's `resources`, and from the
 * template `sls package` writes): the resource types and the properties it looks at. A value
 * may still be an intrinsic (`{ Ref }`, `{ 'Fn::GetAtt' }`...) until IntrinsicResolver resolves it.
 */
export type Intrinsic = Record<string, unknown>;
export type Value<T> = T | Intrinsic;

/** Properties as written, before resolution; the typed views below are what each type carries. */
export type UnresolvedProperties = Record<string, unknown>;

export interface CloudResource {
  Type: string;
  Properties?: UnresolvedProperties;
  DependsOn?: unknown;
}

/** A table's properties are the CreateTable input, under the same names. */
export type TableProperties = Pick<
  CreateTableCommandInput,
  | 'TableName'
  | 'AttributeDefinitions'
  | 'KeySchema'
  | 'BillingMode'
  | 'ProvisionedThroughput'
  | 'GlobalSecondaryIndexes'
  | 'LocalSecondaryIndexes'
>;

/** S3's CORS rule as CloudFormation writes it (ExposedHeaders and MaxAge, not the API's names). */
export interface CorsRule {
  AllowedMethods: string[];
  AllowedOrigins: string[];
  AllowedHeaders?: string[];
  ExposedHeaders?: string[];
  MaxAge?: number | string;
}

export interface BucketProperties {
  BucketName?: Value<string>;
  CorsConfiguration?: { CorsRules?: Value<CorsRule[]> };
}

export interface GenerateSecretString {
  PasswordLength?: number;
  ExcludePunctuation?: boolean;
}

export interface SecretProperties {
  Name?: Value<string>;
  Description?: Value<string>;
  GenerateSecretString?: Value<GenerateSecretString>;
  SecretString?: Value<string>;
}

export interface DistributionProperties {
  DistributionConfig?: {
    Origins?: Array<{ Id?: string; DomainName?: Value<string> }>;
    DefaultCacheBehavior?: {
      TargetOriginId?: string;
      ResponseHeadersPolicyId?: string;
      FunctionAssociations?: Array<{ EventType?: string; FunctionARN?: { 'Fn::GetAtt'?: [string, string] } }>;
    };
  };
}

export interface CloudFrontFunctionProperties {
  Name?: Value<string>;
  FunctionCode?: Value<string>;
}

/** A stack output, as `resources.Outputs` and the template write it. */
export interface StackOutput {
  Value: unknown;
  Export?: { Name?: Value<string> };
}

/** The typed view of a resource's properties, for the types read; the rest stay unknown. */
export function propertiesOf<T>(resource: CloudResource): Partial<T> {
  return (resource.Properties ?? {}) as Partial<T>;
}
