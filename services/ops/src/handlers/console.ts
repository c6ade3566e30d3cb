import { html, httpHandler } from '@charter/shared/http';
import { createLogger } from '@charter/shared/logger';
import { CONSOLE_HEADERS, renderConsole } from '../domain/console-page';

const logger = createLogger('charter-ops');

/** GET /console: the page alone; it holds no data and asks for the dashboard token before it reads any. */
export const handler = httpHandler(logger, () => Promise.resolve(html(200, renderConsole(), CONSOLE_HEADERS)));
