// CloudFront Function (cloudfront-js-2.0), viewer request: a guest opens /g/<slug>; the page is
// stored as g/<slug>.html. Every other path is left alone.
function handler(event) {
  var request = event.request;
  var match = /^\/g\/([A-Za-z0-9_-]{16,64})\/?$/.exec(request.uri);
  if (match) {
    request.uri = '/g/' + match[1] + '.html';
  }
  return request;
}
