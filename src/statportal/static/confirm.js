/* The question before an action that asks one (statportal.views.actions: a transition,
   Sharing's Revoke; any submit button with data-confirm): a modal
   <dialog> with what will happen, the action's own button and Cancel. Without this script
   the server asks on a confirmation page instead; so the form is only ever sent with
   confirmed=1 from here. Texts come from data attributes and are set as text, never HTML. */
(function () {
  "use strict";
  var dialog = null;

  function build(holder) {
    var d = document.createElement("dialog");
    d.className = "confirm-dialog";
    d.setAttribute("aria-labelledby", "confirm-dialog-title");
    d.setAttribute("aria-describedby", "confirm-dialog-text");
    d.innerHTML = '<h2 id="confirm-dialog-title"></h2><p id="confirm-dialog-text"></p>' +
      '<p class="confirm-dialog-note"></p><div class="actions">' +
      '<button type="button" class="confirm-yes"></button> ' +
      '<button type="button" class="secondary confirm-no"></button></div>';
    d.querySelector(".confirm-no").textContent = holder.dataset.confirmCancel || "Cancel";
    d.querySelector(".confirm-no").addEventListener("click", function () { d.close(); });
    document.body.appendChild(d);
    return d;
  }

  function ask(button) {
    // the texts of the dialog: the shared buttons' holder, or the button itself
    var holder = button.closest("[data-confirm-cancel]") || button;
    var form = button.form;
    if (!dialog) { dialog = build(holder); }
    var irreversible = button.dataset.irreversible === "1";
    // the button's visible words, not its screen-reader label (Sharing's "Revoke: role —
    // who" would read twice); a data-confirm-title says it better where given
    var shown = button.cloneNode(true);
    shown.querySelectorAll(".visually-hidden").forEach(function (el) { el.remove(); });
    var label = shown.textContent.trim();
    dialog.querySelector("#confirm-dialog-title").textContent =
      button.dataset.confirmTitle || label;
    dialog.querySelector("#confirm-dialog-text").textContent = button.dataset.confirm;
    var note = dialog.querySelector(".confirm-dialog-note");
    note.textContent = irreversible ? (holder.dataset.confirmNote || "") : "";
    note.hidden = !irreversible;
    var old = dialog.querySelector(".confirm-yes");
    var yes = old.cloneNode(false);  // drop the last question's listener
    old.replaceWith(yes);
    yes.textContent = label;
    yes.className = "confirm-yes" + (irreversible ? " danger" : "");
    yes.addEventListener("click", function () {
      [[button.name, button.value], ["confirmed", "1"]].forEach(function (pair) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = pair[0]; input.value = pair[1];
        form.appendChild(input);
      });
      dialog.close();
      form.submit();
    });
    dialog.showModal();
    dialog.querySelector(".confirm-no").focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (!button || !button.form || typeof HTMLDialogElement === "undefined") { return; }
    var comment = button.form.elements.namedItem("comment");
    if (button.dataset.needsComment === "1" && comment && !comment.value.trim()) {
      return;  // the server refuses at the comment field first, as it does without script
    }
    event.preventDefault();
    ask(button);
  });
}());
