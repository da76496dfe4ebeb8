// "Messwerte" on the tablet: big steppers, a calm sentence for a value that cannot be right,
// "higher than usual – save anyway?" from the hub, and thanks. Talks through window.Obhut.
(function () {
  "use strict";
  var Obhut = window.Obhut;
  var holder = document.getElementById("measure-words");
  if (!Obhut || !holder) return;
  var words = JSON.parse(holder.dataset.words);
  var comma = Obhut.lang.indexOf("de") === 0;
  var REPEAT_AFTER = 500, REPEAT_EVERY = 110, CLOSE_AFTER = 4000;

  function read(text) {
    var clean = String(text).trim().replace(",", ".");
    if (!/^[0-9]+(\.[0-9]*)?$/.test(clean)) return NaN;
    return parseFloat(clean);
  }
  function write(value, decimals) {
    var text = value.toFixed(decimals);
    return comma ? text.replace(".", ",") : text;
  }

  // The steppers: a press moves one step, holding it keeps moving, within what is possible.
  function stepBy(button) {
    var input = button.parentNode.querySelector("input");
    var decimals = parseInt(input.dataset.decimals, 10) || 0;
    var value = read(input.value);
    var low = parseFloat(input.dataset.low), high = parseFloat(input.dataset.high);
    if (isNaN(value)) value = low;
    value = Math.min(high, Math.max(low, value + parseFloat(button.dataset.step)));
    input.value = write(value, decimals);
  }
  var holding = null;
  function release() {
    if (!holding) return;
    clearTimeout(holding.timer);
    holding = null;
  }
  document.querySelectorAll(".measure .step").forEach(function (button) {
    button.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      release();
      stepBy(button);
      holding = { timer: setTimeout(function again() {
        stepBy(button);
        holding.timer = setTimeout(again, REPEAT_EVERY);
      }, REPEAT_AFTER) };
    });
    ["pointerup", "pointerleave", "pointercancel"].forEach(function (ev) {
      button.addEventListener(ev, release);
    });
    // Enter or space on a focused stepper (no pointer): one step.
    button.addEventListener("click", function (e) { if (e.detail === 0) stepBy(button); });
    button.addEventListener("contextmenu", function (e) { e.preventDefault(); });
  });

  function say(screen, text) {
    screen.querySelector(".measure-note").textContent = text;
  }
  function asking(screen, on) {
    screen.querySelector(".measure-ask").hidden = !on;
    screen.querySelector(".measure-actions").hidden = on;
  }

  // What cannot be right is said at once, without asking the hub.
  function values(screen) {
    var out = {};
    var inputs = screen.querySelectorAll("input");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var typed = input.value.trim();
      if (!typed) return { problem: words.missing, input: input };
      var value = read(typed);
      if (isNaN(value) || value < parseFloat(input.dataset.low) || value > parseFloat(input.dataset.high)) {
        return { problem: words.impossible.split("{value}").join(typed), input: input };
      }
      out[input.name] = value;
    }
    if (out.bp_systolic !== undefined && out.bp_systolic <= out.bp_diastolic) {
      return { problem: words.order, input: inputs[0] };
    }
    return { values: out };
  }

  function send(screen, confirm) {
    var entry = values(screen);
    if (entry.problem) {
      say(screen, entry.problem);
      entry.input.focus();
      entry.input.select();
      return;
    }
    say(screen, words.sending);
    var body = { measurement: screen.dataset.measurement, values: entry.values, confirm: confirm };
    Obhut.call("POST", "/api/vitals/entries", body).then(function (answer) {
      if (answer.status === "check") {
        say(screen, answer.message);
        asking(screen, true);
        screen.querySelector("[data-confirm]").focus();
        return;
      }
      asking(screen, false);
      screen.querySelector(".measure-actions").hidden = true; // saved once is enough
      say(screen, answer.message || words.saved);
      setTimeout(function () { closeAll(screen); }, CLOSE_AFTER);
    }, function (why) {
      asking(screen, false);
      say(screen, why === "refused" ? words.refused : words.not_now);
    });
  }

  function closeAll(screen) {
    if (screen.hidden) return;
    Obhut.close(screen);
    var choose = document.getElementById("measure-choose");
    if (choose && !choose.hidden) Obhut.close(choose);
  }

  document.querySelectorAll(".measure[data-measurement]").forEach(function (screen) {
    screen.querySelector("form").addEventListener("submit", function (e) {
      e.preventDefault();
      send(screen, false);
    });
    screen.querySelector("[data-confirm]").addEventListener("click", function () { send(screen, true); });
    screen.querySelector("[data-again]").addEventListener("click", function () {
      asking(screen, false);
      say(screen, "");
      screen.querySelector("input").focus();
    });
    screen.addEventListener("obhut:open", function () {
      asking(screen, false);
      say(screen, "");
    });
  });
})();
