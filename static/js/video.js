// The live room's video call: browser-to-browser WebRTC, signalled through the room's socket (video.py).
// A newcomer offers to every member already in the call; members answer. Only members the server says may
// send (who may speak in the room) open their camera and microphone, and only their streams are shown.
(function () {
  'use strict';

  document.addEventListener('DOMContentLoaded', function () {
    var box = document.getElementById('video');
    var socket = window.consultSocket;
    if (!box || !socket || !window.RTCPeerConnection) { return; }
    var t = box.dataset;
    var meetingId = parseInt(t.meeting, 10);
    var joinButton = document.getElementById('video-join');
    var leaveButton = document.getElementById('video-leave');
    var micButton = document.getElementById('video-mic');
    var camButton = document.getElementById('video-cam');
    var tiles = document.getElementById('video-tiles');
    var status = document.getElementById('video-status');
    var peers = {};      // sid -> RTCPeerConnection
    var members = {};    // sid -> member
    var me = null;
    var sends = false;
    var local = null;
    var ice = [];
    var icePolicy = 'all';
    var inCall = false;

    function say(text) { status.textContent = text || ''; }

    function tile(sid, member) {
      var figure = document.getElementById('tile-' + sid);
      if (!figure) {
        figure = document.createElement('figure');
        figure.id = 'tile-' + sid;
        figure.className = 'video-tile';
        figure.dataset.sid = sid;
        var video = document.createElement('video');
        video.autoplay = true;
        video.playsInline = true;
        if (sid === me) { video.muted = true; }
        figure.appendChild(video);
        figure.appendChild(document.createElement('figcaption'));
        tiles.appendChild(figure);
      }
      figure.querySelector('figcaption').textContent = member.name + (member.sends ? '' : ' · ' + t.tWatching);
      figure.dataset.sends = member.sends ? 'yes' : 'no';
      placeTile(figure, sid, member);
      return figure;
    }

    // The strip: the speaker's tile large and first, one's own view small, the others in a row (room.css).
    function placeTile(figure, sid, member) {
      var speaker = document.getElementById('room').dataset.speaker || '';
      figure.dataset.self = sid === me ? 'yes' : 'no';
      figure.dataset.speaker = sid !== me && member.user !== undefined && String(member.user) === speaker ? 'yes' : 'no';
    }
    document.addEventListener('room:speaker', function () {
      Array.prototype.forEach.call(tiles.children, function (figure) {
        var sid = figure.dataset.sid;
        placeTile(figure, sid, members[sid] || {});
      });
    });

    function dropPeer(sid) {
      if (peers[sid]) { peers[sid].close(); delete peers[sid]; }
      var figure = document.getElementById('tile-' + sid);
      if (figure) { figure.remove(); }
    }

    function peer(sid, offering) {
      if (peers[sid]) { return peers[sid]; }
      var pc = new RTCPeerConnection({ iceServers: ice, iceTransportPolicy: icePolicy });
      pc.chain = Promise.resolve();  // signals for one peer are applied in the order they came
      peers[sid] = pc;
      if (local) { local.getTracks().forEach(function (track) { pc.addTrack(track, local); }); }
      if (!local && offering) {
        pc.addTransceiver('audio', { direction: 'recvonly' });
        pc.addTransceiver('video', { direction: 'recvonly' });
      }
      pc.onicecandidate = function (event) {
        if (event.candidate) {
          socket.emit('meeting:signal', { meeting: meetingId, to: sid, kind: 'ice', data: event.candidate.toJSON() });
        }
      };
      pc.ontrack = function (event) {
        var member = members[sid];
        if (!member || !member.sends) { return; }  // not allowed to send here: not shown
        var video = tile(sid, member).querySelector('video');
        if (video.srcObject !== event.streams[0]) { video.srcObject = event.streams[0]; }
      };
      pc.onconnectionstatechange = function () {
        if (pc.connectionState === 'failed') { dropPeer(sid); }
      };
      return pc;
    }

    function signal(sid, kind, data) {
      socket.emit('meeting:signal', { meeting: meetingId, to: sid, kind: kind, data: data }, function (ack) {
        if (ack && !ack.ok) { say(ack.message); }
      });
    }

    function offerTo(sid) {
      var pc = peer(sid, true);
      pc.createOffer()
        .then(function (offer) { return pc.setLocalDescription(offer); })
        .then(function () { signal(sid, 'offer', { type: 'offer', sdp: pc.localDescription.sdp }); })
        .catch(function (error) { say(error.message); });
    }

    function setMembers(list) {
      var next = {};
      list.forEach(function (m) { next[m.sid] = m; });
      Object.keys(peers).forEach(function (sid) { if (!next[sid]) { dropPeer(sid); } });
      members = next;
      list.forEach(function (m) {
        if (m.sid === me) { return; }
        var figure = document.getElementById('tile-' + m.sid);
        if (figure) { tile(m.sid, m); }
        if (!m.sends && figure) { figure.querySelector('video').srcObject = null; }
      });
      var mine = next[me];
      if (inCall && mine && mine.sends !== sends) { rejoin(); }
    }

    // getUserMedia's errors, in the reader's language (the page's data-t-camera-* attributes), never raw.
    function mediaError(error) {
      var name = error && error.name;
      if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') { return t.tCameraDenied; }
      if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') { return t.tCameraMissing; }
      if (name === 'NotReadableError' || name === 'AbortError' || name === 'TrackStartError') { return t.tCameraBusy; }
      return t.tCameraFailed;
    }

    function openMedia() {
      if (!sends) { return Promise.resolve(null); }
      return navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } })
        .then(function (stream) {
          local = stream;
          var figure = tile(me, { name: t.tYou, sends: true });
          figure.querySelector('video').srcObject = stream;
          micButton.hidden = false;
          camButton.hidden = false;
          return stream;
        });
    }

    function join() {
      joinButton.disabled = true;
      socket.emit('meeting:call_join', { meeting: meetingId }, function (ack) {
        joinButton.disabled = false;
        if (!ack || !ack.ok) { say(ack ? ack.message : ''); return; }
        me = ack.me;
        sends = ack.sends;
        ice = ack.ice || [];
        icePolicy = ack.ice_policy === 'relay' ? 'relay' : 'all';
        inCall = true;
        box.dataset.inCall = 'yes';
        joinButton.hidden = true;
        leaveButton.hidden = false;
        say(sends ? '' : t.tReceiveOnly);
        openMedia().catch(function (error) { say(t.tNoCamera + ' ' + mediaError(error)); })
          .then(function () {
            ack.members.forEach(function (m) { members[m.sid] = m; });
            ack.members.forEach(function (m) { if (m.sid !== me) { offerTo(m.sid); } });
          });
      });
    }

    function hangUp() {
      Object.keys(peers).forEach(dropPeer);
      if (local) { local.getTracks().forEach(function (track) { track.stop(); }); local = null; }
      var mine = document.getElementById('tile-' + me);
      if (mine) { mine.remove(); }
      inCall = false;
      box.dataset.inCall = 'no';
      micButton.hidden = true;
      camButton.hidden = true;
    }

    function leave() {
      hangUp();
      socket.emit('meeting:call_leave', { meeting: meetingId });
      joinButton.hidden = false;
      leaveButton.hidden = true;
      say('');
    }

    function rejoin() {  // the floor or a mute changed what this person may send
      hangUp();
      socket.emit('meeting:call_leave', { meeting: meetingId }, function () { join(); });
    }

    function toggle(button, kind) {
      if (!local) { return; }
      var on = button.getAttribute('aria-pressed') !== 'true';
      local.getTracks().forEach(function (track) { if (track.kind === kind) { track.enabled = !on; } });
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
    }

    socket.on('meeting:call', function (c) { if (c.meeting === meetingId) { setMembers(c.members); } });
    socket.on('meeting:signal', function (s) {
      if (s.meeting !== meetingId || !inCall) { return; }
      var pc = peer(s.sender, false);
      pc.chain = pc.chain.then(function () {
        if (s.kind === 'offer') {
          return pc.setRemoteDescription(s.data)
            .then(function () { return pc.createAnswer(); })
            .then(function (answer) { return pc.setLocalDescription(answer); })
            .then(function () { signal(s.sender, 'answer', { type: 'answer', sdp: pc.localDescription.sdp }); });
        }
        if (s.kind === 'answer') { return pc.setRemoteDescription(s.data); }
        return pc.addIceCandidate(s.data);
      }).catch(function (error) { say(error.message); });
    });
    socket.on('disconnect', function () { if (inCall) { hangUp(); joinButton.hidden = false; leaveButton.hidden = true; } });
    joinButton.addEventListener('click', join);
    leaveButton.addEventListener('click', leave);
    micButton.addEventListener('click', function () { toggle(micButton, 'audio'); });
    camButton.addEventListener('click', function () { toggle(camButton, 'video'); });

    // For the browser tests and for support: bytes received from each peer.
    window.consultVideo = {
      mediaError: mediaError,
      received: function () {
        return Promise.all(Object.keys(peers).map(function (sid) {
          return peers[sid].getStats().then(function (stats) {
            var bytes = 0;
            var pair = null;
            stats.forEach(function (r) {
              if (r.type === 'inbound-rtp' && r.kind === 'video') { bytes += r.bytesReceived; }
              if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') { pair = r; }
            });
            // how the media travels: the local and remote candidate types of the pair in use (host, srflx, relay)
            var route = pair ? [stats.get(pair.localCandidateId), stats.get(pair.remoteCandidateId)].map(function (c) {
              return c ? c.candidateType : '';
            }) : [];
            var ours = pair ? stats.get(pair.localCandidateId) : null;
            return {
              sid: sid, name: members[sid] ? members[sid].name : '', bytes: bytes, route: route,
              relay: ours && ours.relayProtocol ? ours.relayProtocol : ''  // udp, tcp or tls to the TURN relay
            };
          });
        }));
      }
    };
  });
}());
