/* Folder contents: "select all on this page", and the filter box hiding the rows of this
   page that do not match while typing. Without this script the filter is sent (?filter=)
   and the server filters the whole folder; every checkbox still works one by one. */
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  var boxes = function () {
    return Array.prototype.slice.call(document.querySelectorAll("input[name=ids][form=bulk]"));
  };
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes().forEach(function (box) {
        if (!box.closest("tr").hidden) { box.checked = all.checked; }
      });
    });
  }
  var field = document.getElementById("contents-filter");
  if (field) {
    field.addEventListener("input", function () {
      var needle = field.value.trim().toLowerCase();
      document.querySelectorAll("table.contents tbody tr").forEach(function (row) {
        var text = (row.getAttribute("data-filter-text") || "").toLowerCase();
        row.hidden = needle !== "" && text.indexOf(needle) === -1;
      });
    });
  }
}());
