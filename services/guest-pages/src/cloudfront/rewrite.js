// CloudFront Function (cloudfront-js-2.0), viewer request: a guest opens /g/<slug>; the page is
// stored as g/<slug>.html. Every other path is left alone. The slug pattern is the contract's
// (SLUG_PATTERN in @charter/events), copied because a CloudFront Function cannot import; a test
// holds the two together.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- CloudFront calls the top-level handler by name
function handler(event) {
  var request = event.request;
  var match = /^\/g\/([A-Za-z0-9_-]{16,64})\/?$/.exec(request.uri);
  if (match) {
    request.uri = '/g/' + match[1] + '.html';
  }
  return request;
}
