// The installer's pages: the pairing countdown, and devices that join while the page is open.
// Everything works without this script (plain forms); it only saves reloading the page.
(function () {
  "use strict";
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var status = document.getElementById("permit-status");
  var table = document.getElementById("devices");
  var left = status ? parseInt(status.dataset.left || "0", 10) : 0;
  var ticker = null;
  var polling = null;
  var quietPolls = 0;

  function show() {
    if (!status) return;
    if (left > 0) {
      status.textContent = status.dataset.open.replace("{s}", String(left));
    } else if (ticker !== null) {
      status.textContent = status.dataset.done;
    }
  }

  function tick() {
    left = Math.max(0, left - 1);
    show();
    if (left === 0 && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
      status.textContent = status.dataset.done;
    }
  }

  function countdown(seconds) {
    left = seconds;
    if (ticker !== null) clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    show();
    watch();
  }

  // While pairing is open (and a little after), look for devices that are not on the page
  // yet and take their rows from a fresh copy of the page: forms being filled in stay as
  // they are.
  function known() {
    var seen = {};
    if (!table) return seen;
    table.querySelectorAll("tbody tr[data-ieee]").forEach(function (row) {
      seen[row.dataset.ieee] = row;
    });
    return seen;
  }

  function refresh() {
    return fetch("/installer/devices", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var body = table.querySelector("tbody");
        var seen = known();
        doc.querySelectorAll("#devices tbody tr[data-ieee]").forEach(function (row) {
          if (!seen[row.dataset.ieee]) {
            var empty = body.querySelector("tr.empty");
            if (empty) empty.remove();
            body.insertBefore(document.importNode(row, true), body.firstChild);
          }
        });
      });
  }

  function poll() {
    fetch("/api/installer/devices", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var seen = known();
        var missing = data.devices.some(function (d) { return !seen[d.ieee]; });
        if (missing) refresh();
        quietPolls = data.permit_left > 0 ? 0 : quietPolls + 1;
        if (quietPolls > 15 && polling !== null) {
          clearInterval(polling);
          polling = null;
        }
      })
      .catch(function () { /* the next poll tries again */ });
  }

  function watch() {
    quietPolls = 0;
    if (polling === null) polling = setInterval(poll, 1000);
  }

  var form = document.getElementById("permit-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = document.getElementById("permit");
      var seconds = parseInt(button.dataset.seconds || "120", 10);
      fetch("/api/zigbee/permit", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
        body: JSON.stringify({ seconds: seconds })
      })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
        .then(function (data) { countdown(data.permitted); })
        .catch(function () { form.submit(); });
    });
  }
  if (left > 0) countdown(left);
})();
