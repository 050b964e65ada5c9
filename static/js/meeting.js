// The live room: messages in sequence order with replay on reconnect, presence, quorum, speaker queue,
// agenda timer, moderation and minutes. The server checks every step; this only draws and asks.
(function () {
  'use strict';

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  function clientId() {
    return 'c' + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('room');
    var socket = window.consultSocket;
    if (!root || !socket) { return; }
    var t = root.dataset;
    var meetingId = parseInt(t.meeting, 10);
    var badges = JSON.parse(t.badges || '{}');
    var lastSeq = 0;
    var joined = false;
    var replaying = false;
    var buffer = [];
    var outbox = [];
    var rights = {};
    var state = null;
    var presence = { count: 0, people: [], digest: '' };
    var askingPresence = false;
    var offset = 0;
    var messages = document.getElementById('messages');
    var outboxList = document.getElementById('outbox');
    var sayForm = document.getElementById('say-form');
    var sayBody = document.getElementById('say-body');
    var sayError = document.getElementById('say-error');
    var hand = document.getElementById('hand');
    var endTurn = document.getElementById('end-turn');
    var myId = parseInt(document.body.dataset.user, 10);

    function badge(code) { return el('span', badges[code] || code, 'badge badge-' + code); }

    function render(m) {
      var li = el('li', null, 'message');
      li.dataset.seq = String(m.seq);
      li.id = 'msg-' + m.seq;
      var who = el('strong', m.author.name);
      li.appendChild(who);
      li.appendChild(document.createTextNode(' '));
      li.appendChild(badge(m.author.badge));
      li.appendChild(document.createTextNode(' '));
      var body = el('span', m.hidden ? (t.tHidden + ' ' + m.hidden) : m.body, m.hidden ? 'body hidden-message' : 'body');
      li.appendChild(body);
      if (rights.chair && !m.hidden) {
        var hide = el('button', t.tHide, 'link-button hide');
        hide.type = 'button';
        hide.addEventListener('click', function () {
          var reason = window.prompt(t.tHideReason);
          if (reason) { socket.emit('meeting:hide', { meeting: meetingId, seq: m.seq, reason: reason }); }
        });
        li.appendChild(hide);
      }
      messages.appendChild(li);
      li.scrollIntoView({ block: 'nearest' });
      // Our own message, stored (whatever its outbox line said), or acknowledged ones it has now caught up with.
      outbox = outbox.filter(function (item) {
        var done = item.id === m.client_id || (item.state === 'delivered' && item.seq <= m.seq);
        if (done) { clearTimeout(item.timer); item.state = 'delivered'; item.li.remove(); clearUnavailable(); }
        return !done;
      });
    }

    // Messages of one room can overtake each other on the way (several senders, several server processes):
    // a later one waits briefly for the gap to fill, and only then is the gap fetched from the server.
    var gapTimer = null;
    function accept(m) {
      if (m.seq <= lastSeq) { return; }
      if (m.seq > lastSeq + 1) {
        buffer.push(m);
        if (!gapTimer) { gapTimer = setTimeout(function () { gapTimer = null; replay(); }, 400); }
        return;
      }
      render(m);
      lastSeq = m.seq;
      if (buffer.length) { drain(); }
      if (gapTimer && !buffer.some(function (b) { return b.seq > lastSeq + 1; })) { clearTimeout(gapTimer); gapTimer = null; }
    }

    function drain() {
      buffer.sort(function (a, b) { return a.seq - b.seq; });
      var pending = buffer;
      buffer = [];
      pending.forEach(accept);
    }

    function replay() {
      if (replaying) { return; }
      replaying = true;
      socket.emit('meeting:replay', { meeting: meetingId, after: lastSeq }, function (ack) {
        replaying = false;
        if (!ack || !ack.ok) { return; }
        ack.missed.forEach(accept);
        if (ack.more) { replay(); } else { drain(); }
      });
    }

    function askPresence() {
      if (askingPresence) { return; }
      askingPresence = true;
      socket.emit('meeting:presence', { meeting: meetingId }, function (ack) {
        askingPresence = false;
        if (ack && ack.ok && ack.presence.people) { drawPresence(ack.presence); }
      });
    }

    function drawQuorum(q) {
      document.getElementById('quorum-present').textContent = String(q.present);
      document.getElementById('quorum-required').textContent = q.required === null ? '–' : String(q.required);
      document.getElementById('quorum-members').textContent = String(q.members);
      var met = document.getElementById('quorum-met');
      met.textContent = q.required === null ? t.tNoRule : (q.met ? t.tMet : t.tNotMet);
      document.getElementById('quorum').dataset.met = q.met ? 'yes' : 'no';
    }

    // Pushes leave the names out when they did not change; a list with another digest is asked for again.
    function drawPresence(p) {
      if (!p.people) {
        presence = { count: p.count, people: presence.people, digest: presence.digest };
        if (p.digest !== presence.digest) { askPresence(); }
        p = presence;
      } else {
        presence = p;
      }
      document.getElementById('presence-count').textContent = String(p.count);
      var list = document.getElementById('presence');
      list.textContent = '';
      var muted = state ? state.muted : [];
      p.people.forEach(function (person) {
        var li = el('li', person.name + ' ');
        li.dataset.user = String(person.id);
        li.appendChild(badge(person.badge));
        if (rights.chair && person.id !== myId && ['chair', 'secretary', 'staff'].indexOf(person.badge) < 0) {
          var isMuted = muted.indexOf(person.id) >= 0;
          var b = el('button', isMuted ? t.tUnmute : t.tMute, 'link-button');
          b.type = 'button';
          b.addEventListener('click', function () {
            var reason = isMuted ? '' : window.prompt(t.tMuteReason);
            if (isMuted || reason) { socket.emit('meeting:mute', { meeting: meetingId, user: person.id, muted: !isMuted, reason: reason || '' }); }
          });
          li.appendChild(b);
        }
        list.appendChild(li);
      });
      if (p.count > p.people.length) { list.appendChild(el('li', t.tOthers.replace('{n}', String(p.count - p.people.length)), 'others')); }
    }

    function drawState(s) {
      state = s;
      offset = Date.parse(s.server_now) - Date.now();
      document.getElementById('item-title').textContent = s.item ? (s.item.position + '. ' + s.item.title) : '–';
      document.getElementById('speaker-name').textContent = s.speaker ? s.speaker.name : t.tNobody;
      var queue = document.getElementById('queue');
      queue.textContent = '';
      var mine = false;
      s.queue.forEach(function (person) {
        var li = el('li', person.name + ' ');
        li.dataset.user = String(person.id);
        li.appendChild(badge(person.badge));
        if (person.id === myId) { mine = true; }
        if (rights.chair) {
          var give = el('button', t.tFloor, 'give-floor');
          give.type = 'button';
          give.addEventListener('click', function () {
            var minutes = parseInt(document.getElementById('floor-minutes').value, 10) || 3;
            socket.emit('meeting:floor', { meeting: meetingId, user: person.id, minutes: minutes });
          });
          li.appendChild(give);
        }
        queue.appendChild(li);
      });
      var speaking = s.speaker && s.speaker.id === myId;
      if (hand) {
        hand.hidden = !rights.hand || speaking;
        hand.textContent = mine ? t.tLower : t.tHand;
        hand.dataset.raised = mine ? 'yes' : 'no';
      }
      endTurn.hidden = !(s.speaker && (rights.chair || speaking));
      var canChat = rights.chat || speaking;
      sayBody.disabled = !canChat || s.status !== 'open';
      document.getElementById('say-send').disabled = sayBody.disabled;
      if (!canChat && rights.kind === 'observer') { sayError.textContent = t.tNoChat; } else if (sayError.textContent === t.tNoChat) { sayError.textContent = ''; }
      document.getElementById('room-status').dataset.status = s.status;
      tick();
    }

    function remaining(iso) {
      if (!iso) { return ''; }
      var ms = Date.parse(iso) - (Date.now() + offset);
      var over = ms < 0;
      var s = Math.floor(Math.abs(ms) / 1000);
      var text = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
      return over ? (t.tOvertime + ' ' + text) : (text + ' ' + t.tLeft);
    }

    function tick() {
      if (!state) { return; }
      document.getElementById('item-timer').textContent = state.item ? remaining(state.item.ends_at) : '';
      document.getElementById('speaker-timer').textContent = state.speaker ? remaining(state.speaker.ends_at) : '';
    }
    setInterval(tick, 1000);

    // Messages wait in the outbox, shown as "sending…", until the server acknowledges them. A refusal that may
    // pass later (the database is down, the room is being re-joined, too fast) or no answer in time is retried
    // with backoff under the same client_id, which the server stores once; after SEND_TRIES attempts, or on a
    // refusal that would not pass (muted, too long…), the message is shown as not delivered, with a button.
    var SEND_TRIES = 5;
    var ACK_TIMEOUT = 10000;
    var RETRYABLE = ['unavailable', 'not_in_room', 'rate_limited', 'server_error'];
    var unavailableShown = false;

    function clearUnavailable() {
      if (unavailableShown) { sayError.textContent = ''; unavailableShown = false; }
    }

    function drawItem(item) {
      if (!item.li) {
        item.li = el('li', null, 'message pending');
        item.li.dataset.clientId = item.id;
        item.li.appendChild(el('span', item.body, 'body'));
        item.li.appendChild(document.createTextNode(' '));
        item.li.appendChild(el('span', null, 'delivery'));
        outboxList.appendChild(item.li);
      }
      var failed = item.state === 'failed';
      item.li.dataset.state = item.state;
      item.li.querySelector('.delivery').textContent = failed ? (t.tNotDelivered + (item.reason ? ' ' + item.reason : '')) : t.tSending;
      var button = item.li.querySelector('button');
      if (failed && !button) {
        button = el('button', t.tResend, 'link-button resend');
        button.type = 'button';
        button.addEventListener('click', function () {
          item.state = 'sending';
          item.tries = 0;
          item.reason = '';
          drawItem(item);
          send(item);
        });
        item.li.appendChild(button);
      } else if (!failed && button) {
        button.remove();
      }
      item.li.scrollIntoView({ block: 'nearest' });
    }

    // Acknowledged: the outbox line goes when the message itself is drawn in sequence (render), or now if it was.
    function delivered(item, seq) {
      item.state = 'delivered';
      item.seq = seq;
      clearUnavailable();
      if (seq <= lastSeq) {
        item.li.remove();
        outbox = outbox.filter(function (o) { return o !== item; });
      }
    }

    function failed(item, reason) {
      clearTimeout(item.timer);
      item.state = 'failed';
      item.reason = reason || '';
      clearUnavailable();
      drawItem(item);
    }

    function send(item) {
      clearTimeout(item.timer);
      if (item.state !== 'sending' || !joined) { return; }  // join() sends what is waiting
      item.tries += 1;
      var attempt = item.attempt = (item.attempt || 0) + 1;
      socket.timeout(ACK_TIMEOUT).emit('meeting:say', { meeting: meetingId, body: item.body, client_id: item.id }, function (err, ack) {
        if (attempt !== item.attempt || item.state !== 'sending') { return; }  // answered after a resend
        if (!err && ack && ack.ok) { delivered(item, ack.seq); return; }
        var code = err ? 'timeout' : (ack && ack.code);
        if (code !== 'timeout' && RETRYABLE.indexOf(code) < 0) { failed(item, ack && ack.message); return; }
        if (code === 'unavailable') { unavailableShown = true; }
        if (item.tries >= SEND_TRIES) { failed(item, ''); return; }
        item.timer = setTimeout(function () { send(item); }, Math.min(1000 * Math.pow(2, item.tries - 1), 16000));
      });
    }

    function sendOutbox() {
      outbox.forEach(function (item) { if (item.state === 'sending') { send(item); } });
    }

    function join() {
      joined = false;
      socket.emit('meeting:join', { meeting: meetingId, last_seq: lastSeq }, function (ack) {
        if (!ack || !ack.ok) {
          sayError.textContent = ack ? ack.message : '';
          if (ack && ack.code === 'unavailable') { unavailableShown = true; setTimeout(function () { if (socket.connected && !joined) { join(); } }, 3000); }
          return;
        }
        rights = ack.rights;
        ack.missed.forEach(accept);
        drawState(ack.state);
        drawPresence(ack.presence);
        drawQuorum(ack.quorum);
        joined = true;
        if (ack.more) { replay(); } else { drain(); }
        clearUnavailable();
        sendOutbox();
        root.dataset.joined = 'yes';
      });
    }

    socket.on('connect', join);
    socket.on('disconnect', function () { joined = false; root.dataset.joined = 'no'; });
    if (socket.connected) { join(); }
    socket.on('meeting:message', function (m) {
      if (m.meeting !== meetingId) { return; }
      if (!joined) { buffer.push(m); return; }
      accept(m);
    });
    socket.on('meeting:hidden', function (h) {
      if (h.meeting !== meetingId) { return; }
      var li = document.getElementById('msg-' + h.seq);
      if (!li) { return; }
      var body = li.querySelector('.body');
      body.textContent = t.tHidden + ' ' + h.reason;
      body.className = 'body hidden-message';
      var button = li.querySelector('.hide');
      if (button) { button.remove(); }
    });
    socket.on('meeting:state', function (s) { if (s.meeting === meetingId) { drawState(s); } });
    socket.on('meeting:presence', function (p) { if (p.meeting === meetingId) { drawPresence(p); } });
    socket.on('meeting:quorum', function (q) { if (q.meeting === meetingId) { drawQuorum(q); } });
    socket.on('error', function (e) {
      if (e && e.message) { sayError.textContent = e.message; unavailableShown = e.code === 'unavailable'; }
    });
    setInterval(function () { if (joined) { socket.emit('meeting:ping', { meeting: meetingId }); } }, 30000);

    sayForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var body = sayBody.value.trim();
      if (!body) { return; }
      sayError.textContent = '';
      var item = { id: clientId(), body: body, state: 'sending', tries: 0 };
      outbox.push(item);
      sayBody.value = '';
      drawItem(item);
      send(item);
    });
    sayBody.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); sayForm.requestSubmit(); }
    });
    if (hand) {
      hand.addEventListener('click', function () {
        socket.emit(hand.dataset.raised === 'yes' ? 'meeting:lower' : 'meeting:hand', { meeting: meetingId });
      });
    }
    endTurn.addEventListener('click', function () { socket.emit('meeting:end_turn', { meeting: meetingId }); });
    var itemStart = document.getElementById('item-start');
    if (itemStart) {
      itemStart.addEventListener('click', function () {
        socket.emit('meeting:item', { meeting: meetingId, item: parseInt(document.getElementById('item-select').value, 10) });
      });
    }
    var minutesForm = document.getElementById('minutes-form');
    if (minutesForm) {
      minutesForm.addEventListener('submit', function (event) {
        event.preventDefault();
        var status = document.getElementById('minutes-status');
        window.consultFetch(minutesForm.action, { method: 'POST', body: new FormData(minutesForm) })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            if (data.ok) { document.getElementById('minutes-rev').value = String(data.rev); status.textContent = t.tSaved; } else { status.textContent = data.message; }
          });
      });
    }
  });
})();
