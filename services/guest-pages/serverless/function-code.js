'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * CloudFront Function code, read as text for the template's FunctionCode (`${file(...):guestRewrite}`).
 * The file itself is plain cloudfront-js-2.0, unit-tested and served by the local cloud as is.
 */
module.exports.guestRewrite = () => readFileSync(join(__dirname, '..', 'src', 'cloudfront', 'rewrite.js'), 'utf8');
