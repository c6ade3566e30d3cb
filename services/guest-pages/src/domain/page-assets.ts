/**
 * The guest page's only style sheet and script, inlined into every page (the CSP allows them by
 * hash, nothing else). Kept as plain strings so the hash is computed over exactly what ships.
 * The script is dependency-free ES2017 and uploads with XMLHttpRequest, the one browser API
 * that reports upload progress. A style line too long for 120 columns ends in a backslash: in a
 * template literal, backslash-newline is nothing, so the style still ships one rule per line.
 */

export const PAGE_STYLE = `
:root{--sand:#f6efe4;--paper:#fffcf7;--ink:#1f2d38;--muted:#5d6a73;--navy:#15364f;--sea:#24617f;--brass:#b98a3c;\
--line:#e7dccb;--serif:"Iowan Old Style","Palatino Linotype",Palatino,"Book Antiqua",Georgia,serif;color-scheme:light}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--sand);color:var(--ink);\
font:17px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;\
-webkit-font-smoothing:antialiased}
.hero{position:relative;text-align:center;color:#fff;padding:2.5rem 1.25rem 3.6rem;\
background:linear-gradient(165deg,#0f2a3f 0%,#1b4866 58%,#2b6587 100%)}
.mark{width:46px;height:46px;color:var(--brass)}
.eyebrow{margin:.7rem 0 .2rem;font-size:.78rem;font-weight:600;letter-spacing:.2em;text-transform:uppercase;\
color:#ead5ab}
h1{margin:0;font-family:var(--serif);font-weight:600;font-size:clamp(2.5rem,12vw,3.8rem);line-height:1.05;\
letter-spacing:.05em;overflow-wrap:anywhere}
.when{margin:.7rem 0 0;font-size:1.15rem;color:#f4ecdd}
.when span{display:block;font-size:1rem;color:#d5e2ea}
.wave{position:absolute;left:0;bottom:-1px;width:100%;height:34px;fill:var(--sand)}
main{max-width:40rem;margin:0 auto;padding:1.1rem 1rem 1.5rem}
.greeting{margin:.4rem .2rem 1.2rem;font-family:var(--serif);font-size:1.35rem;line-height:1.4}
.card{background:var(--paper);border:1px solid var(--line);border-radius:16px;padding:1.25rem 1.2rem;margin:0 0 1rem;\
box-shadow:0 1px 2px rgba(31,45,56,.05),0 6px 18px rgba(31,45,56,.04)}
h2{margin:0 0 .8rem;font-family:var(--serif);font-size:1.35rem;font-weight:600;color:var(--navy)}
.facts{margin:0}
.facts div{display:grid;grid-template-columns:5.6rem minmax(0,1fr);gap:.75rem;align-items:baseline;padding:.7rem 0;\
border-top:1px solid var(--line)}
.facts div:first-child{border-top:0;padding-top:.1rem}
.facts div:last-child{padding-bottom:0}
dt{margin:0;font-size:.72rem;font-weight:600;letter-spacing:.14em;text-transform:uppercase;color:var(--muted)}
dd{margin:0;font-size:1.06rem;font-weight:600;overflow-wrap:anywhere}
.tips ul{margin:0;padding-left:1.15rem}
.tips li+li{margin-top:.35rem}
.lead{margin:0 0 1rem}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;\
clip:rect(0 0 0 0);white-space:nowrap}
.button{display:flex;align-items:center;justify-content:center;gap:.55rem;width:100%;min-height:3.3rem;\
padding:.8rem 1.25rem;border-radius:999px;background:var(--navy);color:#fff;font-weight:600;font-size:1.06rem;\
cursor:pointer;user-select:none;-webkit-tap-highlight-color:transparent}
.button svg{width:22px;height:22px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;\
stroke-linejoin:round}
.button:active{background:var(--sea)}
input:focus-visible+.button{outline:3px solid var(--brass);outline-offset:3px}
input:disabled+.button{opacity:.45;cursor:not-allowed}
.fine{margin:.75rem 0 0;font-size:.85rem;color:var(--muted);text-align:center}
.current{margin-top:1.1rem}
.current-line{display:flex;justify-content:space-between;gap:.75rem;margin-bottom:.35rem;font-size:.95rem}
.current-line span:first-child{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
progress{display:block;width:100%;height:.6rem;border:0;border-radius:999px;background:var(--line);overflow:hidden;\
-webkit-appearance:none;appearance:none}
progress::-webkit-progress-bar{background:var(--line);border-radius:999px}
progress::-webkit-progress-value{background:var(--sea);border-radius:999px;transition:width .2s}
progress::-moz-progress-bar{background:var(--sea);border-radius:999px}
.problem{margin:1rem 0 0;padding:.7rem .9rem;border-radius:10px;background:#fbe9e3;color:#8f2f1b;font-size:.95rem}
.closed{margin:0;padding:1rem 1.1rem;border-radius:12px;background:#f1e5cf;color:#5a4318}
.closed strong{display:block;margin-bottom:.2rem;color:#3f2f10}
.done-heading{margin:1.2rem 0 .2rem;font-size:.72rem;font-weight:600;letter-spacing:.14em;text-transform:uppercase;\
color:var(--muted)}
#uploaded{list-style:none;margin:0;padding:0}
#uploaded li{display:flex;align-items:baseline;gap:.6rem;padding:.55rem 0;border-top:1px solid var(--line);\
font-size:.95rem}
#uploaded li::before{content:"\\2713";color:var(--sea);font-weight:700}
#uploaded .file-name{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#uploaded .file-size{color:var(--muted);white-space:nowrap}
.badge{display:inline-block;margin:.9rem 0 0;padding:.3rem .9rem;border-radius:999px;background:#f6d9cf;color:#7a2412;\
font-size:.8rem;font-weight:700;letter-spacing:.16em;text-transform:uppercase}
.is-cancelled .when{text-decoration:line-through;text-decoration-thickness:2px;\
text-decoration-color:rgba(244,236,221,.7)}
.notice{border-color:#e9b9a8;background:#fff5f1}
.notice h2{color:#8f2f1b}
.notice p{margin:0 0 .75rem}
.notice p:last-child{margin-bottom:0}
footer{max-width:40rem;margin:0 auto;padding:0 1.25rem 2.5rem;text-align:center;font-size:.85rem;color:var(--muted)}
footer p{margin:.3rem 0}
@media (min-width:34rem){.card{padding:1.5rem 1.6rem}}
`;

