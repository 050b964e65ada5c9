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

  // The language selector submits itself when changed (the button stays for keyboard and no-JS users).
  function autoSubmitLanguage() {
    var select = document.getElementById('language-select');
    if (select) { select.addEventListener('change', function () { select.form.submit(); }); }
  }

  // A posted form is sent once: a second click (or Enter) while the page loads is ignored and the buttons are
  // disabled. The server makes creating forms safe anyway (one-time tokens); this spares the wait and the
  // message. Forms that a script sends itself (it prevents the default) are left alone.
  function sendFormsOnce() {
    document.addEventListener('submit', function (event) {
      var form = event.target;
      if (event.defaultPrevented || (form.getAttribute('method') || '').toLowerCase() !== 'post') { return; }
      if (form.dataset.sending) { event.preventDefault(); return; }
      form.dataset.sending = '1';
      // Disabled after the browser has read the form: a disabled submitter would not send its name and value.
      window.setTimeout(function () {
        form.querySelectorAll('button:not([disabled]), input[type="submit"]:not([disabled])').forEach(function (button) {
          button.disabled = true;
          button.dataset.sendingDisabled = '1';
        });
      }, 0);
      // A download or a slow answer must not leave the form dead for good.
      window.setTimeout(function () { release(form); }, 15000);
    });
    // Back to a page kept in the browser's cache: its forms work again.
    window.addEventListener('pageshow', function (event) {
      if (event.persisted) { document.querySelectorAll('form[data-sending]').forEach(release); }
    });
  }

  // Steps that cannot be undone ask first: the form (or its button) carries data-confirm, the question in the
  // reader's language. Runs in the capture phase, before sendFormsOnce, so a "No" leaves the form untouched.
  function confirmFirst() {
    document.addEventListener('submit', function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
      if (!question || form.dataset.sending) { return; }
      if (!window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }, true);
  }

  function release(form) {
    delete form.dataset.sending;
    form.querySelectorAll('[data-sending-disabled]').forEach(function (button) {
      button.disabled = false;
      delete button.dataset.sendingDisabled;
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    autoSubmitLanguage();
    confirmFirst();
    sendFormsOnce();
  });
})();
