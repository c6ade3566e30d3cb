/**
 * `@charter/local/definitions`: serverless.yml and serverless-compose.yml read as Serverless
 * reads them, and CloudFormation intrinsics evaluated with local values. The local cloud wires
 * itself from these; the packaging test compares them with what `sls package` writes.
 */
export type * from './cloudformation';
export { loadComposedServices, readCompose, type ComposeService } from './compose';
export { IntrinsicResolver, localScheme, type LocalEnvironment } from './intrinsics';
export { readYaml } from './yaml';
export {
  busNameOf,
  distributionEndpointKey,
  loadService,
  type FunctionWiring,
  type RuleWiring,
  type ServiceWiring,
} from './service';