export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var byId = function (id) { return document.getElementById(id); };
  var config = JSON.parse(byId('upload-config').textContent);
  var input = byId('photo-input');
  var openPanel = byId('uploads-open');
  var closedPanel = byId('uploads-closed');
  var notOpenPanel = byId('uploads-not-open');
  var current = byId('upload-current');
  var currentName = byId('upload-name');
  var currentPercent = byId('upload-percent');
  var bar = byId('upload-progress');
  var problem = byId('upload-error');
  var list = byId('uploaded');
  var listHeading = byId('uploaded-heading');
  var opensAt = Date.parse(config.opensAt);
  var endsAt = Date.parse(config.endsAt);
  var closesAt = Date.parse(config.closesAt);
  var closed = false;
  var ended = false;

  // Presign's 410: the booking was cancelled after this copy of the page was loaded. The picker stops; the message
  // says why, and the page itself says so once reloaded.
  function cancelUploads() {
    closed = true;
    input.disabled = true;
  }

  // After the charter the page turns from "see you soon" to "thank you".
  function endCharter() {
    ended = true;
    byId('greeting-before').hidden = true;
    byId('greeting-after').hidden = false;
    byId('tips').hidden = true;
  }

  // Once the window has closed (the charter's end and its grace), for good.
  function closeUploads() {
    if (closed) return;
    closed = true;
    input.disabled = true;
    openPanel.hidden = true;
    notOpenPanel.hidden = true;
    closedPanel.hidden = false;
    if (!ended) endCharter();
  }

  // Before the window opens (a page made weeks ahead): the picker waits, and the page says when it opens.
  function waitForOpening(waiting) {
    input.disabled = waiting;
    openPanel.hidden = waiting;
    notOpenPanel.hidden = !waiting;
  }

  // The page may stay open on a phone across the opening, the charter and the close: check again every so often.
  function stillOpen() {
    var now = Date.now();
    if (!ended && now >= endsAt) endCharter();
    if (!closed && now >= closesAt) closeUploads();
    if (!closed) waitForOpening(now < opensAt);
    return !closed;
  }
  stillOpen();
  var timer = setInterval(function () { if (!stillOpen()) clearInterval(timer); }, 15000);

  function typeOf(file) {
    if (file.type) return file.type;
    var extension = (file.name.split('.').pop() || '').toLowerCase();
    return config.types[extension] || 'application/octet-stream';
  }

  function sizeInWords(bytes) {
    if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + ' KB';
    var mb = bytes / (1024 * 1024);
    return (mb < 10 ? mb.toFixed(1) : Math.round(mb)) + ' MB';
  }

  function showProblem(message) {
    problem.textContent = message || '';
    problem.hidden = !message;
  }

  function setProgress(fraction) {
    bar.value = fraction;
    currentPercent.textContent = Math.round(fraction * 100) + '%';
  }

  function presign(file) {
    return fetch(config.presignUrl, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'X-Upload-Token': config.uploadToken },
      body: JSON.stringify({
        booking_id: config.bookingId,
        file_name: file.name,
        file_size: file.size,
        mime_type: typeOf(file)
      })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 409 && body.error === 'uploads_not_open') waitForOpening(true);
        else if (response.status === 409) closeUploads();
        if (response.status === 410) cancelUploads();
        if (!response.ok) throw new Error(body.message || 'The upload could not start (' + response.status + ').');
        return body;
      });
    }, function () {
      throw new Error('No connection. Please try again when you have signal.');
    });
  }

  // Multipart POST straight to the storage bucket: the signed fields first, the file last.
  function send(target, file) {
    return new Promise(function (resolve, reject) {
      var form = new FormData();
      Object.keys(target.fields).forEach(function (name) { form.append(name, target.fields[name]); });
      form.append('file', file);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', target.url);
      xhr.upload.onprogress = function (event) { if (event.lengthComputable) setProgress(event.loaded / event.total); };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(new Error('The upload was refused (' + xhr.status + '). Please try again.'));
      };
      xhr.onerror = function () { reject(new Error('The connection dropped during the upload. Please try again.')); };
      xhr.send(form);
    });
  }

  function showFinished(file, key) {
    var item = document.createElement('li');
    item.setAttribute('data-key', key);
    var name = document.createElement('span');
    name.className = 'file-name';
    name.textContent = file.name;
    var size = document.createElement('span');
    size.className = 'file-size';
    size.textContent = sizeInWords(file.size);
    item.appendChild(name);
    item.appendChild(size);
    list.appendChild(item);
    listHeading.hidden = false;
  }

  function uploadOne(file) {
    if (!stillOpen() || Date.now() < opensAt) return Promise.resolve();
    currentName.textContent = file.name;
    setProgress(0);
    current.hidden = false;
    return presign(file)
      .then(function (target) {
        return send(target, file).then(function () { setProgress(1); showFinished(file, target.key); });
      })
      .catch(function (error) { showProblem(file.name + ': ' + error.message); });
  }

  var queue = Promise.resolve();
  input.addEventListener('change', function () {
    var files = Array.prototype.slice.call(input.files || []);
    input.value = '';
    if (files.length) showProblem('');
    files.forEach(function (file) { queue = queue.then(function () { return uploadOne(file); }); });
    queue = queue.then(function () { current.hidden = true; });
  });
})();
`;
