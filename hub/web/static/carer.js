// The alert buttons on /carer: sent with fetch and the CSRF header, then the page is shown
// again with the new state. Without this script the forms post to /carer/alerts/… instead.
(function () {
  "use strict";
  var note = document.getElementById("carer-note");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  function say(key) {
    if (note) note.textContent = note.getAttribute("data-" + key) || "";
  }

  document.querySelectorAll("form[data-api]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var buttons = form.parentNode.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      say("sending");
      fetch(form.getAttribute("data-api"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": token, "Accept": "application/json" }
      }).then(function (response) {
        if (response.ok || response.status === 409) {
          if (response.status === 409) say("no-change");
          window.location.reload();
          return;
        }
        throw new Error(String(response.status));
      }).catch(function () {
        say("failed");
        buttons.forEach(function (b) { b.disabled = false; });
      });
    });
  });
})();
