// Votes (consult/votes): a ballot is sent without leaving the page and answered with the receipt code; when a
// vote opens, closes or is cancelled (``vote:changed``), its panel is fetched again in the reader's language.
// The panel never holds a count before the close: there is none to show.
(function () {
  'use strict';

  function text(el, value) { if (el) { el.textContent = value; } }

  function fetchHtml(url, target) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { target.innerHTML = html; } });
  }

  function roomBody() { return document.getElementById('room-votes-body'); }

  function refresh(voteId) {
    var body = roomBody();
    var section = document.getElementById('room-votes');
    if (body && section) { return fetchHtml(section.dataset.panelsUrl, body); }
    var page = document.querySelector('[data-vote-page="' + voteId + '"]');
    var panel = page && page.querySelector('.vote-panel');
    if (page && panel) { return fetchHtml(panel.dataset.panelUrl, page); }
    return null;
  }

  // Ballots and steps: sent with fetch; the answer (receipt or refusal) is shown on the form.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form.matches('form[data-vote-ballot]') || form.matches('form[data-vote-step]'))) { return; }
    event.preventDefault();
    var answer = form.querySelector('.vote-answer');
    var button = form.querySelector('button[type="submit"]');
    if (button) { button.disabled = true; }
    fetch(form.action, {
      method: 'POST', body: new FormData(form), credentials: 'same-origin',
      headers: { Accept: form.matches('[data-vote-ballot]') ? 'application/json' : 'text/html' }
    }).then(function (r) {
      if (!form.matches('[data-vote-ballot]')) { return refresh(form.closest('.vote-panel').dataset.vote); }
      return r.json().then(function (data) {
        if (data.ok) {
          var done = document.createElement('div');
          done.className = 'notice receipt';
          done.setAttribute('role', 'status');
          done.innerHTML = '<p></p><p class="receipt-code"><strong></strong></p><p class="help"></p>';
          var labels = form.closest('.vote-panel').dataset;
          text(done.children[0], labels.tCast);
          text(done.querySelector('strong'), data.receipt);
          text(done.children[2], labels.tKeep);
          form.replaceWith(done);
        } else {
          text(answer, data.message);
          if (button) { button.disabled = false; }
        }
      });
    }).catch(function () {
      if (button) { button.disabled = false; }
      text(answer, form.closest('.vote-panel').dataset.tOffline);
    });
  });

  function start() {
    var socket = window.consultSocket;
    var body = roomBody();
    if (body) { refresh(); }
    if (!socket) { return; }
    socket.on('vote:changed', function (e) { refresh(e.vote); });
    var page = document.querySelector('[data-vote-page]');
    if (page) {
      var join = function () { socket.emit('vote:join', { vote: Number(page.dataset.votePage) }); };
      socket.on('connect', join);
      if (socket.connected) { join(); }
    }
  }

  document.addEventListener('DOMContentLoaded', start);
})();
