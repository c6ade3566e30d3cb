import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedDistributionConfig } from '../definitions/cloudformation';
import { readBody } from './aws-json';
import type { Distribution, Invalidation } from './cloudfront';

/**
 * CloudFront's API (REST-XML, 2020-05-31) for the local distributions, as the SDK and the AWS CLI
 * call it: ListDistributions and GetDistribution (so an operator can look up the id an invalidation
 * by hand needs), and CreateInvalidation, GetInvalidation and ListInvalidations.
 */
const API_PREFIX = '/2020-05-31/distribution';
const XMLNS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const tag = (name: string, inner: string) => `<${name}>${inner}</${name}>`;
/** A CloudFront API document: the declaration, then the root element in CloudFront's namespace. */
const cloudFrontXml = (root: string, inner: string) => `${XML_DECLARATION}<${root} xmlns="${XMLNS}">${inner}</${root}>`;
/** CloudFront's list shape: `<Quantity>`, then `<Items>` with one element per member when there are any. */
const list = (member: string, items: string[]) =>
  tag('Quantity', String(items.length)) + (items.length ? tag('Items', items.map((i) => tag(member, i)).join('')) : '');
const optional = (name: string, value: string | number | boolean | undefined) =>
  value === undefined ? '' : tag(name, xmlEscape(String(value)));

export class CloudFrontError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalidationXml = (i: Invalidation) => {
  const paths = list(
    'Path',
    i.paths.map((p) => xmlEscape(p)),
  );
  const batch = tag('Paths', paths) + tag('CallerReference', xmlEscape(i.callerReference));
  const fields = tag('Id', i.id) + tag('Status', 'Completed') + tag('CreateTime', i.createdAt.toISOString());
  return cloudFrontXml('Invalidation', fields + tag('InvalidationBatch', batch));
};

const invalidationListXml = (distribution: Distribution) => {
  const summaries = [...distribution.invalidations]
    .reverse()
    .map((i) => tag('Id', i.id) + tag('CreateTime', i.createdAt.toISOString()) + tag('Status', 'Completed'));
  const fields = tag('Marker', '') + tag('MaxItems', '1000') + tag('IsTruncated', 'false');
  return cloudFrontXml('InvalidationList', fields + list('InvalidationSummary', summaries));
};

/** Where a distribution is served locally (its DomainName), and the account its ARN names. */
export interface CloudFrontApiContext {
  domainName(distribution: Distribution): string;
  accountId: string;
}

type ResolvedOrigin = NonNullable<ResolvedDistributionConfig['Origins']>[number];
type ResolvedBehavior = NonNullable<ResolvedDistributionConfig['CacheBehaviors']>[number];

const methods = (names: string[] | undefined) => list('Method', names ?? ['HEAD', 'GET']);

/** An Origin: S3's with its (empty) origin access identity, a custom one with its CustomOriginConfig. */
function originXml(o: ResolvedOrigin): string {
  const custom = o.CustomOriginConfig;
  const customXml = custom
    ? tag(
        'CustomOriginConfig',
        tag('HTTPPort', String(custom.HTTPPort ?? 80)) +
          tag('HTTPSPort', String(custom.HTTPSPort ?? 443)) +
          tag('OriginProtocolPolicy', xmlEscape(String(custom.OriginProtocolPolicy ?? 'https-only'))) +
          tag('OriginSslProtocols', list('SslProtocol', (custom.OriginSSLProtocols ?? ['TLSv1.2']).map(String))) +
          tag('OriginReadTimeout', String(custom.OriginReadTimeout ?? 30)) +
          tag('OriginKeepaliveTimeout', String(custom.OriginKeepaliveTimeout ?? 5)),
      )
    : tag('S3OriginConfig', tag('OriginAccessIdentity', ''));
  return (
    tag('Id', xmlEscape(String(o.Id))) +
    tag('DomainName', xmlEscape(String(o.DomainName))) +
    tag('OriginPath', xmlEscape(o.OriginPath ?? '')) +
    tag('CustomHeaders', list('OriginCustomHeader', [])) +
    customXml +
    tag('ConnectionAttempts', '3') +
    tag('ConnectionTimeout', '10') +
    optional('OriginAccessControlId', o.OriginAccessControlId)
  );
}

