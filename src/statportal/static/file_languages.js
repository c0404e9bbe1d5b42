/* The request's languages from its files: choosing a file whose name tells its language
   (…_kaz.docx, …-rus.pdf; the same markers as statportal.files.upload.guess_language,
   read from the input's data-language-markers) or whose language is chosen beside it
   ticks that language in the form's "Languages" (the material is submitted in the
   languages of its files, annex field 5). A box she ticked or cleared herself is left as
   she set it. Without this script she ticks them; the server checks them either way. */
(function () {
  "use strict";

  function guess(name, markers) {
    var stem = name.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "").toLowerCase();
    for (var language in markers) {
      var pattern = new RegExp("(^|[^\\p{L}\\p{N}])(" + markers[language].join("|") +
                               ")($|[^\\p{L}\\p{N}])", "u");
      if (pattern.test(stem)) { return language; }
    }
    return null;
  }

  function wire(form) {
    var boxes = form.querySelectorAll(".item-languages input[type=checkbox]");
    if (!boxes.length) { return; }
    var touched = [];
    boxes.forEach(function (box) {
      box.addEventListener("change", function (event) {
        if (event.isTrusted && touched.indexOf(box) < 0) { touched.push(box); }
      });
    });
    function tick(language) {
      boxes.forEach(function (box) {
        if (box.value === language && touched.indexOf(box) < 0) { box.checked = true; }
      });
    }
    form.querySelectorAll("input[type=file][data-language-markers]").forEach(function (input) {
      var markers = JSON.parse(input.getAttribute("data-language-markers"));
      var select = form.querySelector("select[id='" + input.id + "-language']");
      function update() {
        var chosen = select && select.value;
        var file = input.files && input.files[0];
        var language = chosen || (file ? guess(file.name, markers) : null);
        if (language) { tick(language); }
      }
      input.addEventListener("change", update);
      if (select) { select.addEventListener("change", update); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(wire);
  });
}());
