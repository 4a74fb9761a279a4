// The trip filing form: show the report's due date (5 PRC working days after return) as the
// return date is chosen. The server computes it (holidays and make-up working days included).
(function () {
  var end = document.getElementById('end_date');
  var out = document.getElementById('due-date');
  if (!end || !out) { return; }
  end.addEventListener('change', function () {
    fetch(out.dataset.url + '?end=' + encodeURIComponent(end.value), {credentials: 'same-origin'})
      .then(function (r) { return r.json(); })
      .then(function (d) { out.textContent = d.due || '—'; });
  });
})();
