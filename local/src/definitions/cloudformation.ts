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
  DistributionConfig?: DistributionConfig;
}

/**
 * The parts of a DistributionConfig the local CloudFront serves by, and its API describes; `I` is what a value
 * may be besides its own type: an intrinsic as written, `never` once resolved.
 */
export interface DistributionConfig<I = Intrinsic> {
  Enabled?: boolean | I;
  Comment?: string | I;
  PriceClass?: string | I;
  HttpVersion?: string | I;
  IPV6Enabled?: boolean | I;
  Aliases?: string[] | I;
  DefaultRootObject?: string | I;
  Origins?: Array<{
    Id?: string;
    DomainName?: string | I;
    OriginPath?: string;
    OriginAccessControlId?: string | I;
    S3OriginConfig?: { OriginAccessIdentity?: string | I };
    CustomOriginConfig?: CustomOriginConfig<I>;
  }>;
  DefaultCacheBehavior?: CacheBehavior<I>;
  /** The other behaviours, tried in order before the default: the first whose PathPattern matches serves. */
  CacheBehaviors?: Array<CacheBehavior<I> & { PathPattern?: string }>;
  /** How long CloudFront caches each error status (ErrorCachingMinTTL, seconds), and the page it serves instead. */
  CustomErrorResponses?: Array<{
    ErrorCode?: number | string | I;
    ErrorCachingMinTTL?: number | string | I;
    ResponseCode?: number | string | I;
    ResponsePagePath?: string | I;
  }>;
}

/** A cache behaviour (the default one has no PathPattern). */
export interface CacheBehavior<I = Intrinsic> {
  TargetOriginId?: string;
  ViewerProtocolPolicy?: string;
  Compress?: boolean | I;
  CachePolicyId?: string;
  OriginRequestPolicyId?: string;
  ResponseHeadersPolicyId?: string | I;
  AllowedMethods?: string[];
  CachedMethods?: string[];
  FunctionAssociations?: Array<{ EventType?: string; FunctionARN?: string | I }>;
}

/** An origin that is not S3: CloudFront connects to its DomainName over HTTP(S). */
export interface CustomOriginConfig<I = Intrinsic> {
  HTTPPort?: number | I;
  HTTPSPort?: number | I;
  OriginProtocolPolicy?: string | I;
  OriginSSLProtocols?: string[] | I;
  OriginReadTimeout?: number | I;
  OriginKeepaliveTimeout?: number | I;
}

/** An AWS::CloudFront::ResponseHeadersPolicy's config: the parts the local CloudFront applies. */
export interface ResponseHeadersPolicyConfig {
  Name?: string;
  Comment?: string;
  SecurityHeadersConfig?: {
    ContentSecurityPolicy?: { ContentSecurityPolicy?: string; Override?: boolean };
    ContentTypeOptions?: { Override?: boolean };
    FrameOptions?: { FrameOption?: string; Override?: boolean };
    ReferrerPolicy?: { ReferrerPolicy?: string; Override?: boolean };
    StrictTransportSecurity?: {
      AccessControlMaxAgeSec?: number | string;
      IncludeSubdomains?: boolean;
      Preload?: boolean;
      Override?: boolean;
    };
    XSSProtection?: { Protection?: boolean; ModeBlock?: boolean; ReportUri?: string; Override?: boolean };
  };
  CustomHeadersConfig?: { Items?: Array<{ Header?: string; Value?: string; Override?: boolean }> };
  CorsConfig?: unknown;
  RemoveHeadersConfig?: unknown;
  ServerTimingHeadersConfig?: unknown;
}

export interface ResponseHeadersPolicyProperties {
  ResponseHeadersPolicyConfig?: Value<ResponseHeadersPolicyConfig>;
}

/** A DistributionConfig with its intrinsics resolved, as the local cloud keeps it. */
export type ResolvedDistributionConfig = DistributionConfig<never>;

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
