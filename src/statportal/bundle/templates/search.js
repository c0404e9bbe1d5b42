/* The bundle's offline search: the index is a script (search-index.js sets
   window.BUNDLE_INDEX), because a page opened from file:// may not fetch() a JSON file. */
(function () {
  var form = document.getElementById("bundle-search");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var lang = form.getAttribute("data-lang");
  var root = form.getAttribute("data-root");
  function norm(text) { return (text || "").toLocaleLowerCase(); }
  function run(query) {
    var words = norm(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    var found = (window.BUNDLE_INDEX || []).filter(function (entry) {
      if (lang && entry.lang !== lang) { return false; }
      var text = norm(entry.title + " " + entry.text);
      return words.every(function (word) { return text.indexOf(word) !== -1; });
    });
    found.forEach(function (entry) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + entry.url;
      link.textContent = entry.title;
      link.lang = entry.lang;
      item.appendChild(link);
      if (entry.date) {
        var date = document.createElement("span");
        date.className = "meta";
        date.textContent = " " + entry.date;
        item.appendChild(date);
      }
      list.appendChild(item);
    });
    status.textContent = found.length ? status.getAttribute("data-found").replace("${n}", found.length)
                                      : status.getAttribute("data-none");
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); run(input.value); });
  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) { input.value = asked; run(asked); }
}());
