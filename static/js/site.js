// Site-wide behaviour. No inline script anywhere: the CSP allows scripts from this origin only.
(function () {
  'use strict';

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  // Every fetch from our pages carries the CSRF token, as forms do.
  window.consultFetch = function (url, options) {
    options = options || {};
    options.headers = Object.assign({ 'X-CSRFToken': csrfToken(), 'Accept': 'application/json' }, options.headers || {});
    options.credentials = 'same-origin';
    return fetch(url, options);
  };

  function connectLive() {
    var status = document.getElementById('live-status');
    if (!document.body.dataset.user || typeof io === 'undefined') { return; }
    var socket = io({ auth: { csrf_token: csrfToken() } });
    window.consultSocket = socket;
    socket.on('welcome', function () {
      if (status) { status.textContent = status.dataset.connected; status.dataset.state = 'connected'; }
    });
    var ended = false;
    socket.on('error', function (e) { if (e && e.code === 'session_ended') { ended = true; } });
    socket.on('disconnect', function (reason) {
      if (status) { status.textContent = status.dataset.disconnected; status.dataset.state = 'disconnected'; }
      // The server ends sockets when a role or residence ends: connect again, checked afresh. After a logout
      // (here or on another device) the connection is refused, and the page says so.
      if (reason === 'io server disconnect' && !ended) { setTimeout(function () { socket.connect(); }, 1000); }
    });
    socket.on('connect_error', function () {
      if (status) { status.textContent = status.dataset.disconnected; status.dataset.state = 'refused'; }
    });
    // Pages that show something a pushed event changes declare it with data-live-reload="<event>".
    document.querySelectorAll('[data-live-reload]').forEach(function (el) {
      socket.on(el.dataset.liveReload, function () { window.location.reload(); });
    });
  }

  // The language selector submits itself when changed (the button stays for keyboard and no-JS users).
  function autoSubmitLanguage() {
    var select = document.getElementById('language-select');
    if (select) { select.addEventListener('change', function () { select.form.submit(); }); }
  }

  document.addEventListener('DOMContentLoaded', function () {
    connectLive();
    autoSubmitLanguage();
  });
})();
