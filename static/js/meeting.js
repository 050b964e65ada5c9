// The live room: messages in sequence order, opening on the latest page and loading earlier pages as the reader
// scrolls up, with replay in pages on reconnect, presence, quorum, speaker queue,
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
    var oldest = 0;            // the oldest sequence number drawn (0: none yet)
    var earlierLeft = false;   // older messages are on the server
    var loadingEarlier = false;
    var generation = 0;        // one per join: retries of an older join's pages stop
    var earlierButton = document.getElementById('earlier');
    var historyStatus = document.getElementById('history-status');
    var buffer = [];
    var outbox = [];
    var rights = {};
    var statesSeen = 0;  // room states pushed to this page (meeting:state)
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
    var newButton = document.getElementById('new-messages');
    var stuck = true;  // the reader is at the end of the list: new messages keep it there
    var unseen = 0;
    var tabNew = document.getElementById('tab-chat-new');
    var clock = null;
    try {
      clock = new Intl.DateTimeFormat(document.documentElement.lang || 'zh-CN',
        { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: t.zone || undefined });
    } catch (e) { clock = null; }

    function hhmm(iso) {
      var d = new Date(iso);
      return clock && !isNaN(d.getTime()) ? clock.format(d) : '';
    }

    // The list scrolls by itself, never the page: at its end it follows new messages; scrolled up, a button says
    // that some came (and how many, on the discussion tab of a phone showing another tab).
    function atEnd() { return messages.scrollHeight - messages.scrollTop - messages.clientHeight < 24; }
    function toEnd() { messages.scrollTop = messages.scrollHeight; }
    function seen() {
      unseen = 0;
      newButton.hidden = true;
      tabNew.textContent = '';
    }
    messages.addEventListener('scroll', function () {
      stuck = atEnd();
      if (stuck) { seen(); }
    });
    newButton.addEventListener('click', function () { toEnd(); stuck = true; seen(); messages.focus({ preventScroll: true }); });

    // The list takes the height left on the screen under the bar and above the message box (at least 12 rem),
    // so that the newest message shows above the box without the page being scrolled.
    var dock = document.getElementById('room-dock');
    function fit() {
      var top = messages.getBoundingClientRect().top + window.scrollY;
      if (!messages.offsetParent) { return; }
      var below = dock.offsetHeight + outboxList.offsetHeight + 12;
      var rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      messages.style.height = Math.max(12 * rem, window.innerHeight - top - below) + 'px';
      if (stuck) { toEnd(); }
    }
    window.addEventListener('resize', fit);
    if (window.ResizeObserver) {
      var watch = new ResizeObserver(fit);
      [document.getElementById('room-bar'), document.getElementById('video'), dock, outboxList].forEach(function (node) {
        if (node) { watch.observe(node); }
      });
    }

    // Phone tabs (a desk shows the three panels side by side and hides the tab list).
    var tabs = Array.prototype.slice.call(root.querySelectorAll('.room-tabs [role="tab"]'));
    function showTab(name, focus) {
      root.dataset.tab = name;
      tabs.forEach(function (tab) {
        var on = tab.dataset.tab === name;
        tab.setAttribute('aria-selected', on ? 'true' : 'false');
        tab.tabIndex = on ? 0 : -1;
        if (on && focus) { tab.focus(); }
      });
      if (name !== 'chat') { return; }
      fit();
      tabNew.textContent = '';
      if (stuck) { toEnd(); seen(); } else if (unseen) { newButton.hidden = false; }
    }
    tabs.forEach(function (tab, i) {
      tab.addEventListener('click', function () { showTab(tab.dataset.tab, false); });
      tab.addEventListener('keydown', function (event) {
        var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) { return; }
        event.preventDefault();
        showTab(tabs[(i + step + tabs.length) % tabs.length].dataset.tab, true);
      });
    });

    function badge(code) { return el('span', badges[code] || code, 'badge badge-' + code); }

    function build(m) {
      var li = el('li', null, 'message');
      li.dataset.seq = String(m.seq);
      li.id = 'msg-' + m.seq;
      if (m.at) {
        var when = el('time', hhmm(m.at));
        when.dateTime = m.at;
        li.appendChild(when);
      }
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
      return li;
    }

    function render(m) {
      messages.appendChild(build(m));
      if (!oldest || m.seq < oldest) { oldest = m.seq; }
      if (messages.offsetParent === null) {  // another tab on a phone: the discussion tab counts what came
        if (m.author.id !== myId) { unseen += 1; tabNew.textContent = String(unseen); }
      } else if (stuck) {
        toEnd();
      } else if (m.author.id !== myId) {
        unseen += 1;
        newButton.hidden = false;
      }
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

    // A page of the history (meeting:replay forward, meeting:history back) is asked for until it comes: a refusal
    // that may pass (too many requests, the database briefly away) or no answer is retried with backoff, and the
    // status line says that messages are loading, so the reader never looks at a silent hole.
    function page(name, payload, done, tries) {
      var mine = generation;
      tries = tries || 0;
      socket.timeout(ACK_TIMEOUT).emit(name, payload(), function (err, ack) {
        if (mine !== generation) { return; }  // re-joined meanwhile: the join asks again
        if (!err && ack && ack.ok) { done(ack); return; }
        var code = err ? 'timeout' : (ack && ack.code);
        if (code !== 'timeout' && RETRYABLE.indexOf(code) < 0) { done(null); return; }
        setTimeout(function () {
          if (mine === generation && joined) { page(name, payload, done, tries + 1); }
        }, Math.min(250 * Math.pow(2, tries), 8000));
      });
    }

    function loading() {
      var text = loadingEarlier ? t.tLoadingEarlier : (replaying ? t.tLoadingMissed : (oldest && !earlierLeft && messages.children.length ? t.tStart : ''));
      if (historyStatus.textContent !== text) { historyStatus.textContent = text; }
      root.dataset.loading = loadingEarlier || replaying ? 'yes' : 'no';
      earlierButton.hidden = !earlierLeft || loadingEarlier;
    }

    function replay() {
      if (replaying) { return; }
      replaying = true;
      loading();
      page('meeting:replay', function () { return { meeting: meetingId, after: lastSeq }; }, function (ack) {
        replaying = false;
        if (ack) { ack.missed.forEach(accept); }
        if (ack && ack.more) { replay(); } else { drain(); loading(); }
      });
    }

    // Earlier messages go above the first one, the list keeping what the reader sees where it was.
    function earlier() {
      if (loadingEarlier || !earlierLeft || !oldest) { return; }
      loadingEarlier = true;
      loading();
      page('meeting:history', function () { return { meeting: meetingId, before: oldest }; }, function (ack) {
        loadingEarlier = false;
        if (ack) {
          var height = messages.scrollHeight;
          var first = messages.firstChild;
          ack.messages.forEach(function (m) {
            if (m.seq >= oldest) { return; }
            messages.insertBefore(build(m), first);
          });
          if (ack.messages.length && ack.messages[0].seq < oldest) { oldest = ack.messages[0].seq; }
          earlierLeft = ack.earlier && oldest > 1;
          messages.scrollTop += messages.scrollHeight - height;
        }
        loading();
      });
    }
    earlierButton.addEventListener('click', earlier);
    messages.addEventListener('scroll', function () {
      if (messages.scrollTop < 80 && earlierLeft) { earlier(); }
    });

    function askPresence() {
      if (askingPresence) { return; }
      askingPresence = true;
      socket.emit('meeting:presence', { meeting: meetingId }, function (ack) {
        askingPresence = false;
        if (ack && ack.ok && ack.presence.people) { drawPresence(ack.presence); }
      });
    }

    // The meeting page's sentence (meetings/_quorum.html), its numbers in spans that tests and styles can find.
    function drawQuorum(q) {
      var text = document.getElementById('quorum-text');
      text.textContent = '';
      var values = { present: q.present, members: q.members, required: q.required };
      if (q.required === null) {
        text.textContent = t.tNoRule;
      } else {
        t.tQuorum.split(/(\{present\}|\{members\}|\{required\})/).forEach(function (part) {
          var key = /^\{(\w+)\}$/.exec(part);
          if (!key) { text.appendChild(document.createTextNode(part)); return; }
          var span = el('span', String(values[key[1]]));
          span.id = 'quorum-' + key[1];
          text.appendChild(span);
        });
      }
      var met = document.getElementById('quorum-met');
      met.textContent = q.required === null ? '' : (q.met ? t.tMet : t.tNotMet);
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
      document.getElementById('tab-people-count').textContent = String(p.count);
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
      document.getElementById('tab-queue-count').textContent = s.queue.length ? String(s.queue.length) : '';
      var speaking = !!(s.speaker && s.speaker.id === myId);
      var turn = document.getElementById('your-turn');
      turn.dataset.mine = speaking ? 'yes' : 'no';
      var turnText = speaking ? t.tTurn : '';
      if (turn.textContent !== turnText) { turn.textContent = turnText; }  // a status region: read out when it fills
      if (root.dataset.speaker !== String(s.speaker ? s.speaker.id : '')) {
        root.dataset.speaker = s.speaker ? String(s.speaker.id) : '';
        document.dispatchEvent(new CustomEvent('room:speaker', { detail: s.speaker ? s.speaker.id : null }));
      }
      if (hand) {
        hand.hidden = !rights.hand || speaking;
        hand.textContent = mine ? t.tLower : t.tHand;
        hand.dataset.raised = mine ? 'yes' : 'no';
      }
      endTurn.hidden = !(s.speaker && (rights.chair || speaking));
      var canChat = rights.chat || speaking;
      sayBody.disabled = !canChat || s.status !== 'open';
      document.getElementById('say-send').disabled = sayBody.disabled;
      // Why one cannot write, said beside the box (and read with it: aria-describedby).
      var why = '';
      if (!canChat && rights.kind === 'observer') { why = t.tNoChat; } else if (canChat && s.status !== 'open') { why = t.tClosed; }
      if (why) { sayError.textContent = why; } else if (sayError.textContent === t.tNoChat || sayError.textContent === t.tClosed) { sayError.textContent = ''; }
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
      timer('item-timer', state.item ? state.item.ends_at : null);
      timer('speaker-timer', state.speaker ? state.speaker.ends_at : null);
    }

    function timer(id, iso) {
      var node = document.getElementById(id);
      node.textContent = remaining(iso);
      node.dataset.over = iso && Date.parse(iso) < Date.now() + offset ? 'yes' : 'no';
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
      generation += 1;
      replaying = false;
      loadingEarlier = false;
      var opening = lastSeq === 0;
      var statesBefore = statesSeen;
      socket.emit('meeting:join', { meeting: meetingId, last_seq: lastSeq, latest: opening }, function (ack) {
        if (!ack || !ack.ok) {
          sayError.textContent = ack ? ack.message : '';
          if (ack && ack.code === 'unavailable') { unavailableShown = true; setTimeout(function () { if (socket.connected && !joined) { join(); } }, 3000); }
          return;
        }
        rights = ack.rights;
        if (opening && ack.missed.length) {  // the latest page: what is older comes by scrolling up
          lastSeq = ack.missed[0].seq - 1;
          earlierLeft = !!ack.earlier && lastSeq > 0;
        }
        ack.missed.forEach(accept);
        // A state pushed while the join was on its way is at least as new as the one the join was given.
        if (statesSeen === statesBefore) { drawState(ack.state); } else { drawState(state); }
        drawPresence(ack.presence);
        drawQuorum(ack.quorum);
        joined = true;
        if (ack.more) { replay(); } else { drain(); }
        loading();
        clearUnavailable();
        sendOutbox();
        fit();
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
    socket.on('meeting:state', function (s) { if (s.meeting === meetingId) { statesSeen += 1; drawState(s); } });
    socket.on('meeting:presence', function (p) { if (p.meeting === meetingId) { drawPresence(p); } });
    socket.on('meeting:quorum', function (q) { if (q.meeting === meetingId) { drawQuorum(q); } });
    socket.on('error', function (e) {
      if (window.consultVotePending) { return; }  // a vote's refusal: vote.js shows it on the ballot
      if (e && e.code === 'rate_limited' && (loadingEarlier || replaying)) { return; }  // a page: retried, and said
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
      stuck = true;
      toEnd();
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
