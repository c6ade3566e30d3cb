'use strict';
const fs = require('node:fs');

/**
 * CloudFront Function code, read as text for the template's FunctionCode (`${file(...):guestRewrite}`).
 * The file itself is plain cloudfront-js-2.0, unit-tested and served by the local cloud as is.
 */
module.exports.guestRewrite = () => fs.readFileSync(require.resolve('../src/cloudfront/rewrite.js'), 'utf8');
