// Topic page, comments section: insert posted comments and hide hidden ones live, and keep the tally current.
// User text is set with textContent only. Labels come from data attributes rendered in the page's language.
(function () {
  'use strict';

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function setTally(tally) {
    ['for', 'against', 'neutral'].forEach(function (stance) {
      var node = document.getElementById('tally-' + stance);
      if (node && tally && typeof tally[stance] === 'number') { node.textContent = String(tally[stance]); }
    });
  }

  function render(section, data) {
    var article = el('article', 'comment is-new');
    article.id = 'comment-' + data.comment_id;
    article.dataset.commentId = String(data.comment_id);
    var meta = el('p', 'comment-meta');
    meta.appendChild(el('span', 'comment-author', data.author));
    meta.appendChild(document.createTextNode(' '));
    meta.appendChild(el('span', 'badge badge-' + data.badge, section.getAttribute('data-badge-' + data.badge) || data.badge));
    if (data.stance) {
      meta.appendChild(document.createTextNode(' '));
      meta.appendChild(el('span', 'stance stance-' + data.stance, section.getAttribute('data-label-' + data.stance) || data.stance));
    }
    var when = el('time', null, new Date(data.created_at).toLocaleString(document.documentElement.lang || undefined));
    when.setAttribute('datetime', data.created_at);
    meta.appendChild(document.createTextNode(' '));
    meta.appendChild(when);
    article.appendChild(meta);
    article.appendChild(el('p', 'comment-body', data.body));
    return article;
  }

  function insert(section, data) {
    if (document.getElementById('comment-' + data.comment_id)) { return; }
    if (data.parent_id) {
      var replies = document.getElementById('replies-' + data.parent_id);
      if (!replies) { return; } // the thread is on another page
      var item = el('li');
      item.appendChild(render(section, data));
      replies.appendChild(item);
      return;
    }
    if (section.dataset.page !== '1') { return; } // newest roots are on the first page
    var list = document.getElementById('comment-list');
    if (!list) { return; }
    var empty = list.querySelector('.no-comments');
    if (empty) { empty.remove(); }
    var thread = el('li', 'thread');
    thread.id = 'thread-' + data.comment_id;
    thread.appendChild(render(section, data));
    var repliesList = el('ol', 'replies');
    repliesList.id = 'replies-' + data.comment_id;
    thread.appendChild(repliesList);
    list.insertBefore(thread, list.firstChild);
  }

  function hide(section, data) {
    var article = document.getElementById('comment-' + data.comment_id);
    if (!article) { return; }
    article.classList.add('is-hidden');
    var body = article.querySelector(':scope > .comment-body');
    var notice = el('p', 'comment-hidden', (section.dataset.hiddenPrefix || '') + data.reason);
    if (body) { body.replaceWith(notice); } else { article.appendChild(notice); }
    var link = article.querySelector(':scope > .hide-link');
    if (link) { link.remove(); }
  }

  document.addEventListener('DOMContentLoaded', function () {
    var article = document.querySelector('[data-live-topic]');
    var section = document.querySelector('[data-comments]');
    var socket = window.consultSocket;
    if (!article || !section || !socket) { return; }
    var topicId = parseInt(article.dataset.topicId, 10);
    socket.on('comment_posted', function (data) {
      if (data.topic_id !== topicId) { return; }
      insert(section, data);
      setTally(data.tally);
    });
    socket.on('comment_hidden', function (data) {
      if (data.topic_id !== topicId) { return; }
      hide(section, data);
      setTally(data.tally);
    });
  });
})();
