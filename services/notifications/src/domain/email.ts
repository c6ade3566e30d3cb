import { html, type SafeHtml } from '@charter/shared';

/** A file part of a message (the calendar invite). */
export interface EmailAttachment {
  fileName: string;
  /** The full MIME type with its parameters, e.g. `text/calendar; charset=UTF-8; method=REQUEST`. */
  contentType: string;
  content: string;
}

/** One message as SES SendEmail takes it (Simple content and its attachments). */
export interface OutgoingEmail {
  from: string;
  to: string;
  bcc: string[];
  replyTo: string[];
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
}

/** A labelled fact of the booking ("When", "Vessel"...), a line of the text and a row of the HTML table. */
export type Fact = [label: string, value: string];

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g; // eslint-disable-line no-control-regex -- what it removes

/** Mail headers cannot carry line breaks; partner text in a subject is flattened to one line. */
export const oneLine = (text: string) => text.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();

/** The facts in the text part: "Label: value". */
export const factLines = (facts: Fact[]) => facts.map(([label, value]) => `${label}: ${value}`);

export const LABEL_STYLE = 'padding-right: 16px; vertical-align: top; white-space: nowrap';

const factRow = ([label, value]: Fact) =>
  html`<tr><th align="left" style="${LABEL_STYLE}">${label}</th><td>${value}</td></tr>\n`;

/** The facts in the HTML part: a table, one row each. */
export const factTable = (facts: Fact[]) =>
  html`<table role="presentation" cellpadding="4" style="border-collapse: collapse">
${facts.map(factRow)}</table>`;

const BODY_STYLE =
  'font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; color: #1b2733; line-height: 1.5; ' +
  'max-width: 600px; margin: 0 auto; padding: 12px';

/**
 * The HTML part of every message: the subject as its title, the content in the house font, one column a phone shows
 * at its own width (mail apps that honour the viewport) and a desktop at 600 px.
 */
export const htmlPage = (subject: string, content: SafeHtml) =>
  html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${subject}</title></head>
<body style="${BODY_STYLE}">
${content}</body></html>
`.value;
