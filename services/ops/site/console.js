/*
 * The ops console's script (served by OpsSiteDistribution at /console.js; the CSP allows the site's own script and
 * nothing else). Dependency-free: it asks for the dashboard token once, keeps it in sessionStorage (this tab only,
 * gone when the tab closes), reads the ops API on the same origin (/ops/*, the distribution's second origin), and
 * builds every element with textContent, so nothing a partner or a crew member wrote can become markup.
 */
(function () {
  'use strict';
  var TOKEN_KEY = 'charter-ops-token';
  var MARINA_ZONE = 'America/Los_Angeles';
  var REFRESH_MS = 60000;
  var LONG_DAY = { weekday: 'long', month: 'long', day: 'numeric' };
  var FULL_DAY = { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' };
  var byId = function (id) {
    return document.getElementById(id);
  };
  var state = { token: null, from: null, timer: null };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function marinaToday() {
    var format = { timeZone: MARINA_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' };
    var parts = new Intl.DateTimeFormat('en-CA', format).formatToParts(new Date());
    var get = function (type) {
      return parts.filter(function (p) {
        return p.type === type;
      })[0].value;
    };
    return get('year') + '-' + get('month') + '-' + get('day');
  }
  function addDays(date, days) {
    var d = new Date(date + 'T12:00:00Z');
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }
  function dayWords(date, options) {
    var format = new Intl.DateTimeFormat('en-US', Object.assign({ timeZone: 'UTC' }, options));
    return format.format(new Date(date + 'T12:00:00Z'));
  }
  function instantWords(iso, zone) {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: zone || MARINA_ZONE,
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      second: '2-digit',
    }).format(new Date(iso));
  }
  function ago(iso) {
    var minutes = Math.round((Date.now() - Date.parse(iso)) / 60000);
    if (minutes < 1) return 'just now';
    if (minutes < 90) return minutes + ' min ago';
    var hours = Math.round(minutes / 60);
    if (hours < 48) return hours + ' h ago';
    return Math.round(hours / 24) + ' days ago';
  }

  function api(path, token) {
    var sent = token || state.token;
    var headers;
    try {
      headers = new Headers({ 'X-Dashboard-Token': sent });
    } catch {
      // A header carries Latin-1 only: a token with other characters is not one this stage gave out.
      if (sent === state.token) signOut('That token is not valid for this stage.');
      return Promise.reject(new Error('signed out'));
    }
    return fetch(path, { headers: headers, cache: 'no-store', credentials: 'omit' }).then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            if (response.status === 401 || response.status === 403) {
              // A late answer to a token already replaced says nothing about the one in use.
              if (sent === state.token) signOut(body.message || 'The token was refused.');
              throw new Error('signed out');
            }
            if (!response.ok) {
              var error = new Error(body.message || 'The server answered ' + response.status + '.');
              error.status = response.status;
              throw error;
            }
            return body;
          });
      },
      function () {
        throw new Error('No connection to the ops API. It will try again in a minute.');
      },
    );
  }

  function showSignIn(message) {
    byId('app').hidden = true;
    byId('sign-out').hidden = true;
    byId('sign-in').hidden = false;
    var problem = byId('token-error');
    problem.textContent = message || '';
    problem.hidden = !message;
    byId('token').focus();
  }
  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    if (state.timer) clearInterval(state.timer);
    state.timer = null;
    showSignIn(message);
  }
  function start() {
    byId('sign-in').hidden = true;
    byId('app').hidden = false;
    byId('sign-out').hidden = false;
    if (!state.timer)
      state.timer = setInterval(function () {
        if (!document.hidden) route();
      }, REFRESH_MS);
    route();
  }

  function route() {
    var match = /^#\/booking\/([A-Za-z0-9_-]{3,64})$/.exec(location.hash);
    byId('week').hidden = !!match;
    byId('booking').hidden = !match;
    if (match) return showBooking(match[1]);
    window.scrollTo(0, 0);
    loadWeek();
    loadHealth();
    loadDeadLetters();
  }

  function failed(container, error) {
    if (error.message === 'signed out') return;
    clear(container);
    add(container, el('p', 'problem', error.message));
  }

  function badgeOf(b) {
    if (b.readiness.state === 'cancelled') return ['cancelled', 'Cancelled'];
    if (b.readiness.state === 'ready') return ['ready', 'Ready'];
    var blocking = b.problems.some(function (p) {
      return p.severity === 'blocking';
    });
    return [blocking ? 'blocked' : 'not_ready', blocking ? 'Problem' : 'Not ready'];
  }
  function chip(text, className) {
    return el('span', 'chip ' + className, text);
  }
  function todo(text) {
    return text ? el('small', 'todo', 'What to do: ' + text) : null;
  }

  /** A link only to https, or to the local cloud's own plain-http 127.0.0.1 when this console is the local one. */
  function safeHref(url) {
    var parsed;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    if (parsed.protocol === 'https:') return parsed.href;
    var local = location.hostname === '127.0.0.1' && parsed.protocol === 'http:' && parsed.hostname === '127.0.0.1';
    return local ? parsed.href : null;
  }

  function charterCard(b) {
    var badge = badgeOf(b);
    var item = el('li', 'charter ' + badge[0]);
    item.setAttribute('data-booking', b.booking_id);
    var link = add(el('a'));
    link.href = '#/booking/' + encodeURIComponent(b.booking_id);
    var facts = b.booking;
    add(
      link,
      add(
        el('div', 'charter-top'),
        el('span', 'time', facts ? facts.charter_start + '\u2013' + facts.charter_end : 'time unknown'),
        el('span', 'badge ' + badge[0], badge[1]),
      ),
    );
    add(link, el('div', 'charter-title', facts ? facts.vessel + ' \u00b7 ' + facts.guest_name : b.booking_id));
    var meta = [facts ? facts.guest_count + ' guests' : null, b.owner, b.booking_id].filter(Boolean).join(' \u00b7 ');
    add(link, el('div', 'meta', meta));
    if (b.readiness.state !== 'cancelled') {
      // Only what is not done yet gets a chip of its own: a ready charter reads as one line.
      var chips = el('div', 'chips');
      [
        ['Guest page', b.guest_page],
        ['Crew event', b.crew_event],
        ['Calendar', b.calendar],
      ].forEach(function (step) {
        if (step[1].state !== 'done') add(chips, chip(step[0] + ' ' + step[1].state, step[1].state));
      });
      if (b.truncated) add(chips, chip('timeline too long: partly read', 'pending'));
      var allIn = b.confirmed.of > 0 && b.confirmed.count === b.confirmed.of;
      add(chips, chip('Crew ' + b.confirmed.count + '/' + b.confirmed.of + ' confirmed', allIn ? 'confirmed' : 'none'));
      add(link, chips);
      var problems = b.problems.filter(function (p) {
        return p.severity === 'blocking';
      });
      var lines = problems
        .map(function (p) {
          return ['blocking', p.message];
        })
        .concat(
          b.readiness.missing.map(function (m) {
            return ['', m];
          }),
        );
      if (lines.length) {
        var list = el('ul', 'missing');
        lines.slice(0, 4).forEach(function (line) {
          add(list, el('li', line[0], line[1]));
        });
        if (lines.length > 4) add(list, el('li', '', '+' + (lines.length - 4) + ' more'));
        add(link, list);
      }
    }
    return add(item, link);
  }

  function loadWeek() {
    var from = state.from || marinaToday();
    state.from = from;
    var to = addDays(from, 6);
    byId('range-label').textContent =
      dayWords(from, { month: 'short', day: 'numeric' }) +
      ' \u2013 ' +
      dayWords(to, { month: 'short', day: 'numeric' });
    return api('/ops/bookings?from=' + from + '&to=' + to)
      .then(function (body) {
        var days = clear(byId('days'));
        var ready = body.bookings.filter(function (b) {
          return b.readiness.state === 'ready';
        }).length;
        var live = body.bookings.filter(function (b) {
          return b.readiness.state !== 'cancelled';
        }).length;
        byId('summary').textContent =
          body.count === 0
            ? 'No charters in these seven days.'
            : live +
              (live === 1 ? ' charter: ' : ' charters: ') +
              ready +
              ' ready, ' +
              (live - ready) +
              ' not ready' +
              (body.count > live ? ' (' + (body.count - live) + ' cancelled)' : '');
        var today = marinaToday();
        for (var i = 0; i < 7; i++) {
          var date = addDays(from, i);
          var onDay = body.bookings.filter(function (b) {
            return b.charter_date === date;
          });
          var section = el('section', 'day');
          section.setAttribute('data-date', date);
          var heading = add(
            el('h2', date === today ? 'today' : ''),
            el('span', '', dayWords(date, LONG_DAY) + (date === today ? ' (today)' : '')),
            el('small', '', onDay.length ? onDay.length + (onDay.length === 1 ? ' charter' : ' charters') : ''),
          );
          add(section, heading);
          if (!onDay.length) add(section, el('p', 'empty', 'No charters.'));
          else
            add(
              section,
              onDay.reduce(
                function (list, b) {
                  return add(list, charterCard(b));
                },
                el('ul', 'charters'),
              ),
            );
          add(days, section);
        }
      })
      .catch(function (error) {
        failed(byId('days'), error);
      });
  }

  function loadHealth() {
    return api('/ops/health')
      .then(function (body) {
        var alerts = clear(byId('alerts'));
        // An alert stands while its silence lasts; once the partner publishes again it is resolved and not shown.
        body.alerts
          .filter(function (a) {
            return a.current;
          })
          .forEach(function (a) {
            add(alerts, el('p', 'notice', a.message + ' (' + ago(a.raised_at) + ')'));
          });
        var list = clear(byId('partner-list'));
        if (!body.partners.length) add(list, el('p', 'empty', 'No partner has published yet.'));
        body.partners.forEach(function (p) {
          var row = el('div', 'partner');
          row.setAttribute('data-partner', p.partner);
          var silence =
            p.silence.kind === 'silent'
              ? [
                  'silent ' + Math.floor(p.silence.quiet_hours) + ' h (limit ' + p.silence.limit_hours + ' h)',
                  'overdue',
                ]
              : p.silence.kind === 'publishing'
                ? ['publishing', 'done']
                : ['not watched', ''];
          // Names no partner has share one row: requests anyone could send, shown with the last few names tried.
          var unknown = p.partner === '(unknown)';
          add(
            row,
            add(
              el('div'),
              el('span', 'name', unknown ? 'Not onboarded (any name) ' : p.partner + ' '),
              unknown ? chip('refused', '') : chip(silence[0], silence[1]),
            ),
          );
          if (unknown) {
            add(
              row,
              el(
                'div',
                'meta',
                'Names tried lately: ' +
                  (p.recent_names || [])
                    .map(function (n) {
                      return n.name;
                    })
                    .join(', '),
              ),
            );
          } else {
            add(
              row,
              el(
                'div',
                'meta',
                p.last_accepted
                  ? 'Last booking event: ' +
                      p.last_accepted.detail_type +
                      ' ' +
                      p.last_accepted.booking_id +
                      ', ' +
                      ago(p.last_accepted.at)
                  : 'No booking event accepted yet',
              ),
            );
          }
          if (p.last_refused) {
            add(
              row,
              el(
                'div',
                'meta',
                'Last refused: ' +
                  p.last_refused.reason +
                  (p.last_refused.status ? ' (' + p.last_refused.status + ')' : '') +
                  ', ' +
                  ago(p.last_refused.at) +
                  ' \u00b7 ' +
                  p.refused_last_day +
                  ' refused in the last day',
              ),
            );
          }
          add(list, row);
        });
      })
      .catch(function (error) {
        failed(byId('partner-list'), error);
      });
  }

  function loadDeadLetters() {
    return api('/ops/dead-letters')
      .then(function (body) {
        var list = clear(byId('letter-list'));
        byId('letter-count').textContent = body.count ? '(' + body.count + ')' : '';
        if (!body.count) add(list, el('p', 'empty', 'No dead letters. Every event was processed.'));
        var held = body.queues.filter(function (q) {
          return q.total > 0;
        });
        if (held.length) {
          add(
            list,
            el(
              'p',
              'meta queues',
              held
                .map(function (q) {
                  return q.service + ' ' + q.total + (q.listed < q.total ? ' (' + q.listed + ' shown)' : '');
                })
                .join(' · '),
            ),
          );
        }
        body.dead_letters.forEach(function (d) {
          var row = el('div', 'letter');
          add(
            row,
            add(
              el('div'),
              el('strong', '', d.service + ' '),
              el('span', 'meta', d.function_name + ', ' + ago(d.failed_at)),
            ),
          );
          if (d.booking_id) {
            var link = el('a', '', 'booking ' + d.booking_id);
            link.href = '#/booking/' + encodeURIComponent(d.booking_id);
            var held = d.event ? ' \u00b7 ' + d.event.detail_type + ' from ' + d.event.source : '';
            add(row, add(el('div', 'meta'), link, document.createTextNode(held)));
          }
          add(row, el('div', 'why', (d.code === 'not_owner' ? 'not_owner: ' : d.error_type + ': ') + d.reason));
          add(row, todo(d.what_to_do));
          add(list, row);
        });
      })
      .catch(function (error) {
        failed(byId('letter-list'), error);
      });
  }

  function showBooking(id) {
    var view = clear(byId('booking-view'));
    add(view, el('p', 'empty', 'Loading ' + id + '\u2026'));
    window.scrollTo(0, 0);
    return api('/ops/bookings/' + encodeURIComponent(id))
      .then(function (body) {
        renderBooking(clear(view), body.status, body.timeline, body.truncated);
      })
      .catch(function (error) {
        failed(view, error);
      });
  }

  function facts(rows) {
    var list = el('dl', 'facts');
    rows.forEach(function (row) {
      if (row[1]) add(list, el('dt', '', row[0]), el('dd', '', row[1]));
    });
    return list;
  }

  function kindOf(notice) {
    return notice ? ' (' + notice.kind + ')' : '';
  }

  function renderBooking(view, s, timeline, truncated) {
    var b = s.booking;
    var zone = b ? b.timezone : MARINA_ZONE;
    var badge = badgeOf(s);
    var card = el('section', 'card');
    add(
      card,
      add(
        el('div', 'charter-top'),
        el('h1', '', b ? b.vessel + ' \u00b7 ' + b.guest_name : s.booking_id),
        el('span', 'badge ' + badge[0], badge[1]),
      ),
    );
    add(
      card,
      facts([
        ['When', b ? dayWords(b.charter_date, FULL_DAY) + ', ' + b.charter_start + '\u2013' + b.charter_end : ''],
        ['Where', b ? b.location : ''],
        ['Guests', b ? String(b.guest_count) : ''],
        [
          'Booking',
          s.booking_id + (s.owner ? ' from ' + s.owner : '') + (s.revision ? ', revision ' + s.revision : ''),
        ],
        [
          'Cancelled',
          s.cancelled ? instantWords(s.cancelled.at, zone) + (s.cancelled.by ? ' by ' + s.cancelled.by : '') : '',
        ],
      ]),
    );
    add(view, card);
    if (truncated) {
      add(
        view,
        el(
          'p',
          'notice truncated',
          'This booking has more events than the console reads at once: its first ' +
            'and its latest are shown, and its status is read from those. The partners’ refusals below say why.',
        ),
      );
    }

    if (s.problems.length) {
      var wrong = add(el('section', 'card'), el('h2', '', 'What went wrong'));
      var problems = el('ul', 'problems');
      s.problems.forEach(function (p) {
        var when = p.at ? el('small', '', instantWords(p.at, zone)) : null;
        add(problems, add(el('li', p.severity), document.createTextNode(p.message), when, todo(p.what_to_do)));
      });
      add(view, add(wrong, problems));
    }
    if (s.readiness.missing.length) {
      var coming = add(el('section', 'card'), el('h2', '', 'Still to come'));
      var missing = el('ul', 'missing');
      s.readiness.missing.forEach(function (m) {
        add(missing, el('li', '', m));
      });
      add(view, add(coming, missing));
    }

    var stepsCard = add(el('section', 'card'), el('h2', '', 'Steps'));
    var steps = el('dl', 'facts');
    [
      ['Guest page', s.guest_page],
      ['Crew event', s.crew_event],
      ['Calendar', s.calendar],
    ].forEach(function (row) {
      var status = row[1];
      var value = add(el('dd'), chip(status.state, status.state));
      if (status.revision) value.appendChild(document.createTextNode(' revision ' + status.revision + ' '));
      var href = row[0] === 'Guest page' && status.detail ? safeHref(status.detail) : null;
      if (href) {
        var open = el('a', '', 'open the page');
        open.href = href;
        open.rel = 'noopener noreferrer';
        open.target = '_blank';
        add(value, open);
      } else if (row[0] === 'Guest page' && status.detail) {
        add(value, el('span', 'meta', status.detail));
      } else if (row[0] === 'Calendar' && status.detail) add(value, el('span', 'meta', status.detail));
      add(steps, el('dt', '', row[0]), value);
    });
    add(view, add(stepsCard, steps));

    var crewCard = el('section', 'card');
    add(crewCard, el('h2', '', 'Crew (' + s.confirmed.count + ' of ' + s.confirmed.of + ' confirmed)'));
    if (!s.crew.length) add(crewCard, el('p', 'empty', 'No crew event yet.'));
    s.crew.forEach(function (m) {
      var row = el('div', 'member');
      row.setAttribute('data-member', m.member_id);
      var role = el('small', '', m.role + ' \u00b7 ' + m.email);
      add(row, add(el('div', 'who'), document.createTextNode(m.name + ' '), role));
      var answer = m.answer === 'none' ? 'not confirmed' : m.answer;
      var told = m.notice === 'noticed' ? 'told' + kindOf(m.last_notice) : 'notice ' + m.notice;
      // A notice SES could not deliver did not tell anyone: the chip says so, in red, not a green "told".
      var undelivered = m.email_outcome && m.email_outcome !== 'delivered';
      add(
        row,
        add(
          el('div', 'chips'),
          undelivered ? chip(told + ', email ' + m.email_outcome, m.email_outcome) : chip(told, m.notice),
          chip(answer, m.answer),
          m.email_outcome === 'delivered' ? chip('email delivered', 'delivered') : null,
        ),
      );
      if (m.decline_reason) add(row, el('div', 'meta', '\u201c' + m.decline_reason + '\u201d'));
      if (m.email_detail && m.email_outcome !== 'delivered') add(row, el('div', 'meta', m.email_detail));
      add(crewCard, row);
    });
    add(view, crewCard);

    var timelineCard = el('section', 'card');
    add(timelineCard, el('h2', '', 'Timeline'));
    var list = el('ol', 'timeline');
    timeline.forEach(function (entry) {
      var bad = entry.kind === 'Email' && entry.facts.outcome !== 'delivered';
      var item = el('li', entry.kind + (bad ? ' bad' : ''));
      item.setAttribute('data-kind', entry.kind);
      var when = el('time', '', instantWords(entry.at, zone));
      when.setAttribute('datetime', entry.at);
      add(item, when, add(el('span'), el('span', 'svc', entry.service), document.createTextNode(entry.text)));
      add(list, item);
    });
    add(timelineCard, list);
    add(view, timelineCard);
  }

  byId('token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var value = byId('token').value.trim();
    if (!value) return;
    byId('token').value = '';
    // One request tries the token before it is kept and the console reads everything with it.
    api('/ops/health', value).then(
      function () {
        state.token = value;
        sessionStorage.setItem(TOKEN_KEY, value);
        start();
      },
      function (error) {
        showSignIn(error.message === 'signed out' ? 'That token is not valid for this stage.' : error.message);
      },
    );
  });
  byId('sign-out').addEventListener('click', function () {
    signOut('Signed out. The token is forgotten in this tab.');
  });
  function moveWeek(days) {
    return function () {
      state.from = addDays(state.from || marinaToday(), days);
      loadWeek();
    };
  }
  byId('prev').addEventListener('click', moveWeek(-7));
  byId('next').addEventListener('click', moveWeek(7));
  byId('this-week').addEventListener('click', function () {
    state.from = marinaToday();
    loadWeek();
  });
  byId('back').addEventListener('click', function () {
    location.hash = '';
  });
  window.addEventListener('hashchange', function () {
    if (state.token) route();
  });

  state.token = sessionStorage.getItem(TOKEN_KEY);
  if (state.token) start();
  else showSignIn('');
})();
