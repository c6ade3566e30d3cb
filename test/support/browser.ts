/**
 * What the browser tests share: Debian's headless Chromium sized as a phone, tabs that record
 * every request they make and every console or script error, and dates written as a person would.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';

export const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'screenshots');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
/** A phone: iPhone 12-15 sized viewport at 2x, touch. */
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** A request a tab made, by the name the test gave the tab. */
export interface SeenRequest {
  page: string;
  method: string;
  url: string;
}

export interface Phone {
  browser: Browser;
  context: BrowserContext;
  /** Every request of every tab opened with `open`. */
  requests: SeenRequest[];
  /** Console errors (CSP violations land there) and uncaught script errors, prefixed with the tab's name. */
  problems: string[];
  /** A fresh tab that records its requests and problems, loaded with `url`. */
  open(name: string, url: string): Promise<{ page: Page; response: Response }>;
  close(): Promise<void>;
}

/** Launches /usr/bin/chromium with a phone-sized browser context (and makes the screenshots folder). */
export async function launchPhone(): Promise<Phone> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext(PHONE).catch(async (error: unknown) => {
    await browser.close();
    throw error;
  });
  const requests: SeenRequest[] = [];
  const problems: string[] = [];
  return {
    browser,
    context,
    requests,
    problems,
    async open(name, url) {
      const page = await context.newPage();
      page.on('request', (request) => requests.push({ page: name, method: request.method(), url: request.url() }));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`${name}: console error: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`${name}: script error: ${error.message}`));
      const response = await page.goto(url, { waitUntil: 'load' });
      if (!response) throw new Error(`no response for ${name}`);
      return { page, response };
    },
    async close() {
      await context.close();
      await browser.close();
    },
  };
}

/** "2025-07-14" -> "Monday, July 14, 2025", the way a person writes the date. */
export function dateAsWritten(date: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: 'UTC',
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(new Date(`${date}T12:00:00Z`));
}
