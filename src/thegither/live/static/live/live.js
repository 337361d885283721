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
  var refreshAgain = false;
  var lastAnnounced = 0;
  // Once the person sends a form or follows a link, the page is on its way out: a reload
  // now would cancel what they just asked for (the server may already have done it).
  var leaving = false;
  document.addEventListener("submit", function (event) {
    if (!sentByScript(event.target)) { leaving = true; }
  }, true);
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
      snap.state !== shown.state || snap.results_shown !== shown.results || cardsChanged(snap);
  }

  function cardsChanged(snap) {
    // A phone draws its cards from the session's settings: turned on or off, or the red
    // card's words changed, means a new page.
    if (role !== "phone") { return false; }
    var region = root.querySelector("[data-cards-region]");
    var on = root.hasAttribute("data-cards-url");
    if (Boolean(snap.cards) !== on) { return true; }
    return Boolean(region && snap.cards && snap.cards.words !== region.getAttribute("data-words"));
  }

  function refreshPart() {
    // Fetch the server-drawn part of the page (results as SVG) and swap it in.
    if (drag.item) { drag.waiting = true; return; }  // after the drop
    // One fetch at a time; a change seen meanwhile fetches once more after it, so the
    // part shown is never older than the last snapshot.
    if (refreshQueued) { refreshAgain = true; return; }
    refreshQueued = true;
    fetch(root.getAttribute("data-part-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        refreshQueued = false;
        if (refreshAgain) { refreshAgain = false; window.setTimeout(refreshPart, 0); }
        if (html === null) { return; }
        var region = root.querySelector("[data-live-region]");
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-live-region]");
        if (!region || !fresh) { return; }
        var active = document.activeElement;
        var focused = active && active !== region && region.contains(active) ? focusKey(active) : null;
        if (drag.item) { drag.waiting = true; return; }
        region.replaceWith(fresh);
        Array.prototype.forEach.call(fresh.querySelectorAll("[data-queue-list]"), queueDrag);
        if (focused !== null) { refocus(fresh, focused); }
        announce();
      })
      .catch(function () { refreshQueued = false; });
  }

  // A redraw replaces the buttons in the region (Up-vote, Show, Hide): put the focus back
  // on the same one, so someone using a keyboard doesn't lose their place.
  function focusKey(element) {
    // A button whose words change when pressed (a card held up) names itself.
    if (element.getAttribute("data-focus-key")) { return "key|" + element.getAttribute("data-focus-key"); }
    var form = element.form || element.closest("form");
    return [element.tagName, element.name || "", element.value || "",
      form ? form.getAttribute("action") : "", element.textContent.trim()].join("|");
  }

  function refocus(region, key) {
    var candidates = region.querySelectorAll("a, button, input, select, textarea, summary");
    for (var i = 0; i < candidates.length; i += 1) {
      if (focusKey(candidates[i]) !== key) { continue; }
      if (!candidates[i].disabled) { candidates[i].focus({ preventScroll: true }); return; }
      // Moved to the top or the bottom, its Up or Down button is off: the other one, then.
      var row = candidates[i].closest("li");
      var other = row && row.querySelector("button:not([disabled])");
      if (other) { other.focus({ preventScroll: true }); return; }
    }
    var section = region.querySelector("[tabindex='-1']");
    if (section) { section.focus({ preventScroll: true }); }
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
    if (role === "phone" && snap.cards) { cardsFollow(snap.cards); }
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

  // ---- meeting cards and the speaking queue (decision 0063) ----

  function sentByScript(form) {
    return Boolean(form && form.matches && form.matches("[data-card-form], [data-live-form]") &&
      window.fetch && window.FormData);
  }

  var sending = false;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!sentByScript(form)) { return; }
    event.preventDefault();
    sendForm(form, event.submitter);
  });

  function sendForm(form, submitter) {
    // The same form, sent by fetch: a card keeps its client_id, so a retry counts once.
    if (sending) { return; }
    sending = true;
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var isCard = form.matches("[data-card-form]");
    var key = submitter ? focusKey(submitter) : null;
    fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Live-Part": isCard ? "cards" : "staff" }
    }).then(function (response) {
      sending = false;
      if (isCard) {
        if (response.status === 403) { window.location.reload(); return null; }  // taken out
        return response.text().then(function (html) { swapCards(html, key, true); });
      }
      return response.json().then(function (reply) {
        notice(reply.error || reply.note, Boolean(reply.error));
        refreshPart();
      });
    }).catch(function () {
      sending = false;
      // A card is safe to send again as a plain form (same client_id); a queue button
      // might move someone twice, so say so instead.
      if (isCard) { form.submit(); } else { notice(root.getAttribute("data-offline-words"), true); }
    });
  }

  function notice(words, isError) {
    var messages = document.getElementById("messages");
    if (!messages || !words) { return; }
    var line = document.createElement("p");
    line.className = "notice notice--" + (isError ? "error" : "success");
    line.textContent = words;
    messages.replaceChildren(line);
  }

  var cardsWaiting = false;
  var cardsQueued = false;
  var cardsAgain = false;
  var cardsPressed = 0;

  function refreshCards() {
    var url = root.getAttribute("data-cards-url");
    var region = root.querySelector("[data-cards-region]");
    if (!url || !region) { return; }
    var active = document.activeElement;
    if (active && active.form && region.contains(active) && active.tagName === "INPUT") {
      cardsWaiting = true;  // someone is typing their words: after they leave the box
      return;
    }
    if (cardsQueued) { cardsAgain = true; return; }
    cardsQueued = true;
    var started = cardsPressed;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        cardsQueued = false;
        // A press answered meanwhile drew newer cards than these: fetch again instead.
        if (started !== cardsPressed) { html = null; cardsAgain = true; }
        if (cardsAgain) { cardsAgain = false; window.setTimeout(refreshCards, 0); }
        var here = root.querySelector("[data-cards-region]");
        var now = document.activeElement;
        var key = now && here && now !== here && here.contains(now) ? focusKey(now) : null;
        if (html !== null) { swapCards(html, key, false); }
      })
      .catch(function () { cardsQueued = false; });
  }

  function swapCards(html, key, pressed) {
    var region = root.querySelector("[data-cards-region]");
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("[data-cards-region]");
    if (!region || !fresh) { return; }
    region.replaceWith(fresh);
    if (pressed) { cardsPressed += 1; }
    if (key !== null) { refocus(fresh, key); }
    var alert = fresh.querySelector("[role=alert]");
    if (alert) { alert.focus(); return; }
    var status = root.querySelector("[data-cards-status]");
    if (status && pressed) { status.textContent = fresh.getAttribute("data-note") || ""; }
  }

  root.addEventListener("focusout", function (event) {
    var region = root.querySelector("[data-cards-region]");
    if (cardsWaiting && region && region.contains(event.target)) {
      cardsWaiting = false;
      window.setTimeout(refreshCards, 0);
    }
  });

  function cardsFollow(cards) {
    // Redraw the phone's cards when what they say has changed: called to speak, taken out
    // of the queue, cards put down by the facilitator, the queue paused. A new place in
    // the queue only changes the words.
    var region = root.querySelector("[data-cards-region]");
    if (!region) { return; }
    var stale = (cards.paused ? "1" : "0") !== region.getAttribute("data-paused");
    var anyUp = ["speak", "stop", "quiet", "break"].some(function (kind) {
      return region.hasAttribute("data-up-" + kind);
    });
    if (anyUp && String(cards.round) !== region.getAttribute("data-round")) { stale = true; }
    var mine = parseInt(region.getAttribute("data-up-speak"), 10);
    if (mine) {
      var place = region.querySelector("[data-queue-place]");
      var queue = cards.queue || [];
      var now = cards.speaking === mine ? "speaking" : (queue.indexOf(mine) >= 0 ? "up" : "gone");
      if (now !== (place ? "up" : "speaking")) {
        stale = true;
      } else if (place) {
        place.textContent = (place.getAttribute("data-words") || "")
          .replace("%(place)d", String(queue.indexOf(mine) + 1));
      }
    }
    if (stale) { refreshCards(); }
  }

  // ---- dragging (a ranking on a phone, the queue on the console) ----
  // Pointer events cover a mouse, a pen and a finger; only the handle takes the touch
  // (touch-action: none in live.css), so the page still scrolls. The Up and Down buttons
  // stay, and are the way by keyboard. The listeners are the page's, set once, so lists
  // drawn again (the console's queue) need only their handles.
  var drag = { item: null, list: null, waiting: false };

  function addHandles(list) {
    Array.prototype.forEach.call(list.children, function (item) {
      if (item.querySelector(".live-rank__handle")) { return; }
      var handle = document.createElement("span");
      handle.className = "live-rank__handle";
      handle.setAttribute("aria-hidden", "true");
      item.insertBefore(handle, item.firstChild);
    });
  }

  function middle(item) {
    var box = item.getBoundingClientRect();
    return box.top + box.height / 2;
  }

  function dragMove(event) {
    if (!drag.item) { return; }
    event.preventDefault();
    // Only the neighbours move, so the dragged item stays in the page (and keeps the pointer).
    var list = drag.list;
    var before = drag.item.previousElementSibling;
    var after = drag.item.nextElementSibling;
    while (before && event.clientY < middle(before)) {
      list.insertBefore(before, drag.item.nextElementSibling);
      before = drag.item.previousElementSibling;
    }
    while (after && event.clientY > middle(after)) {
      list.insertBefore(after, drag.item);
      after = drag.item.nextElementSibling;
    }
  }

  function dragDrop() {
    if (!drag.item) { return; }
    var item = drag.item;
    var list = drag.list;
    drag.item = null;
    item.classList.remove("live-rank--dragging", "live-queue--dragging");
    document.removeEventListener("pointermove", dragMove);
    var items = Array.prototype.slice.call(list.children);
    if (list.hasAttribute("data-ranking")) { rankingDropped(list, item, items); }
    else { queueDropped(list, items); }
    if (drag.waiting) { drag.waiting = false; refreshPart(); }
  }

  document.addEventListener("pointerdown", function (event) {
    var handle = event.target.closest && event.target.closest(".live-rank__handle");
    if (!handle || !event.isPrimary || drag.item) { return; }
    var list = handle.parentNode.parentNode;
    if (!list.matches("[data-ranking], [data-queue-list]")) { return; }
    event.preventDefault();
    drag.item = handle.parentNode;
    drag.list = list;
    drag.item.classList.add(list.hasAttribute("data-ranking") ? "live-rank--dragging" : "live-queue--dragging");
    if (handle.setPointerCapture) { handle.setPointerCapture(event.pointerId); }
    document.addEventListener("pointermove", dragMove);
  });
  document.addEventListener("pointerup", dragDrop);
  document.addEventListener("pointercancel", dragDrop);

  function rankingDrag(list) {
    var form = list.closest("form");
    if (!form || !form.querySelector("input[name=order]")) { return; }
    var hint = form.querySelector("[data-drag-words]");
    if (hint) { hint.textContent = hint.getAttribute("data-drag-words"); }
    addHandles(list);
  }

  function rankingDropped(list, item, items) {
    var form = list.closest("form");
    var order = form.querySelector("input[name=order]");
    var note = form.querySelector("[data-ranking-note]");
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

  function queueDrag(list) {
    var form = root.querySelector("[data-arrange-form]");
    if (!form) { return; }
    var hint = list.previousElementSibling;
    if (hint && hint.hasAttribute("data-drag-words")) { hint.textContent = hint.getAttribute("data-drag-words"); }
    addHandles(list);
  }

  function queueDropped(list, items) {
    // The facilitator's new order goes to the server; the snapshot then redraws the queue.
    var form = root.querySelector("[data-arrange-form]");
    var order = form && form.querySelector("input[name=order]");
    if (!order) { return; }
    var wanted = items.map(function (each) { return each.getAttribute("data-key"); }).join(",");
    if (wanted === order.value) { return; }
    order.value = wanted;
    sendForm(form, null);
  }

  connect();
  Array.prototype.forEach.call(root.querySelectorAll("[data-ranking]"), rankingDrag);
  Array.prototype.forEach.call(root.querySelectorAll("[data-queue-list]"), queueDrag);
}());
