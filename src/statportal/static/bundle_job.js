/* The offline copy's page (bundle/templates/bundle_jobs.pt): while a copy waits or is being
   made, ask its state every few seconds (SECTION/@bundle-jobs, a GET that writes nothing)
   and move its progress bar; when a copy's state changes (it starts, is ready or failed),
   load the page again to show it. Without this script the page's own link does that. */
(function () {
  "use strict";
  var section = document.getElementById("bundle-jobs");
  if (!section || section.getAttribute("data-active") !== "true") { return; }
  var url = section.getAttribute("data-status-url");
  function changed(items) {
    return items.some(function (item) {
      var row = section.querySelector("[data-job='" + item.id + "']");
      if (!row || row.getAttribute("data-state") !== item.state) { return true; }
      var bar = row.querySelector("progress");
      var count = row.querySelector(".bundle-count");
      if (bar && item.total) { bar.max = item.total; bar.value = item.done; }
      if (count) { count.textContent = item.done + " / " + item.total; }
      return false;
    });
  }
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data !== null && changed(data.items)) { window.location.reload(); return; }
        window.setTimeout(poll, 3000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 3000);
}());
