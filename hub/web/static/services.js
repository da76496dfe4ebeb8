// The tablet's services: a tile opens its screen, the resident picks with big buttons (a menu
// item; a place, a day, a time), says Ja to one question, and the request goes to the hub.
// Its status ("Angefragt", "Bestätigt: Dienstag 10:00") shows under the tile and in
// "Meine Anfragen". Every text comes from the hub; nothing here is a technical word.
(function () {
  "use strict";
  var O = window.Obhut;
  var holder = document.getElementById("service-words");
  if (!O || !holder) return;
  var words = JSON.parse(holder.dataset.words);
  var $ = function (id) { return document.getElementById(id); };
  var days = {}; // escort services' days and times, as the hub offers them now
  var pending = null; // {service, choice, screen}
  var asking = false;

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // One service's screen: its steps, and "Zurück" going one step back.
  function Flow(screen) {
    this.screen = screen;
    this.service = JSON.parse(screen.dataset.service);
    this.steps = [];
    this.ask = screen.querySelector(".ask");
    this.box = screen.querySelector(".choices");
    var flow = this;
    screen.addEventListener("obhut:open", function () { flow.start(); });
    screen.querySelector(".step-back").addEventListener("click", function () { flow.back(); });
  }

  Flow.prototype.show = function (question, items, onPick) {
    var flow = this;
    this.steps.push([question, items, onPick]);
    this.ask.textContent = question;
    this.box.textContent = "";
    items.forEach(function (entry) {
      flow.box.appendChild(O.button(entry.label, function () { onPick(entry); }));
    });
    var first = this.box.querySelector("button") || this.screen.querySelector(".step-back");
    first.focus();
  };

  Flow.prototype.back = function () {
    this.steps.pop(); // the step on screen
    var previous = this.steps.pop();
    if (previous) this.show(previous[0], previous[1], previous[2]); else O.close(this.screen);
  };

  Flow.prototype.start = function () {
    var s = this.service, flow = this;
    this.steps = [];
    if (s.kind === "meal" && s.menu.length) {
      this.show(words.pick_item, s.menu.map(function (m, i) { return { label: m, value: i }; }),
        function (e) { flow.confirm({ item: e.value }, e.label); });
    } else if (s.kind === "escort") {
      if (s.places.length === 1) this.day(s.places[0]);
      else this.show(words.pick_place, s.places.map(function (p) { return { label: p.label, value: p }; }),
        function (e) { flow.day(e.value); });
    } else {
      this.ask.textContent = "";
      this.box.textContent = "";
      this.confirm({}, s.item);
    }
  };

  Flow.prototype.day = function (place) {
    var flow = this, offered = days[this.service.id] || [];
    if (!offered.length) {
      this.show(words.no_days, [], function () {});
      return;
    }
    this.show(words.pick_day, offered.map(function (d) { return { label: d.label, value: d }; }),
      function (e) {
        flow.show(words.pick_time, e.value.times.map(function (t) { return { label: t, value: t }; }),
          function (t) {
            flow.confirm({ destination: place.id, date: e.value.date, time: t.value },
              place.label + ", " + e.value.label + ", " + t.value);
          });
      });
  };

  Flow.prototype.confirm = function (choice, detail) {
    pending = { service: this.service.id, choice: choice, screen: this.screen };
    $("service-confirm-question").textContent = this.service.question;
    $("service-confirm-detail").textContent = detail || "";
    O.open("service-confirm");
  };

  var flows = {};
  Array.prototype.forEach.call(document.querySelectorAll(".screen.service[data-service]"), function (screen) {
    var flow = new Flow(screen);
    flows[flow.service.id] = flow;
  });

  function home() {
    O.close($("service-confirm"));
    if (pending && pending.screen && !pending.screen.hidden) O.close(pending.screen);
  }

  $("service-no").addEventListener("click", function () { home(); pending = null; });
  $("service-yes").addEventListener("click", function () {
    if (!pending) return;
    var asked = pending;
    home();
    pending = null;
    var status = document.querySelector('[data-status-for="' + asked.service + '"]');
    if (status) status.textContent = words.requested;
    asking = true;
    // Delivered until the hub has it; the key makes a retry count once.
    O.deliver("/api/resident/requests", { service: asked.service, choice: asked.choice, key: newKey() })
      .then(function () { asking = false; refresh(); }, function () {
        asking = false;
        if (status) status.textContent = words.refused;
        refresh(true);
      });
  });

  // What the hub says about the requests: asked with every status, at once after the
  // resident asked and when the list opens (the audit log counts a polled view once).
  var inFlight = false;
  function refresh(keepNotes) {
    if (inFlight) return;
    inFlight = true;
    O.call("GET", "/api/resident/requests").then(function (data) {
      inFlight = false;
      days = data.days || {};
      if (!asking && !keepNotes) showLatest(data.latest || {});
      showList(data.requests || []);
    }, function () { inFlight = false; });
  }

  function showLatest(latest) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-status-for]"), function (el) {
      var r = latest[el.getAttribute("data-status-for")];
      el.textContent = r ? r.status : "";
    });
  }

  var shownList = "";
  function showList(list) {
    var text = JSON.stringify(list);
    if (text === shownList) return;
    shownList = text;
    var ul = $("my-requests-list");
    ul.textContent = "";
    list.forEach(function (r) {
      var li = O.item(r.what ? r.name + ": " + r.what : r.name, r.status + " · " + r.asked);
      li.setAttribute("data-tone", r.tone);
      li.setAttribute("data-request", r.id);
      ul.appendChild(li);
    });
    $("my-requests-none").hidden = list.length > 0;
  }

  O.onStatus(function () { if (!asking) refresh(); });
  $("my-requests").addEventListener("obhut:open", function () { refresh(); });
  refresh();
})();
