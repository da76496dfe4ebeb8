// The resident's tablet. It asks the hub every few seconds what to show; whatever goes
// wrong on the way, the resident sees a calm "Verbinde…" and the page carries on by itself.
(function () {
  "use strict";
  var conf = document.getElementById("words").dataset;
  var words = JSON.parse(conf.words);
  var lang = conf.lang === "en" ? "en-GB" : "de-DE";
  var POLL = parseInt(conf.poll, 10) || 2000;
  var RETRY = Math.min(POLL, 2000);
  var HOLD_MS = 1500;
  var $ = function (id) { return document.getElementById(id); };
  var helper = conf.helper || "";

  function say(key, fields) {
    var text = words[key] || "";
    Object.keys(fields || {}).forEach(function (k) { text = text.split("{" + k + "}").join(fields[k]); });
    return text;
  }

  // Clock, date, greeting: in the home's time zone, whatever the tablet thinks.
  var timeFmt = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZone: conf.tz });
  var dateFmt = new Intl.DateTimeFormat(lang, {
    weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: conf.tz,
  });
  var hourFmt = new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone: conf.tz });
  function tick() {
    var now = new Date();
    var hour = parseInt(hourFmt.format(now), 10);
    var part = hour < 5 ? "night" : hour < 11 ? "morning" : hour < 17 ? "day" : hour < 22 ? "evening" : "night";
    $("clock").textContent = timeFmt.format(now);
    $("date").textContent = dateFmt.format(now);
    $("greeting").textContent = words[part] + (conf.resident ? ", " + conf.resident : "");
  }

  // Talking to the hub.
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) return meta.content;
    var m = document.cookie.match(/(?:^|;\s*)(?:obhut_csrf|csrf)=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : null;
  }

  function connection(ok) {
    $("connection").hidden = ok;
  }

  // Resolves with the answer's JSON; rejects with "lost" (no answer, or the hub is not
  // itself) or "refused" (the hub answered no).
  function call(method, path, body) {
    var headers = { Accept: "application/json" };
    if (method !== "GET") {
      var token = csrfToken();
      if (token) headers["X-CSRF-Token"] = token;
      headers["Content-Type"] = "application/json";
    }
    return fetch(path, {
      method: method, headers: headers, credentials: "same-origin", cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (resp) {
      if (resp.status >= 500 || resp.status === 401) throw "lost";
      connection(true);
      if (!resp.ok) throw "refused";
      return resp.json().catch(function () { return {}; });
    }, function () { throw "lost"; }).catch(function (why) {
      if (why !== "refused") connection(false);
      throw why === "refused" ? "refused" : "lost";
    });
  }

  // An action that must arrive (help, "all good"): tried again until the hub has it.
  function deliver(path, body) {
    return call("POST", path, body).catch(function (why) {
      if (why === "refused") throw why;
      return new Promise(function (resolve) { setTimeout(resolve, RETRY); }).then(function () {
        return deliver(path, body);
      });
    });
  }

  var noteTimers = {};
  function note(id, text, ms) {
    $(id).textContent = text;
    clearTimeout(noteTimers[id]);
    if (ms) noteTimers[id] = setTimeout(function () { $(id).textContent = ""; }, ms);
  }

  function button(text, onPress, pressed) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (pressed !== undefined) b.setAttribute("aria-pressed", pressed ? "true" : "false");
    b.addEventListener("click", onPress);
    return b;
  }

  function item(what, extra) {
    var li = document.createElement("li");
    var span = document.createElement("span");
    span.className = "what";
    span.textContent = what;
    li.appendChild(span);
    if (extra) {
      var p = document.createElement("span");
      p.className = "level";
      p.textContent = extra;
      li.appendChild(p);
    }
    return li;
  }

  // "Mir geht es gut"
  $("check-in").addEventListener("click", function () {
    deliver("/api/resident/check_in").then(function () {
      note("check-in-done", words.checked_in, 15000);
    }, function () { note("check-in-done", words.not_now, 8000); });
  });

  // Help: held for HOLD_MS, with the fill rising meanwhile; a brush of the finger does nothing.
  var helpBtn = $("help");
  var holdTimer = null;
  function holdStart(e) {
    if (e && e.preventDefault) e.preventDefault();
    if (holdTimer) return;
    helpBtn.classList.add("holding");
    $("help-hint").textContent = words.help_keep;
    holdTimer = setTimeout(function () {
      holdTimer = null;
      helpBtn.classList.remove("holding");
      $("help-hint").textContent = words.help_hint;
      callForHelp();
    }, HOLD_MS);
  }
  function holdEnd() {
    if (!holdTimer) return;
    clearTimeout(holdTimer);
    holdTimer = null;
    helpBtn.classList.remove("holding");
    $("help-hint").textContent = words.help_hint;
  }
  helpBtn.addEventListener("pointerdown", holdStart);
  ["pointerup", "pointerleave", "pointercancel"].forEach(function (ev) {
    helpBtn.addEventListener(ev, holdEnd);
  });
  helpBtn.addEventListener("keydown", function (e) {
    if ((e.key === "Enter" || e.key === " ") && !e.repeat) holdStart(e);
  });
  helpBtn.addEventListener("keyup", holdEnd);
  helpBtn.addEventListener("contextmenu", function (e) { e.preventDefault(); });

  var helpDismissed = null; // the alert whose screen the resident closed
  function showHelp(title, who) {
    $("help-title").textContent = title;
    $("help-who").textContent = who;
    if ($("help-screen").hidden) {
      $("help-screen").hidden = false;
      $("help-back").focus();
    }
  }
  function notifying(name) {
    return name ? say("help_notifying", { name: name }) : "";
  }
  function callForHelp() {
    helpDismissed = null;
    showHelp(words.help_calling, notifying(helper) || words.help_calling);
    deliver("/api/resident/help").then(function (answer) {
      if (answer.helper) helper = answer.helper;
      showHelp(words.help_calling, notifying(helper) || words.help_calling);
    }, function () { /* refused: the next status says what is going on */ });
  }
  $("help-back").addEventListener("click", function () {
    $("help-screen").hidden = true;
    helpDismissed = current.help ? current.help.id : "any";
  });

  // The pre-alert: "Ist alles in Ordnung?" with its countdown, counted on this tablet.
  var asked = null; // {id, deadline (ms, performance clock), seconds}
  var answered = {};
  function ask(pre) {
    var now = performance.now();
    var deadline = now + pre.seconds_left * 1000;
    if (asked && asked.id === pre.id) {
      asked.deadline = Math.min(asked.deadline, deadline);
    } else {
      asked = { id: pre.id, deadline: deadline, seconds: pre.seconds || pre.seconds_left };
      $("pre-alert").hidden = false;
      $("pre-alert-ok").focus();
    }
    countdown();
  }
  function countdown() {
    if (!asked) return;
    var left = Math.max(0, Math.ceil((asked.deadline - performance.now()) / 1000));
    $("pre-alert-left").textContent = say("seconds_left", { n: left });
    var share = asked.seconds > 0 ? Math.min(1, left / asked.seconds) : 0;
    $("pre-alert-bar").style.width = (share * 100).toFixed(1) + "%";
    if (left <= 0) {
      asked = null;
      $("pre-alert").hidden = true;
      helpDismissed = null;
      showHelp(words.help_coming, notifying(helper));
    }
  }
  function unask() {
    asked = null;
    $("pre-alert").hidden = true;
  }
  $("pre-alert-ok").addEventListener("click", function () {
    if (!asked) return;
    var id = asked.id;
    answered[id] = true;
    unask();
    note("check-in-done", words.thanks_ok, 15000);
    deliver("/api/resident/pre_alert/" + id + "/ok").catch(function () {});
  });

  // What the status says.
  var current = {};
  var shown = {};
  function changed(key, value) {
    var text = JSON.stringify(value);
    if (shown[key] === text) return false;
    shown[key] = text;
    return true;
  }

  var listeners = [];
  function render(status) {
    current = status;
    listeners.forEach(function (fn) {
      try { fn(status); } catch (e) { /* one part's mistake must not stop the tablet */ }
    });
    if (status.helper) helper = status.helper;
    var pre = status.pre_alert;
    if (pre && !answered[pre.id]) ask(pre);
    else if (asked && (!pre || pre.id !== asked.id)) unask();

    if (status.help) {
      var h = status.help;
      var who = h.acknowledged_by ? say("help_taken", { name: h.acknowledged_by }) : notifying(helper);
      if (helpDismissed !== h.id && helpDismissed !== "any") showHelp(words.help_coming, who);
      $("help-hint").textContent = words.help_coming;
    } else if (!holdTimer) {
      $("help-hint").textContent = words.help_hint;
      if (helpDismissed !== null || $("help-title").textContent === words.help_coming) {
        $("help-screen").hidden = true;
      }
      helpDismissed = null;
    }

    if (changed("reminders", status.reminders)) renderReminders(status.reminders || []);
    if (changed("lights", status.lights)) renderLights(status.lights || []);
    if (changed("heating", status.heating)) renderHeating(status.heating || []);
  }

  function renderReminders(list) {
    var ul = $("reminder-list");
    ul.textContent = "";
    list.forEach(function (r) {
      var li = item(r.at ? r.at + " · " + r.text : r.text);
      li.className = "reminder";
      if (r.picture) {
        // The pill box beside the text; a picture that will not load is simply left out.
        var img = document.createElement("img");
        img.className = "picture";
        img.alt = "";
        img.addEventListener("error", function () { img.remove(); });
        img.src = r.picture;
        li.insertBefore(img, li.firstChild);
      }
      var confirm = button(r.medication ? words.taken : words.done, function () {
        li.remove();
        if (!ul.children.length) $("reminders").hidden = true;
        deliver("/api/resident/reminder/" + encodeURIComponent(r.rule) + "/confirm").catch(function () {});
      });
      confirm.className = "big ok";
      li.appendChild(confirm);
      ul.appendChild(li);
    });
    $("reminders").hidden = list.length === 0;
  }

  function act(path, body) {
    call("POST", path, body).then(function (answer) {
      if (answer.ok === false) note("action-note", words.not_now, 8000);
      poll(true);
    }, function () { note("action-note", words.not_now, 8000); });
  }

  function renderLights(list) {
    var ul = $("light-list");
    ul.textContent = "";
    list.forEach(function (l) {
      var li = item(l.room);
      [["on", words.light_on, l.level >= 60], ["dim", words.light_dim, l.level > 0 && l.level < 60],
       ["off", words.light_off, !l.level]].forEach(function (o) {
        li.appendChild(button(o[1], function () { act("/api/resident/light", { entity: l.entity, level: o[0] }); }, o[2]));
      });
      ul.appendChild(li);
    });
    $("lights").hidden = list.length === 0;
  }

  function degrees(v) {
    return v.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }

  function renderHeating(list) {
    var ul = $("heating-list");
    ul.textContent = "";
    list.forEach(function (h) {
      var parts = [];
      if (h.temperature !== null) parts.push(say("now", { t: degrees(h.temperature) }));
      if (h.setpoint !== null) parts.push(say("set", { t: degrees(h.setpoint) }));
      var li = item(h.room, parts.join(" · "));
      li.appendChild(button(words.cooler, function () { act("/api/resident/heating", { entity: h.entity, change: "cooler" }); }));
      li.appendChild(button(words.warmer, function () { act("/api/resident/heating", { entity: h.entity, change: "warmer" }); }));
      ul.appendChild(li);
    });
    $("heating").hidden = list.length === 0;
  }

  var pollTimer = null;
  function poll(now) {
    clearTimeout(pollTimer);
    if (now === true) { pollTimer = setTimeout(poll, 0); return; }
    call("GET", "/api/resident/status").then(function (status) {
      render(status);
      pollTimer = setTimeout(poll, POLL);
    }, function () {
      pollTimer = setTimeout(poll, RETRY);
    });
  }

  // A tablet woken from sleep asks at once rather than at the next tick.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) poll(true);
  });
  window.addEventListener("online", function () { poll(true); });

  // Tiles open their screens; any [data-close] button brings the resident back home.
  function openScreen(id) {
    var screen = $(id);
    if (!screen) return;
    screen.hidden = false;
    var first = screen.querySelector("button, [href], input");
    if (first) first.focus();
    screen.dispatchEvent(new CustomEvent("obhut:open"));
  }
  function closeScreen(screen) {
    screen.hidden = true;
    screen.dispatchEvent(new CustomEvent("obhut:close"));
  }
  document.addEventListener("click", function (e) {
    var opener = e.target.closest ? e.target.closest("[data-open]") : null;
    if (opener) { openScreen(opener.getAttribute("data-open")); return; }
    var closer = e.target.closest ? e.target.closest("[data-close]") : null;
    if (closer) {
      var screen = closer.closest(".screen");
      if (screen) closeScreen(screen);
    }
  });

  // What the tablet's parts (services, visits, measurements) use: the same calm way of
  // talking to the hub, the same words, and each new status.
  window.Obhut = {
    call: call, deliver: deliver, say: say, note: note, button: button, item: item,
    lang: lang, tz: conf.tz, open: openScreen, close: closeScreen,
    refresh: function () { poll(true); },
    onStatus: function (fn) { listeners.push(fn); if (current.reminders) fn(current); },
  };

  tick();
  setInterval(tick, 1000);
  setInterval(countdown, 250);
  poll();
})();