/** A DefaultCacheBehavior or CacheBehavior's fields (a CacheBehavior starts with its PathPattern). */
function behaviorXml(behavior: ResolvedBehavior): string {
  const functions = (behavior.FunctionAssociations ?? []).map(
    (f) => tag('FunctionARN', xmlEscape(String(f.FunctionARN))) + tag('EventType', xmlEscape(String(f.EventType))),
  );
  const notSigned = tag('Enabled', 'false') + tag('Quantity', '0');
  return (
    optional('PathPattern', behavior.PathPattern) +
    tag('TargetOriginId', xmlEscape(String(behavior.TargetOriginId))) +
    tag('TrustedSigners', notSigned) +
    tag('TrustedKeyGroups', notSigned) +
    tag('ViewerProtocolPolicy', behavior.ViewerProtocolPolicy ?? 'allow-all') +
    tag('AllowedMethods', methods(behavior.AllowedMethods) + tag('CachedMethods', methods(behavior.CachedMethods))) +
    tag('SmoothStreaming', 'false') +
    tag('Compress', String(behavior.Compress ?? false)) +
    tag('LambdaFunctionAssociations', list('LambdaFunctionAssociation', [])) +
    tag('FunctionAssociations', list('FunctionAssociation', functions)) +
    tag('FieldLevelEncryptionId', '') +
    optional('CachePolicyId', behavior.CachePolicyId) +
    optional('OriginRequestPolicyId', behavior.OriginRequestPolicyId) +
    optional('ResponseHeadersPolicyId', behavior.ResponseHeadersPolicyId)
  );
}

/** The fields a DistributionSummary and a DistributionConfig share, from the stack's own DistributionConfig. */
function configFieldsXml(config: ResolvedDistributionConfig): string {
  const errors = (config.CustomErrorResponses ?? []).map(
    (e) =>
      tag('ErrorCode', String(e.ErrorCode)) +
      optional('ResponsePagePath', e.ResponsePagePath) +
      optional('ResponseCode', e.ResponseCode) +
      optional('ErrorCachingMinTTL', e.ErrorCachingMinTTL),
  );
  return (
    tag('Aliases', list('CNAME', (config.Aliases ?? []).map(xmlEscape))) +
    tag('Origins', list('Origin', (config.Origins ?? []).map(originXml))) +
    tag('DefaultCacheBehavior', behaviorXml(config.DefaultCacheBehavior ?? {})) +
    tag('CacheBehaviors', list('CacheBehavior', (config.CacheBehaviors ?? []).map(behaviorXml))) +
    tag('CustomErrorResponses', list('CustomErrorResponse', errors)) +
    tag('Comment', xmlEscape(String(config.Comment ?? ''))) +
    tag('PriceClass', String(config.PriceClass ?? 'PriceClass_All')) +
    tag('Enabled', String(config.Enabled ?? true)) +
    tag('ViewerCertificate', tag('CloudFrontDefaultCertificate', 'true')) +
    tag('Restrictions', tag('GeoRestriction', tag('RestrictionType', 'none') + tag('Quantity', '0'))) +
    tag('WebACLId', '') +
    tag('HttpVersion', String(config.HttpVersion ?? 'http2')) +
    tag('IsIPV6Enabled', String(config.IPV6Enabled ?? true))
  );
}

/** Id, ARN, status and domain: what CloudFront says of a deployed distribution besides its config. */
function identityXml(distribution: Distribution, context: CloudFrontApiContext): string {
  const { id } = distribution.wiring;
  return (
    tag('Id', id) +
    tag('ARN', `arn:aws:cloudfront::${context.accountId}:distribution/${id}`) +
    tag('Status', 'Deployed') +
    tag('LastModifiedTime', distribution.createdAt.toISOString())
  );
}

const distributionListXml = (distributions: Distribution[], context: CloudFrontApiContext) => {
  const summaries = distributions.map(
    (d) =>
      identityXml(d, context) +
      tag('DomainName', xmlEscape(context.domainName(d))) +
      configFieldsXml(d.wiring.config) +
      tag('Staging', 'false'),
  );
  const fields = tag('Marker', '') + tag('MaxItems', '100') + tag('IsTruncated', 'false');
  return cloudFrontXml('DistributionList', fields + list('DistributionSummary', summaries));
};

