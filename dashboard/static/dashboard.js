// flaggen dashboard: progressive enhancement only. The page works
// without this file: the filter submits ?q=, and a kill needs its
// confirmation box ticked.
(function () {
  'use strict';
  var input = document.getElementById('filter');
  var shown = document.getElementById('shown');
  var flags = Array.prototype.slice.call(document.querySelectorAll('section.flag'));
  if (input) {
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      var n = 0;
      flags.forEach(function (s) {
        var hit = q === '' || (s.getAttribute('data-search') || '').indexOf(q) >= 0;
        s.hidden = !hit;
        if (hit) { n++; }
      });
      if (shown) { shown.textContent = String(n); }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('form.kill'), function (f) {
    f.addEventListener('submit', function (e) {
      var flag = f.getAttribute('data-flag');
      if (!window.confirm('Kill ' + flag + ' for the whole fleet? Everyone will get its default.')) {
        e.preventDefault();
      }
    });
  });
})();
