// Sign-in display: reload the rotating QR code before it expires (the server decides the code).
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var img = document.getElementById('checkin-qr');
    if (!img) { return; }
    var period = parseInt(img.dataset.period, 10) || 20;
    setInterval(function () {
      img.src = img.dataset.src + '?t=' + Date.now();
    }, Math.max(5, period / 2) * 1000);
  });
})();
