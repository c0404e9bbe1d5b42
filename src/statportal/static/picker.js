/* Reference pickers (statportal.views.picker): a text input that keeps working without
   this script (a path or a pasted address is accepted by the server) becomes a combobox
   (WAI-ARIA 1.2 "combobox with listbox popup"): typing two characters asks
   @@references for matches; ArrowDown/ArrowUp move, Enter chooses, Escape closes. The
   chosen option writes the object's path into the input; what it fills (the result's
   "fill", e.g. a plan item's title, section, category, languages and release) goes into
   the form's fields she has left empty or not touched: what she typed stays. */
(function () {
  "use strict";

  // The form's controls by their peppercorn names: "title.kk", "category", and a
  // checkbox group by its sequence ("languages").
  function controls(form) {
    var stack = [], found = {};
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.name === "__start__") { stack.push(el.value.split(":")[0]); continue; }
      if (el.name === "__end__") { stack.pop(); continue; }
      if (!el.name) { continue; }
      var group = (el.type === "checkbox" || el.type === "radio") && stack.length;
      var key = (group ? stack : stack.concat([el.name])).join(".");
      (found[key] = found[key] || []).push(el);
    }
    return found;
  }

  function touchedOf(form) {
    if (!form.pickerTouched) {
      var touched = form.pickerTouched = [];
      var mark = function (e) { if (touched.indexOf(e.target) < 0) { touched.push(e.target); } };
      form.addEventListener("input", mark);
      form.addEventListener("change", mark);
    }
    return form.pickerTouched;
  }

  function fillForm(form, fill, except) {
    var found = controls(form), touched = touchedOf(form);
    function put(key, value) {
      var els = found[key] || [];
      if (!els.length || els.indexOf(except) >= 0) { return; }
      var el = els[0];
      if (el.type === "checkbox") {
        var any = els.some(function (c) { return c.checked || touched.indexOf(c) >= 0; });
        if (!any) { els.forEach(function (c) { c.checked = value.indexOf(c.value) >= 0; }); }
      } else if (el.tagName === "SELECT") {
        var known = Array.prototype.some.call(el.options, function (o) {
          return o.value === value;
        });
        if (known && (!el.value || touched.indexOf(el) < 0)) { el.value = value; }
      } else if (!el.value.trim()) {
        el.value = value;
      }
    }
    var removal = (found.placement_type || []).some(function (r) {
      return r.checked && r.value === "delete";
    });
    Object.keys(fill).forEach(function (key) {
      var value = fill[key];
      if (key === "release" && removal) { return; }  // a removal is not tied to a release
      if (value && typeof value === "object" && !Array.isArray(value)) {
        Object.keys(value).forEach(function (lang) { put(key + "." + lang, value[lang]); });
      } else {
        put(key, value);
      }
    });
  }

  function setup(box) {
    var input = box.querySelector("input[data-picker]");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector("[role=status]");
    var url = box.getAttribute("data-picker-url");
    if (!input || !list || !url) { return; }
    var active = -1, items = [], timer = null, asked = 0;
    if (input.form) { touchedOf(input.form); }  // from now on, what she changes is hers

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      var options = list.querySelectorAll("[role=option]");
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      if (index < 0 || index >= items.length) { return; }
      input.value = items[index].path;
      close();
      status.textContent = items[index].title;
      input.dispatchEvent(new Event("change", {bubbles: true}));
      if (items[index].fill && input.form) { fillForm(input.form, items[index].fill, input); }
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var title = document.createElement("span");
        title.className = "picker-title";
        title.textContent = item.title;
        var path = document.createElement("span");
        path.className = "picker-path";
        path.textContent = item.path;
        li.appendChild(title);
        li.appendChild(path);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      var count = found.length;
      status.textContent = count ? count + " \u2193" : "\u2205";
      if (count) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        mark(-1);
      } else {
        close();
      }
    }

    function ask() {
      var text = input.value.trim();
      // A path or an address is taken as it is: nothing to search for.
      if (text.length < 2 || text.charAt(0) === "/" || /^https?:/i.test(text)) {
        close();
        return;
      }
      var mine = ++asked;
      var sep = url.indexOf("?") < 0 ? "?" : "&";
      fetch(url + sep + "q=" + encodeURIComponent(text),
            {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {items: []}; })
        .then(function (data) { if (mine === asked) { show(data.items || []); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden;
      if (e.key === "ArrowDown") {
        if (!open) { ask(); return; }
        e.preventDefault();
        mark(Math.min(active + 1, items.length - 1));
      } else if (e.key === "ArrowUp" && open) {
        e.preventDefault();
        mark(Math.max(active - 1, 0));
      } else if (e.key === "Enter" && open && active >= 0) {
        e.preventDefault();  // choose, do not submit the form
        choose(active);
      } else if (e.key === "Escape" && open) {
        e.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function start() {
    var boxes = document.querySelectorAll(".picker[data-picker-url]");
    for (var i = 0; i < boxes.length; i++) { setup(boxes[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
