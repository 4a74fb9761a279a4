/* InvestTrack's small script, served locally (no CDN). Progressive: every page works without it. */
(function () {
  "use strict";

  // List cards on phones: each cell shows its column's name (CSS reads data-label).
  document.querySelectorAll("table.table-cards").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    var names = Array.prototype.map.call(heads, function (th) { return th.textContent.replace(/[↑↓]/g, "").trim(); });
    var optional = Array.prototype.map.call(heads, function (th) { return th.classList.contains("col-opt"); });
    table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
      var col = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (!cell.hasAttribute("data-label") && names[col]) cell.setAttribute("data-label", names[col]);
        if (optional[col] && (cell.colSpan || 1) === 1) cell.classList.add("col-opt");
        col += cell.colSpan || 1;
      });
    });
  });

  // Selects that submit their form when changed (the sort select on phones).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit(); });
  });

  // Searchable selects: a text box above the select keeps only the options containing what is typed.
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.getAttribute("data-searchable") || "";
    box.setAttribute("aria-label", box.placeholder);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase(), first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !needle || option.text.toLowerCase().indexOf(needle) !== -1 || option.value === "";
        option.hidden = !match;
        if (match && option.value && !first) first = option;
      });
      // Nothing chosen yet, or the choice filtered out: take the first match (the user sees it).
      var chosen = select.selectedOptions[0];
      if (needle && first && (!chosen || !chosen.value || chosen.hidden)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });

  // A link to a part of a folded section (e.g. #permits on a phone) unfolds the section first.
  function unfoldTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var folded = target && target.closest(".collapse:not(.show)");
    if (folded && window.bootstrap) { window.bootstrap.Collapse.getOrCreateInstance(folded).show(); target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", unfoldTarget);
  unfoldTarget();
})();
