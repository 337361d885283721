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
        if (!region || !fresh) { return; }
        var active = document.activeElement;
        var focused = active && active !== region && region.contains(active) ? focusKey(active) : null;
        region.replaceWith(fresh);
        if (focused !== null) { refocus(fresh, focused); }
        announce();
      })
      .catch(function () { refreshQueued = false; });
  }

  // A redraw replaces the buttons in the region (Up-vote, Show, Hide): put the focus back
  // on the same one, so someone using a keyboard doesn't lose their place.
  function focusKey(element) {
    var form = element.form || element.closest("form");
    return [element.tagName, element.name || "", element.value || "",
      form ? form.getAttribute("action") : "", element.textContent.trim()].join("|");
  }

  function refocus(region, key) {
    var candidates = region.querySelectorAll("a, button, input, select, textarea, summary");
    for (var i = 0; i < candidates.length; i += 1) {
      if (focusKey(candidates[i]) === key) { candidates[i].focus({ preventScroll: true }); return; }
    }
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
  Array.prototype.forEach.call(root.querySelectorAll("[data-ranking]"), rankingDrag);

  // Ranking by drag, on top of the Up and Down buttons (which still work, and are the way
  // by keyboard). Pointer events cover a mouse, a pen and a finger; only the handle
  // takes the touch (touch-action: none in live.css), so the page still scrolls.
  function rankingDrag(list) {
    var form = list.closest("form");
    var order = form && form.querySelector("input[name=order]");
    if (!order) { return; }
    var note = form.querySelector("[data-ranking-note]");
    var hint = form.querySelector("[data-drag-words]");
    if (hint) { hint.textContent = hint.getAttribute("data-drag-words"); }
    var dragging = null;
    Array.prototype.forEach.call(list.children, function (item) {
      var handle = document.createElement("span");
      handle.className = "live-rank__handle";
      handle.setAttribute("aria-hidden", "true");
      item.insertBefore(handle, item.firstChild);
    });

    function middle(item) {
      var box = item.getBoundingClientRect();
      return box.top + box.height / 2;
    }

    function move(event) {
      if (!dragging) { return; }
      event.preventDefault();
      // Only the neighbours move, so the dragged item stays in the page (and keeps the pointer).
      var before = dragging.previousElementSibling;
      var after = dragging.nextElementSibling;
      while (before && event.clientY < middle(before)) {
        list.insertBefore(before, dragging.nextElementSibling);
        before = dragging.previousElementSibling;
      }
      while (after && event.clientY > middle(after)) {
        list.insertBefore(after, dragging);
        after = dragging.nextElementSibling;
      }
    }

    function drop() {
      if (!dragging) { return; }
      var item = dragging;
      dragging = null;
      item.classList.remove("live-rank--dragging");
      document.removeEventListener("pointermove", move);
      var items = Array.prototype.slice.call(list.children);
      // The order sent is the order shown; the buttons at the ends are off, as the server draws them.
      order.value = items.map(function (each) { return each.getAttribute("data-key"); }).join(",");
      items.forEach(function (each, place) {
        var up = each.querySelector("button[value^='up-']");
        var down = each.querySelector("button[value^='down-']");
        if (up) { up.disabled = place === 0; }
        if (down) { down.disabled = place === items.length - 1; }
      });
      var label = item.querySelector(".live-rank__label");
      if (note && label) {
        note.textContent = (note.getAttribute("data-words") || "")
          .replace("%(option)s", label.textContent)
          .replace("%(place)d", String(items.indexOf(item) + 1))
          .replace("%(count)d", String(items.length));
      }
    }

    list.addEventListener("pointerdown", function (event) {
      var handle = event.target.closest(".live-rank__handle");
      if (!handle || !event.isPrimary || dragging) { return; }
      event.preventDefault();
      dragging = handle.parentNode;
      dragging.classList.add("live-rank--dragging");
      if (handle.setPointerCapture) { handle.setPointerCapture(event.pointerId); }
      document.addEventListener("pointermove", move);
    });
    document.addEventListener("pointerup", drop);
    document.addEventListener("pointercancel", drop);
  }
}());
