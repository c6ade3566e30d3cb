export { ACCOUNT_ID, CREDENTIALS, REGION, ROOT, STAGE } from './account';
export { DEFAULT_PORTS, type EndpointKey, type Endpoints } from './ports';
export { startLocalCloud, type LocalCloud, type LocalCloudOptions, type PublishedEvent } from './start';
