export { ACCOUNT_ID, CREDENTIALS, REGION, ROOT, STAGE } from './account';
export { readSecretsFile, secretsFile, writeSecretsFile } from './local-secrets';
export { DEFAULT_PORTS, type EndpointKey, type Endpoints } from './ports';
export { DEFAULT_STATE_DIR, runningEndpoints } from './running';
export { startLocalCloud, type LocalCloud, type LocalCloudOptions, type PublishedEvent } from './start';
export type { LocalFaults } from '../faults/injector';
export { parseFaults, type FaultOptions } from '../faults/options';
