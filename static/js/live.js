// The live connection (Socket.IO), loaded with socket.io.min.js only on the pages of a logged-in user (base.html):
// anonymous pages never connect, so they load neither. Runs before the page scripts that use window.consultSocket.
(function () {
  'use strict';

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

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
    connectAgainWhenAvailable(socket);
  }

  // A refusal stops Socket.IO's own reconnection; one because the server could not check the user (its
  // database is down) is tried again, later and later.
  function connectAgainWhenAvailable(socket) {
    var refusals = 0;
    socket.on('connect', function () { refusals = 0; });
    socket.on('connect_error', function (err) {
      if (socket.active || !err || !err.data || err.data.code !== 'unavailable') { return; }
      refusals += 1;
      setTimeout(function () { socket.connect(); }, Math.min(2000 * refusals, 30000));
    });
  }

  document.addEventListener('DOMContentLoaded', connectLive);
})();
