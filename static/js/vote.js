// Votes (consult/votes), on a vote's page and in the live room. A ballot goes by the page's socket (`vote:cast`,
// answered with the receipt code; `channel: online` from the vote page) while it is connected, else by fetch. A ballot
// whose answer was lost (no acknowledgement in time, the network dropped) is sent again as it was: the server
// keeps one ballot per voter and answers the repeat `already_voted`, shown as "your ballot was already received".
// When a vote opens, closes or is cancelled (`vote:changed`), its panel (the vote page) or the meeting's votes
// (the room) are fetched again in the reader's language; the receipt codes shown on this page stay. The pages
// never hold a count before the close: there is none to show.
(function () {
  'use strict';

  var ACK_TIMEOUT = 8000;
  var TRIES = 3;
  var RETRYABLE = ['timeout', 'unavailable', 'server_error', 'rate_limited'];
  var receipts = {};   // vote id -> [{code, who}]: shown again after each refresh (this page only, never stored)
  var unfolded = {};   // vote id -> true: results closed while this page was open, or unfolded by the reader
  var drawn = 0;       // the latest refresh asked for: an older answer arriving late is dropped
  // Refusals of vote events come with an `error` event too; the live room's chat line leaves those to the ballot.
  window.consultVotePending = 0;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function connected() {
    var socket = window.consultSocket;
    return socket && socket.connected ? socket : null;
  }

  function say(form, text) {
    var answer = form.querySelector('.vote-answer');
    if (answer) { answer.textContent = text || ''; }
  }

  function busy(form, on) {
    form.setAttribute('aria-busy', on ? 'true' : 'false');
    form.querySelectorAll('button[type="submit"]').forEach(function (b) { b.disabled = on; });
  }

  // Where the votes are drawn: the room's list of the meeting's votes, or the vote page's panel.
  function place() {
    var body = document.getElementById('room-votes-body');
    var section = document.getElementById('room-votes');
    if (body && section) { return { node: body, url: section.dataset.panelsUrl, room: section }; }
    var page = document.querySelector('[data-vote-page]');
    return page ? { node: page, url: page.dataset.panelUrl, room: null } : null;
  }

  // What the reader was doing survives a refresh: choices made but not cast, folded results, the focus.
  function keep(node) {
    var active = document.activeElement && node.contains(document.activeElement) ? document.activeElement : null;
    var panel = active && active.closest('.vote-panel');
    var kept = { forms: {}, focus: active && active.id, panel: panel && panel.id };
    node.querySelectorAll('form[data-vote-ballot]').forEach(function (form) {
      kept.forms[form.id] = Array.prototype.map.call(form.querySelectorAll('input[name="choice"], select'), function (input) {
        return input.tagName === 'SELECT' ? input.value : input.checked;
      });
    });
    node.querySelectorAll('details[data-vote]').forEach(function (d) { if (d.open) { unfolded[d.dataset.vote] = true; } });
    return kept;
  }

  function restore(node, kept) {
    Object.keys(kept.forms).forEach(function (id) {
      var form = document.getElementById(id);
      if (!form) { return; }
      var values = kept.forms[id];
      form.querySelectorAll('input[name="choice"], select').forEach(function (input, i) {
        if (i >= values.length) { return; }
        if (input.tagName === 'SELECT') { input.value = values[i]; } else { input.checked = values[i]; }
      });
    });
    node.querySelectorAll('details[data-vote]').forEach(function (d) { if (unfolded[d.dataset.vote]) { d.open = true; } });
    var focus = (kept.focus && document.getElementById(kept.focus)) || (kept.panel && document.getElementById(kept.panel));
    if (focus) { focus.focus({ preventScroll: true }); }
  }

  function receiptBox(data, code, who) {
    var box = el('div', null, 'receipt');
    box.setAttribute('role', 'status');
    box.tabIndex = -1;
    box.dataset.code = code;
    box.appendChild(el('p', (who ? who + ' · ' : '') + data.tCast, 'receipt-lead'));
    var line = el('p', null, 'receipt-code');
    line.appendChild(el('code', code));
    box.appendChild(line);
    var copy = el('button', data.tCopy, 'secondary copy-receipt');
    copy.type = 'button';
    copy.dataset.code = code;
    copy.dataset.copied = data.tCopied;
    copy.dataset.copyFailed = data.tCopyFailed;
    var actions = el('p', null, 'receipt-actions');
    actions.appendChild(copy);
    var status = el('span', null, 'copy-status');
    status.setAttribute('aria-live', 'polite');
    actions.appendChild(status);
    box.appendChild(actions);
    box.appendChild(el('p', data.tKeep, 'help'));
    return box;
  }

  // The codes received on this page, in their vote's panel (after the close too, to check them).
  function showReceipts(node) {
    Object.keys(receipts).forEach(function (id) {
      var panel = node.querySelector('#vote-panel-' + id);
      if (!panel) { return; }
      var after = panel.querySelector('.vote-question') || panel.querySelector('.vote-secrecy');
      receipts[id].forEach(function (r) {
        if (panel.querySelector('.receipt[data-code="' + r.code + '"]')) { return; }
        var box = receiptBox(panel.dataset, r.code, r.who);
        box.removeAttribute('role');
        after.parentNode.insertBefore(box, after.nextSibling);
      });
      var check = panel.querySelector('#code-' + id);
      if (check && !check.value && receipts[id].length === 1) { check.value = receipts[id][0].code; }
    });
  }

  // The room's section shows when there is a vote (or for the chair); the bar says when a ballot waits.
  function showSection(where) {
    if (!where.room) { return; }
    var list = where.node.querySelector('.room-vote-list');
    var any = list && list.dataset.count !== '0';
    where.room.hidden = !any && !(list && list.dataset.prepares === 'yes');
    var now = document.getElementById('vote-now');
    if (now) { now.hidden = !where.node.querySelector('form[data-vote-ballot]'); }
  }

  function refresh() {
    var where = place();
    if (!where) { return Promise.resolve(); }
    var mine = ++drawn;
    return fetch(where.url, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || mine !== drawn) { return; }
        var kept = keep(where.node);
        where.node.innerHTML = html;
        restore(where.node, kept);
        showReceipts(where.node);
        showSection(where);
      })
      .catch(function () { /* the next change or reconnection draws it */ });
  }

  function announce(change) {
    var live = document.getElementById('votes-announce');
    var panel = document.getElementById('vote-panel-' + change.vote);
    if (!live || !panel) { return; }
    var title = (panel.querySelector('.vote-title, [id^="vote-title-"]') || {}).textContent || '';
    var words = { open: live.dataset.tOpened, closed: live.dataset.tClosed, cancelled: live.dataset.tCancelled }[change.status];
    if (!words) { return; }
    var summary = change.status === 'closed' && panel.querySelector('.result-summary');
    live.textContent = words.replace('{title}', title.trim()) + (summary ? ' ' + summary.textContent.trim() : '');
  }

  // The ballot as the server takes it: option positions, a ranking in order of preference.
  function choiceOf(form) {
    if (form.dataset.kind !== 'ranked') {
      return { list: Array.prototype.map.call(form.querySelectorAll('input[name="choice"]:checked'), function (i) { return Number(i.value); }) };
    }
    var byRank = {};
    var repeated = false;
    form.querySelectorAll('select[data-position]').forEach(function (select) {
      if (!select.value) { return; }
      if (byRank[select.value] !== undefined) { repeated = true; }
      byRank[select.value] = Number(select.dataset.position);
    });
    if (repeated) { return { error: 'tRankRepeated' }; }
    var list = [];
    for (var rank = 1; byRank[rank] !== undefined; rank += 1) { list.push(byRank[rank]); }
    return list.length === Object.keys(byRank).length ? { list: list } : { error: 'tRankGap' };
  }

  // The page's own id for this ballot, the same for its resends: a resend whose first answer was lost is answered
  // with the same receipt (the server recognises it; it keeps no link between the id and the choice).
  function clientId(form) {
    if (!form.dataset.clientId) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      form.dataset.clientId = Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
    }
    return form.dataset.clientId;
  }

  function who(form) {
    return form.dataset.for ? form.querySelector('legend').textContent.trim() : '';
  }

  function cast(form) {
    var data = form.closest('.vote-panel').dataset;
    var choice = choiceOf(form);
    if (choice.error) { say(form, data[choice.error]); return; }
    var payload = { vote: Number(form.dataset.voteBallot), choice: choice.list, client_id: clientId(form) };
    if (form.dataset.for) { payload['for'] = Number(form.dataset.for); }
    busy(form, true);
    say(form, data.tSending);
    // Ballots go by the page's socket while it is connected (cast in the room, or on the vote page), else by fetch.
    if (!form.querySelector('input[name="channel"][value="room"]')) { payload.channel = 'online'; }
    send(form, payload, 1);
  }

  function send(form, payload, attempt) {
    var socket = connected();
    if (!socket) { castByFetch(form); return; }
    window.consultVotePending += 1;
    socket.timeout(ACK_TIMEOUT).emit('vote:cast', payload, function (err, ack) {
      window.consultVotePending = Math.max(0, window.consultVotePending - 1);
      if (!form.isConnected || form.dataset.done) { return; }
      var code = err ? 'timeout' : (ack && ack.code);
      if (!(ack && ack.ok) && RETRYABLE.indexOf(code) >= 0) {
        form.dataset.unsure = 'yes';  // it may have been counted: a repeat answered already_voted says so
        if (attempt < TRIES) { setTimeout(function () { send(form, payload, attempt + 1); }, 1000 * attempt); return; }
        offline(form);
        return;
      }
      answered(form, ack);
    });
  }

  function castByFetch(form) {
    var body = new FormData(form);
    body.set('client_id', clientId(form));
    window.consultFetch(form.action, { method: 'POST', body: body })
      .then(function (r) { return r.json().catch(function () { return { ok: false, code: 'http_' + r.status }; }); })
      .then(function (ack) {
        if (!ack.ok && RETRYABLE.indexOf(ack.code) >= 0) { form.dataset.unsure = 'yes'; }
        answered(form, ack);
      })
      .catch(function () { form.dataset.unsure = 'yes'; offline(form); });
  }

  function offline(form) {
    busy(form, false);
    say(form, form.closest('.vote-panel').dataset.tOffline);
  }

  function answered(form, ack) {
    var panel = form.closest('.vote-panel');
    var data = panel.dataset;
    if (ack.ok) {
      form.dataset.done = 'yes';
      var id = data.vote;
      (receipts[id] = receipts[id] || []).push({ code: ack.receipt, who: who(form) });
      var box = receiptBox(data, ack.receipt, who(form));
      form.replaceWith(box);
      box.focus();
      showSection(place() || {});
      return;
    }
    if (ack.code === 'already_voted' && form.dataset.unsure) {
      form.dataset.done = 'yes';
      var note = el('p', data.tReceived, 'notice vote-received');
      note.setAttribute('role', 'status');
      note.tabIndex = -1;
      form.replaceWith(note);
      note.focus();
      showSection(place() || {});
      return;
    }
    busy(form, false);
    say(form, ack.message || data.tOffline);
  }

  // The chair's steps: by socket in the room (or wherever it is connected), else by fetch; then drawn again.
  function step(form) {
    var vote = Number(form.closest('.vote-panel').dataset.vote);
    var name = form.dataset.voteStep;
    var finish = function (ack) {
      busy(form, false);
      if (ack && ack.ok) { refresh(); return; }
      say(form, (ack && ack.message) || form.closest('.vote-panel').dataset.tOffline);
    };
    var byFetch = function () {
      window.consultFetch(form.action, { method: 'POST', body: new FormData(form) })
        .then(function (r) { return r.json().catch(function () { return null; }); })
        .then(finish).catch(function () { finish(null); });
    };
    busy(form, true);
    say(form, '');
    var socket = connected();
    if (!socket) { byFetch(); return; }
    window.consultVotePending += 1;
    socket.timeout(ACK_TIMEOUT).emit('vote:' + name, { vote: vote }, function (err, ack) {
      window.consultVotePending = Math.max(0, window.consultVotePending - 1);
      if (err) { byFetch(); } else { finish(ack); }
    });
  }

  // A form's own submit is replaced (registered before site.js's handlers, which leave prevented ones alone).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented) { return; }
    if (form.matches('form[data-vote-ballot]')) { event.preventDefault(); cast(form); }
    if (form.matches('form[data-vote-step]')) { event.preventDefault(); step(form); }
  });

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.copy-receipt');
    if (!button) { return; }
    var status = button.parentNode.querySelector('.copy-status');
    var code = button.closest('.receipt').querySelector('.receipt-code code');
    var copied = function () { if (status) { status.textContent = button.dataset.copied; } };
    var select = function () {
      window.getSelection().selectAllChildren(code);
      if (status) { status.textContent = button.dataset.copyFailed; }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(button.dataset.code).then(copied, select);
    } else {
      select();
    }
  });

  document.addEventListener('toggle', function (event) {
    var d = event.target;
    if (d.matches && d.matches('details[data-vote]')) { unfolded[d.dataset.vote] = d.open; }
  }, true);

  function start() {
    var where = place();
    if (!where) { return; }
    var socket = window.consultSocket;
    var pageVote = where.room ? null : Number(where.node.dataset.votePage);
    var meeting = where.room ? Number(where.room.dataset.meeting) : null;
    if (where.room) { refresh(); }
    if (!socket) { return; }
    socket.on('vote:changed', function (change) {
      if (where.room ? change.meeting !== meeting : change.vote !== pageVote) { return; }
      if (change.status === 'closed') { unfolded[change.vote] = true; }
      refresh().then(function () { announce(change); });
    });
    var seen = socket.connected;
    var follow = function () {
      var again = seen;
      seen = true;
      if (where.room) {
        if (again) { refresh(); }  // what changed while the page was away
        return;
      }
      socket.emit('vote:join', { vote: pageVote }, function (ack) {
        var panel = where.node.querySelector('.vote-panel');
        if (ack && ack.ok && panel && panel.dataset.status !== ack.status) { refresh(); }
      });
    };
    socket.on('connect', follow);
    if (socket.connected) { seen = false; follow(); }
  }

  document.addEventListener('DOMContentLoaded', start);
})();
