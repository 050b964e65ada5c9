// The meeting schedule form's agenda as rows (a title and its minutes each), not a bar typed by hand.
// The textarea stays the form's field (and the way without JavaScript): the rows write it before sending.
(function () {
  'use strict';

  document.addEventListener('DOMContentLoaded', function () {
    var area = document.getElementById('agenda');
    var box = document.getElementById('agenda-rows');
    if (!area || !box) { return; }
    var t = box.dataset;
    var list = document.createElement('ol');
    list.className = 'agenda-rows';
    var n = 0;

    function row(title, minutes) {
      n += 1;
      var li = document.createElement('li');
      li.className = 'agenda-row';
      var titleLabel = document.createElement('label');
      titleLabel.htmlFor = 'agenda-title-' + n;
      titleLabel.textContent = t.tTitle;
      var titleInput = document.createElement('input');
      titleInput.id = 'agenda-title-' + n;
      titleInput.className = 'agenda-title';
      titleInput.maxLength = 200;
      titleInput.value = title;
      var minutesLabel = document.createElement('label');
      minutesLabel.htmlFor = 'agenda-minutes-' + n;
      minutesLabel.textContent = t.tMinutes;
      var minutesInput = document.createElement('input');
      minutesInput.id = 'agenda-minutes-' + n;
      minutesInput.className = 'agenda-minutes';
      minutesInput.type = 'number';
      minutesInput.min = '1';
      minutesInput.inputMode = 'numeric';
      minutesInput.value = minutes;
      var remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'secondary agenda-remove';
      remove.textContent = t.tRemove;
      remove.addEventListener('click', function () {
        li.remove();
        var first = list.querySelector('.agenda-title');
        if (first) { first.focus(); } else { add.focus(); }
      });
      [titleLabel, titleInput, minutesLabel, minutesInput, remove].forEach(function (el) { li.appendChild(el); });
      list.appendChild(li);
      return titleInput;
    }

    (area.value || '').split('\n').forEach(function (line) {
      line = line.replace(/｜/g, '|').trim();
      if (!line) { return; }
      var at = line.lastIndexOf('|');
      if (at < 0) { row(line, '15'); } else { row(line.slice(0, at).trim(), line.slice(at + 1).trim()); }
    });
    if (!list.children.length) { row('', '15'); }

    var add = document.createElement('button');
    add.type = 'button';
    add.className = 'secondary agenda-add';
    add.textContent = t.tAdd;
    add.addEventListener('click', function () { row('', '15').focus(); });

    box.appendChild(list);
    box.appendChild(add);
    box.hidden = false;
    area.closest('.field').hidden = true;

    area.form.addEventListener('submit', function () {
      var lines = [];
      list.querySelectorAll('.agenda-row').forEach(function (li) {
        var title = li.querySelector('.agenda-title').value.trim();
        var minutes = li.querySelector('.agenda-minutes').value.trim();
        if (title) { lines.push(title + ' | ' + (minutes || '15')); }
      });
      area.value = lines.join('\n');
    }, true);
  });
})();
