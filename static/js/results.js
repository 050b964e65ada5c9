// Result page: join the topic's room (logged-in readers only) and fetch the objections section again when an
// objection is filed or answered, so an objector sees the answer appear. The page works without it.
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var article = document.querySelector('[data-live-result]');
    if (!article) { return; }
    var print = article.querySelector('[data-print]');
    if (print) {
      print.hidden = false;
      print.addEventListener('click', function () { window.print(); });
    }
    var socket = window.consultSocket;
    if (!socket) { return; }
    var topicId = parseInt(article.dataset.topicId, 10);
    function join() { socket.emit('join_topic', { topic_id: topicId }); }
    socket.on('connect', join);
    if (socket.connected) { join(); }
    socket.on('result_changed', function (data) {
      if (data.topic_id !== topicId) { return; }
      fetch(article.dataset.objectionsUrl, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var section = document.getElementById('objections');
          var holder = document.createElement('div');
          holder.innerHTML = html;
          var fresh = holder.querySelector('#objections');
          if (section && fresh) { section.replaceWith(fresh); }
        });
    });
  });
})();
