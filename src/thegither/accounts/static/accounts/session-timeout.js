/* Warn a little before an idle log-out, with a button to stay logged in (WCAG 2.2.1).
 *
 * The server decides: before showing the notice we ask it how long is left, so
 * being busy in another tab counts. When the time runs out we reload the page,
 * and the server shows the log-in page, so nothing stays on screen on a shared
 * computer. Without JavaScript none of this runs and every page still works.
 */
(function () {
  "use strict";

  var dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }
  var idleSeconds = Number(dialog.dataset.idleSeconds);
  var warnSeconds = Number(dialog.dataset.warnSeconds);
  var statusUrl = dialog.dataset.statusUrl;
  var form = dialog.querySelector("form");
  var warnTimer = null;
  var endTimer = null;
  var headers = { "X-Requested-With": "fetch" };

  function reload() {
    window.location.assign(window.location.href);
  }

  function schedule(secondsLeft) {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(check, Math.max(0, secondsLeft - warnSeconds) * 1000);
  }

  function check() {
    fetch(statusUrl, { credentials: "same-origin", headers: headers })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        var left = data.seconds_left;
        if (left === null || left === undefined) {
          return;
        }
        if (left <= 0) {
          reload();
          return;
        }
        if (left > warnSeconds + 5) {
          schedule(left); // busy in another tab: look again later
          return;
        }
        if (!dialog.open) {
          dialog.showModal();
        }
        endTimer = window.setTimeout(reload, (left + 1) * 1000);
      })
      .catch(function () {
        /* Offline for a moment: the server still logs out on time. */
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: headers,
    })
      .then(function (response) {
        if (response.status === 204) {
          dialog.close();
          schedule(idleSeconds);
        } else {
          reload();
        }
      })
      .catch(reload);
  });

  // Escape closes the notice: take it as "stay logged in", not as ignoring it.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    form.requestSubmit();
  });

  schedule(idleSeconds);
})();
