// The reminder form on /carer/reminders: sent with fetch and the CSRF header, so that a
// picture of up to 2 MB can come along (a plain form post is limited to 64 KB). The hub
// answers with the next page (after saving) or the form again with its problems.
// Without this script the form posts as usual; only small pictures fit then.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (!form.hasAttribute("data-upload") || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token, "Accept": "text/html" },
    }).then(function (response) {
      if (response.redirected) {
        window.location.assign(response.url);
        return null;
      }
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var main = page.querySelector("main");
        if (!main) throw new Error("no page");
        document.querySelector("main").replaceWith(document.adoptNode(main));
        var problems = document.getElementById("problems");
        if (problems) problems.focus();
      });
    }).catch(function () {
      // The hub could not be reached: send the form the plain way instead.
      buttons.forEach(function (b) { b.disabled = false; });
      form.submit();
    });
  });
})();
