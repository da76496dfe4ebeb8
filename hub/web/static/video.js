// Video calls: the call's page full screen in a frame, "Verbinde mit …" until it has loaded,
// and a big red "Auflegen" that removes the frame (which ends the call) and goes home.
// Before an appointment the hub says so, and the tablet asks "Jetzt verbinden?".
(function () {
  "use strict";
  var O = window.Obhut;
  var reminderScreen = document.getElementById("video-reminder");
  if (!O || !reminderScreen) return;
  var noop = function () {};

  function event(screen, what) {
    O.call("POST", "/api/resident/video/" + encodeURIComponent(screen.dataset.call) + "/" + what).catch(noop);
  }

  // Camera and microphone need a secure context, for the page and every frame in it: a
  // tablet that reaches the hub at http://obhut.local is not one (the Pi's own screen at
  // http://127.0.0.1 is). There the call opens in a window of its own, which "Auflegen"
  // closes; if the browser allows no second window, the call takes over the tab.
  var callWindow = null;

  function startOutside(screen) {
    var connecting = screen.querySelector(".video-connecting");
    connecting.textContent = screen.dataset.ownWindow;
    connecting.hidden = false;
    callWindow = window.open(screen.dataset.url, "obhut-call");
    event(screen, "start");
    if (!callWindow) {
      window.location.assign(screen.dataset.url);
      return;
    }
    screen.querySelector(".hang-up").focus();
  }

  function start(screen) {
    if (!window.isSecureContext) { startOutside(screen); return; }
    var holder = screen.querySelector(".video-frame");
    var connecting = screen.querySelector(".video-connecting");
    holder.textContent = "";
    connecting.hidden = false;
    var frame = document.createElement("iframe");
    frame.allow = screen.dataset.allow;
    frame.setAttribute("allowfullscreen", "");
    frame.title = screen.getAttribute("aria-label");
    frame.addEventListener("load", function () { connecting.hidden = true; });
    frame.src = screen.dataset.url;
    holder.appendChild(frame);
    screen.querySelector(".hang-up").focus();
    event(screen, "start");
  }

  function hangUp(screen) {
    screen.querySelector(".video-frame").textContent = ""; // the call ends with its page
    if (callWindow) { callWindow.close(); callWindow = null; }
    O.close(screen);
    event(screen, "end");
  }

  var calls = document.querySelectorAll(".screen.video");
  Array.prototype.forEach.call(calls, function (screen) {
    screen.addEventListener("obhut:open", function () { start(screen); });
    screen.querySelector(".hang-up").addEventListener("click", function () { hangUp(screen); });
  });

  function inCall() {
    return Array.prototype.some.call(calls, function (screen) { return !screen.hidden; });
  }

  // Reminders: "Später" hides one until its time has come; then it asks once more.
  var dismissed = {}; // key → "soon" or "due"
  var current = null;

  function phase(r) { return r.due ? "due" : "soon"; }

  function show(reminders) {
    var next = null;
    reminders.forEach(function (r) {
      var seen = dismissed[r.key];
      if (!next && seen !== "due" && seen !== phase(r)) next = r;
    });
    if (!next || inCall()) {
      if (!reminderScreen.hidden) O.close(reminderScreen);
      current = null;
      return;
    }
    document.getElementById("video-reminder-text").textContent = next.text;
    current = next;
    if (reminderScreen.hidden) O.open("video-reminder");
  }

  document.getElementById("video-connect").addEventListener("click", function () {
    if (!current) return;
    dismissed[current.key] = "due";
    O.close(reminderScreen);
    O.open("video-" + current.call);
    current = null;
  });
  document.getElementById("video-later").addEventListener("click", function () {
    if (current) dismissed[current.key] = phase(current);
    O.close(reminderScreen);
    current = null;
  });

  var inFlight = false;
  function refresh() {
    if (inFlight) return;
    inFlight = true;
    O.call("GET", "/api/resident/video").then(function (data) {
      inFlight = false;
      show(data.reminders || []);
    }, function () { inFlight = false; });
  }
  O.onStatus(refresh);
  refresh();
})();
