// The tablet's "Pflegedienst" screen: a carer checks in ("Ich bin da", with her name) or
// out ("Ich gehe"). It asks the hub what is open when the screen opens, and after each tap.
(function () {
  "use strict";
  var O = window.Obhut;
  var screen = document.getElementById("visit-screen");
  if (!O || !screen) return;
  var words = JSON.parse(screen.getAttribute("data-words"));
  var $ = function (id) { return document.getElementById(id); };
  var picked = "";
  var closeTimer = null;

  function say(key, fields) {
    var text = words[key] || "";
    Object.keys(fields || {}).forEach(function (k) { text = text.split("{" + k + "}").join(fields[k]); });
    return text;
  }

  function pick(name) {
    picked = picked === name ? "" : name;
    if (picked) $("visit-name").value = "";  // a name tapped replaces one being written
    $("visit-names").querySelectorAll("button").forEach(function (b) {
      b.setAttribute("aria-pressed", b.textContent === picked ? "true" : "false");
    });
  }

  function render(state) {
    var open = state.open;
    $("visit-arrive").hidden = !!open;
    $("visit-leave").hidden = !open;
    $("visit-state").textContent = !open ? "" : open.carer
      ? say("since_name", { name: open.carer, time: open.since })
      : say("since", { time: open.since });
    var names = $("visit-names");
    names.textContent = "";
    (state.carers || []).forEach(function (name) {
      names.appendChild(O.button(name, function () { pick(name); }, name === picked));
    });
    names.hidden = !(state.carers || []).length;
  }

  function load() {
    return O.call("GET", "/api/resident/visit").then(render, function () {
      O.note("visit-note", words.not_now, 8000);
    });
  }

  function done(text) {
    O.note("visit-note", text, 6000);
    picked = "";
    $("visit-name").value = "";
    load();
    clearTimeout(closeTimer);
    // Back to the resident's own screen by itself: she should not find the carer's page.
    closeTimer = setTimeout(function () { if (!screen.hidden) O.close(screen); }, 6000);
  }

  $("visit-name").addEventListener("input", function () {
    if ($("visit-name").value.trim()) pick("");
  });

  $("visit-in").addEventListener("click", function () {
    var name = $("visit-name").value.trim() || picked;
    if (!name) {
      O.note("visit-note", words.need_name, 8000);
      $("visit-name").focus();
      return;
    }
    O.deliver("/api/resident/visit", { action: "arrive", carer: name }).then(function () {
      done(say("thanks_in", { name: name }));
    }, function () { O.note("visit-note", words.not_now, 8000); });
  });

  $("visit-out").addEventListener("click", function () {
    O.deliver("/api/resident/visit", { action: "leave" }).then(function () {
      done(words.thanks_out);
    }, function () { load(); });
  });

  screen.addEventListener("obhut:open", function () {
    clearTimeout(closeTimer);
    picked = "";
    $("visit-name").value = "";
    O.note("visit-note", "");
    load();
  });
  screen.addEventListener("obhut:close", function () { clearTimeout(closeTimer); });
})();
