// Live updates from /events; the browser reconnects by itself, we only show a calm notice.
(function () {
  "use strict";
  var script = document.currentScript;
  var words = { on: script.dataset.on, off: script.dataset.off };
  var status = document.getElementById("status");
  var recent = document.getElementById("recent");
  var state = document.getElementById("state");
  var findings = document.getElementById("findings");
  var MAX_ROWS = 200;

  function shown(value) {
    if (value === true) return words.on;
    if (value === false) return words.off;
    return String(value);
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  function onObservation(o) {
    var empty = recent.querySelector("tr.empty");
    if (empty) empty.remove();
    var row = document.createElement("tr");
    [o.time, o.name, o.room, shown(o.value), o.source].forEach(function (t) { cell(row, t); });
    recent.insertBefore(row, recent.firstChild);
    while (recent.children.length > MAX_ROWS) recent.removeChild(recent.lastChild);

    var tile = state.querySelector('[data-entity="' + CSS.escape(o.entity) + '"]');
    if (!tile) {
      tile = document.createElement("div");
      tile.className = "tile";
      tile.dataset.entity = o.entity;
      ["name", "value", "time"].forEach(function (c) {
        var s = document.createElement("span");
        s.className = c;
        tile.appendChild(s);
      });
      state.appendChild(tile);
    }
    tile.querySelector(".name").textContent = o.name;
    tile.querySelector(".value").textContent = shown(o.value);
    tile.querySelector(".time").textContent = o.time;
  }

  function onFinding(f) {
    var empty = findings.querySelector("li.empty");
    if (empty) empty.remove();
    var li = document.createElement("li");
    li.className = "sev-" + f.severity;
    li.textContent = f.time + " · " + f.summary;
    findings.insertBefore(li, findings.firstChild);
  }

  function connect() {
    var source = new EventSource("/events");
    source.onopen = function () { status.hidden = true; };
    source.onerror = function () { status.hidden = false; };
    source.addEventListener("observation", function (e) { onObservation(JSON.parse(e.data)); });
    source.addEventListener("finding", function (e) { onFinding(JSON.parse(e.data)); });
  }

  document.querySelectorAll("#state .value").forEach(function (v) {
    if (v.textContent === "True") v.textContent = words.on;
    if (v.textContent === "False") v.textContent = words.off;
  });
  document.querySelectorAll("#recent td:nth-child(4)").forEach(function (v) {
    if (v.textContent === "True") v.textContent = words.on;
    if (v.textContent === "False") v.textContent = words.off;
  });
  connect();
})();
