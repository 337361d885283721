// Live screens: a WebSocket for snapshots, polling when it drops (docs/live-protocol.md).
// Without this file every page still works: phones answer with a plain form and reload.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) { return; }
  var role = root.getAttribute("data-role");
  var lastSeq = parseInt(root.getAttribute("data-seq"), 10) || 0;
  var shown = {
    activity: root.getAttribute("data-activity"),
    activityState: root.getAttribute("data-activity-state"),
    state: root.getAttribute("data-state"),
    results: root.getAttribute("data-results") === "1"
  };
  var socket = null;
  var pollTimer = null;
  var retryDelay = 1000;
  var refreshQueued = false;
  var lastAnnounced = 0;
  // Once the person sends a form or follows a link, the page is on its way out: a reload
  // now would cancel what they just asked for (the server may already have done it).
  var leaving = false;
  document.addEventListener("submit", function () { leaving = true; }, true);
  window.addEventListener("beforeunload", function () { leaving = true; });
  window.addEventListener("pageshow", function () { leaving = false; });
  var POLL_MS = 3000;
  var ANNOUNCE_MS = 5000;

  function typing() {
    var active = document.activeElement;
    return active && active.form && root.contains(active);
  }

  function pageChanged(snap) {
    var activity = snap.activity ? String(snap.activity.id) : "";
    var activityState = snap.activity ? snap.activity.state : "";
    return activity !== shown.activity || activityState !== shown.activityState ||
      snap.state !== shown.state || snap.results_shown !== shown.results;
  }

  function refreshPart() {
    // Fetch the server-drawn part of the page (results as SVG) and swap it in.
    if (refreshQueued) { return; }
    refreshQueued = true;
    fetch(root.getAttribute("data-part-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        refreshQueued = false;
        if (html === null) { return; }
        var region = root.querySelector("[data-live-region]");
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-live-region]");
        if (region && fresh) { region.replaceWith(fresh); }
        announce();
      })
      .catch(function () { refreshQueued = false; });
  }

  function announce() {
    // Phones hear "results updated" politely, never more often than every few seconds.
    var status = root.querySelector("[data-live-status]");
    var now = Date.now();
    if (!status || now - lastAnnounced < ANNOUNCE_MS) { return; }
    lastAnnounced = now;
    status.textContent = status.getAttribute("data-words") || "Results updated.";
  }

  function apply(snap) {
    if (leaving) { return; }
    if (!snap || snap.type !== "snapshot" || typeof snap.seq !== "number") { return; }
    if (snap.seq <= lastSeq && snap.prev !== null) { return; }  // old news
    var gap = typeof snap.prev === "number" && snap.prev > lastSeq;
    lastSeq = Math.max(lastSeq, snap.seq);
    if (gap && socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "sync" }));
    }
    if (pageChanged(snap)) {
      if (role === "phone" && typing()) { return; }  // don't wipe what someone is typing
      window.location.reload();
      return;
    }
    if (role === "staff" || snap.results_shown) { refreshPart(); }
  }

  function poll() {
    fetch(root.getAttribute("data-snapshot-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(apply)
      .catch(function () {});
  }

  function startPolling() {
    if (!pollTimer) { pollTimer = window.setInterval(poll, POLL_MS); poll(); }
  }

  function stopPolling() {
    if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
  }

  function connect() {
    if (!("WebSocket" in window)) { startPolling(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-ws"));
    socket.addEventListener("open", function () {
      retryDelay = 1000;
      stopPolling();
      root.setAttribute("data-socket", "open");
    });
    socket.addEventListener("message", function (event) {
      try { apply(JSON.parse(event.data)); } catch (error) { /* ignore a bad message */ }
    });
    socket.addEventListener("close", function (event) {
      root.setAttribute("data-socket", "closed");
      socket = null;
      if (event.code === 4403 || event.code === 4404) { return; }  // not for us: stop
      startPolling();
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  connect();
}());
