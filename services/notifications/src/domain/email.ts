import { html, type SafeHtml } from '@charter/shared';

/** One message as SES SendEmail takes it (Simple content). */
export interface OutgoingEmail {
  from: string;
  to: string;
  bcc: string[];
  replyTo: string[];
  subject: string;
  html: string;
  text: string;
}

/** A labelled fact of the booking ("When", "Vessel"...), a line of the text and a row of the HTML table. */
export type Fact = [label: string, value: string];

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g; // eslint-disable-line no-control-regex -- what it removes

/** Mail headers cannot carry line breaks; partner text in a subject is flattened to one line. */
export const oneLine = (text: string) => text.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();

/** The facts in the text part: "Label: value". */
export const factLines = (facts: Fact[]) => facts.map(([label, value]) => `${label}: ${value}`);

const LABEL_STYLE = 'padding-right: 16px';

const factRow = ([label, value]: Fact) =>
  html`<tr><th align="left" style="${LABEL_STYLE}">${label}</th><td>${value}</td></tr>\n`;

/** The facts in the HTML part: a table, one row each. */
export const factTable = (facts: Fact[]) =>
  html`<table role="presentation" cellpadding="4" style="border-collapse: collapse">
${facts.map(factRow)}</table>`;

const BODY_STYLE =
  'font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; color: #1b2733; line-height: 1.5';

/** The HTML part of every message: the subject as its title, the content in the house font. */
export const htmlPage = (subject: string, content: SafeHtml) =>
  html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="${BODY_STYLE}">
${content}</body></html>
`.value;
