/** The ports of ../shared/ARCHITECTURE.md ("The local cloud"), plus SQS, Lambda's Invoke API and the ops site. */
export const DEFAULT_PORTS = {
  api: 4700,
  guestSite: 4701,
  calendarSite: 4702,
  eventbridge: 4703,
  dynamodb: 4704,
  s3: 4705,
  ses: 4706,
  secretsmanager: 4707,
  cloudfront: 4708,
  sqs: 4709,
  lambda: 4710,
  opsSite: 4711,
} as const;
export type EndpointKey = keyof typeof DEFAULT_PORTS;
export type Endpoints = Record<EndpointKey, string>;

/** The SDK's per-service endpoint variables: a handler finds the local cloud only through these. */
export const ENDPOINT_ENV: Partial<Record<EndpointKey, string>> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  s3: 'AWS_ENDPOINT_URL_S3',
  ses: 'AWS_ENDPOINT_URL_SESV2',
  secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  eventbridge: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
  cloudfront: 'AWS_ENDPOINT_URL_CLOUDFRONT',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  lambda: 'AWS_ENDPOINT_URL_LAMBDA',
};

/** Port 0 everywhere (the system picks) for tests; otherwise the contract's ports, shifted by portBase - 4700. */
export function portAssignment(
  ports: 'random' | 'default' | undefined,
  portBase: number = DEFAULT_PORTS.api,
): (key: EndpointKey) => number {
  const shift = portBase - DEFAULT_PORTS.api;
  return (key) => (ports === 'random' ? 0 : DEFAULT_PORTS[key] + shift);
}

/** The endpoint variables the SDK reads, for every endpoint that is up. */
export function endpointEnv(endpoints: Endpoints): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, variable] of Object.entries(ENDPOINT_ENV))
    if (endpoints[key as EndpointKey]) env[variable] = endpoints[key as EndpointKey];
  return env;
}