const distributionXml = (d: Distribution, context: CloudFrontApiContext) => {
  const config =
    tag('CallerReference', xmlEscape(`${d.wiring.service}/${d.wiring.logicalId}`)) +
    optional('DefaultRootObject', d.wiring.config.DefaultRootObject) +
    configFieldsXml(d.wiring.config) +
    tag('Staging', 'false');
  const status =
    tag('InProgressInvalidationBatches', '0') +
    tag('DomainName', xmlEscape(context.domainName(d))) +
    tag('ActiveTrustedSigners', tag('Enabled', 'false') + tag('Quantity', '0')) +
    tag('ActiveTrustedKeyGroups', tag('Enabled', 'false') + tag('Quantity', '0'));
  return cloudFrontXml('Distribution', identityXml(d, context) + status + tag('DistributionConfig', config));
};

/** The ETag CloudFront gives a distribution's config (an update must send it back); stable while the config is. */
const etagOf = (d: Distribution) => `E${Buffer.from(d.wiring.id).toString('hex').slice(0, 12).toUpperCase()}`;

async function createInvalidation(req: IncomingMessage, distribution: Distribution) {
  const xml = (await readBody(req)).toString('utf8');
  const callerReference = /<CallerReference>([\s\S]*?)<\/CallerReference>/.exec(xml)?.[1];
  const paths = [...xml.matchAll(/<Path>([\s\S]*?)<\/Path>/g)].map((m) =>
    m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
  );
  const quantity = Number(/<Quantity>(\d+)<\/Quantity>/.exec(xml)?.[1]);
  if (!callerReference) throw new CloudFrontError(400, 'MissingBody', 'CallerReference is required.');
  if (paths.length === 0 || quantity !== paths.length)
    throw new CloudFrontError(
      400,
      'InconsistentQuantities',
      'The value of Quantity and the size of Items do not match.',
    );
  return distribution.invalidate(callerReference, paths);
}

export function cloudFrontApiHandler(distributions: Map<string, Distribution>, context: CloudFrontApiContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const respond = (status: number, xml: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amz-cf-id': randomUUID(), ...extra });
      res.end(xml);
    };
    try {
      if (req.method === 'GET' && (url.pathname === API_PREFIX || url.pathname === `${API_PREFIX}/`))
        return respond(200, distributionListXml([...distributions.values()], context));
      const match = /^\/2020-05-31\/distribution\/([^/]+)(?:\/(invalidation)(?:\/([^/]+))?)?$/.exec(url.pathname);
      if (!match)
        throw new CloudFrontError(404, 'NotFound', `No local CloudFront API at ${req.method} ${url.pathname}`);
      const [, id, invalidations, invalidationId] = match;
      const distribution = distributions.get(id!);
      if (!distribution)
        throw new CloudFrontError(404, 'NoSuchDistribution', 'The specified distribution does not exist.');
      if (!invalidations) {
        if (req.method !== 'GET')
          throw new CloudFrontError(405, 'MethodNotAllowed', `${req.method} is not supported here`);
        return respond(200, distributionXml(distribution, context), { etag: etagOf(distribution) });
      }
      if (req.method === 'POST' && !invalidationId) {
        const { invalidation, created } = await createInvalidation(req, distribution);
        return respond(created ? 201 : 200, invalidationXml(invalidation), {
          location: `http://${req.headers.host}${API_PREFIX}/${distribution.wiring.id}/invalidation/${invalidation.id}`,
        });
      }
      if (req.method === 'GET' && invalidationId) {
        const invalidation = distribution.invalidations.find((i) => i.id === invalidationId);
        if (!invalidation)
          throw new CloudFrontError(404, 'NoSuchInvalidation', 'The specified invalidation does not exist.');
        return respond(200, invalidationXml(invalidation));
      }
      if (req.method === 'GET') return respond(200, invalidationListXml(distribution));
      throw new CloudFrontError(405, 'MethodNotAllowed', `${req.method} is not supported here`);
    } catch (error) {
      const cf =
        error instanceof CloudFrontError ? error : new CloudFrontError(500, 'InternalError', (error as Error).message);
      const fields = tag('Type', 'Sender') + tag('Code', cf.code) + tag('Message', xmlEscape(cf.message));
      const inner = tag('Error', fields) + tag('RequestId', randomUUID());
      // CloudFront's error documents declare no encoding.
      respond(cf.status, `<?xml version="1.0"?>\n<ErrorResponse xmlns="${XMLNS}">${inner}</ErrorResponse>`);
    }
  };
}
