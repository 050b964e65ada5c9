// Topic page: join the topic's room to see the co-sign counter and steps live (server checks access).
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var article = document.querySelector('[data-live-topic]');
    var socket = window.consultSocket;
    if (!article || !socket) { return; }
    var topicId = parseInt(article.dataset.topicId, 10);
    function join() { socket.emit('join_topic', { topic_id: topicId }); }
    socket.on('connect', join);
    if (socket.connected) { join(); }
    socket.on('cosign_count', function (data) {
      if (data.topic_id !== topicId) { return; }
      var count = document.getElementById('cosign-count');
      if (count) { count.textContent = String(data.count); }
      var needed = document.getElementById('cosign-needed');
      if (needed) { needed.textContent = String(data.required); }
    });
    socket.on('topic_changed', function (data) {
      if (data.topic_id === topicId) { window.location.reload(); }
    });
  });
})();
