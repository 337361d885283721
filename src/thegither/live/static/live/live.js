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
  var refreshWaiting = false;
  var reloadWaiting = false;
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
    // Someone typing in the region (a meaning, on the console): after they leave the box.
    if (typingIn(root.querySelector("[data-live-region]"))) { refreshWaiting = true; return; }
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
        if (typingIn(region)) { refreshWaiting = true; return; }
        keepTyping(region, fresh, null);
        region.replaceWith(fresh);
        startClocks();
        Array.prototype.forEach.call(fresh.querySelectorAll("[data-queue-list]"), queueDrag);
        if (focused !== null) { refocus(fresh, focused); }
        announce();
      })
      .catch(function () { refreshQueued = false; });
  }

  function typingIn(region) {
    // Someone is typing in a box in the region: it has the focus and words not yet sent.
    // (A box with the focus and nothing typed is redrawn: the focus comes back to it.)
    var active = document.activeElement;
    return Boolean(region && active && region.contains(active) &&
      (active.tagName === "TEXTAREA" || (active.tagName === "INPUT" && active.type === "text")) &&
      active.value !== active.defaultValue);
  }

  function keepTyping(old, fresh, sentForm) {
    // A redraw keeps what someone typed and hasn't sent yet (boxes are found by id),
    // except in the form they just sent, whose boxes the server has drawn again.
    Array.prototype.forEach.call(old.querySelectorAll("input[type=text][id], textarea[id]"), function (box) {
      if (box.value === box.defaultValue || sentFrom(box, sentForm)) { return; }
      var again = fresh.querySelector("#" + box.id);
      if (again && !again.disabled) { again.value = box.value; }
    });
  }

  function sentFrom(box, sentForm) {
    // The box is in the form just sent, or in the same form drawn again since (a form
    // that waited its turn was sent from a part that has been redrawn meanwhile).
    if (!sentForm || !box.form) { return false; }
    return box.form === sentForm || Boolean(sentForm.id && box.form.id === sentForm.id);
  }

  function markSent(form) {
    // What was sent is what the page shows now: a redraw needn't keep it.
    Array.prototype.forEach.call(form.querySelectorAll("input[type=text], textarea"), function (box) {
      box.defaultValue = box.value;
    });
  }

  // A redraw replaces the buttons in the region (Up-vote, Show, Hide): put the focus back
  // on the same one, so someone using a keyboard doesn't lose their place.
  function focusKey(element) {
    // A button whose words change when pressed (a card held up) names itself.
    if (element.getAttribute("data-focus-key")) { return "key|" + element.getAttribute("data-focus-key"); }
    if (element.id && (element.tagName === "INPUT" || element.tagName === "TEXTAREA")) { return "id|" + element.id; }
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
      // Don't wipe what someone is typing: reload once they leave the box.
      if (role === "phone" && typing()) { reloadWaiting = true; return; }
      window.location.reload();
      return;
    }
    if (role === "staff" || snap.results_shown) { refreshPart(); }
    if (role === "phone" && snap.cards) { cardsFollow(snap.cards); wordsFollow(snap.cards); }
    if (role === "phone" && snap.fiver) { fiverFollow(snap.fiver); }
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
    return Boolean(form && form.matches &&
      form.matches("[data-card-form], [data-live-form], [data-swap-form]") &&
      window.fetch && window.FormData);
  }

  var sending = false;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!sentByScript(form)) { return; }
    event.preventDefault();
    sendForm(form, event.submitter);
  });

  var waitingToSend = [];

  function sendNext() {
    // A plan's form sent while another was on its way goes next, as it was when sent.
    var next = waitingToSend.shift();
    if (next) { sendForm(next.form, next.submitter, next.data); }
  }

  function sendForm(form, submitter, sentData) {
    // The same form, sent by fetch: a card keeps its client_id, so a retry counts once.
    var swap = form.getAttribute("data-swap-form");
    var data = sentData || new FormData(form);
    if (!sentData && submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    if (sending) {
      // A second tap on a card or a queue button is dropped (it could undo the first);
      // a plan's forms are different things someone typed, so each waits its turn.
      if (swap) { waitingToSend.push({ form: form, submitter: submitter, data: data }); }
      return;
    }
    sending = true;
    var isCard = form.matches("[data-card-form]");
    var part = isCard ? "cards" : (swap || "staff");
    var key = submitter ? focusKey(submitter) : null;
    fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Live-Part": part }
    }).then(function (response) {
      sending = false;
      if (isCard || swap) {
        if (response.status === 403) { window.location.reload(); return null; }  // taken out
        return response.text().then(function (html) {
          if (isCard) { swapCards(html, key, true); } else { swapPart(swap, html, key, form); }
          sendNext();
        });
      }
      return response.json().then(function (reply) {
        if (!reply.error) { markSent(form); }
        notice(reply.error || reply.note, Boolean(reply.error));
        refreshPart();
      });
    }).catch(function () {
      sending = false;
      // A card or a plan's form is safe to send again as a plain form (an add keeps its
      // client_id); a queue button might move someone twice, so say so instead.
      if (isCard || swap) { waitingToSend = []; form.submit(); } else { notice(root.getAttribute("data-offline-words"), true); }
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
    // After the focus has moved on: redraw (or reload) what waited for the typing to stop.
    window.setTimeout(function () {
      if (refreshWaiting && !typingIn(root.querySelector("[data-live-region]"))) {
        refreshWaiting = false;
        refreshPart();
      }
      Object.keys(parts).forEach(function (name) {
        if (parts[name].waiting && !typingIn(root.querySelector("[data-" + name + "-region]"))) {
          parts[name].waiting = false;
          refreshRegion(name);
        }
      });
      if (reloadWaiting && !typing()) { window.location.reload(); }
    }, 0);
  });

  // ---- parts of a phone redrawn by themselves: words explained, the Bid for a Fiver ----
  var parts = {
    fiver: { queued: false, again: false, waiting: false, pressed: 0 },
    words: { queued: false, again: false, waiting: false, pressed: 0 }
  };

  function refreshRegion(name) {
    var base = root.getAttribute("data-phone-url");
    var region = root.querySelector("[data-" + name + "-region]");
    var state = parts[name];
    if (!base || !region) { return; }
    if (typingIn(region)) { state.waiting = true; return; }  // after they leave the box
    if (state.queued) { state.again = true; return; }
    state.queued = true;
    var started = state.pressed;
    fetch(base + "?part=" + name, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        state.queued = false;
        // A form answered meanwhile drew newer content than this: fetch again instead.
        if (started !== state.pressed) { html = null; state.again = true; }
        if (state.again) { state.again = false; window.setTimeout(function () { refreshRegion(name); }, 0); }
        if (html === null) { return; }
        var here = root.querySelector("[data-" + name + "-region]");
        if (typingIn(here)) { state.waiting = true; return; }
        var now = document.activeElement;
        var key = now && here && now !== here && here.contains(now) ? focusKey(now) : null;
        swapPart(name, html, key, null);
      })
      .catch(function () { state.queued = false; });
  }

  function swapPart(name, html, key, sentForm) {
    // Put a freshly drawn part in place; a form's own reply (sentForm) says what happened.
    var region = root.querySelector("[data-" + name + "-region]");
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("[data-" + name + "-region]");
    if (!region || !fresh) { return; }
    keepTyping(region, fresh, sentForm);
    Array.prototype.forEach.call(region.querySelectorAll("details[open][data-word]"), function (open) {
      var again = fresh.querySelector("details[data-word='" + open.getAttribute("data-word") + "']");
      if (again) { again.open = true; }
    });
    region.replaceWith(fresh);
    startClocks();
    if (sentForm) { parts[name].pressed += 1; }
    var alert = sentForm ? fresh.querySelector("[role=alert]") : null;
    if (alert) { alert.focus(); return; }
    var next = sentForm ? fresh.querySelector("[data-focus-next]") : null;
    if (next) { next.focus(); } else if (key !== null) { refocus(fresh, key); }
    var status = root.querySelector("[data-" + name + "-status]");
    if (status && sentForm) { status.textContent = fresh.getAttribute("data-note") || ""; }
  }

  function wordsFollow(cards) {
    // The words explained changed (a meaning added or changed): redraw them.
    var region = root.querySelector("[data-words-region]");
    if (!region || !cards.glossary) { return; }
    var now = cards.glossary.map(function (word) { return word.id + "." + word.version; }).join(" ");
    if (now !== region.getAttribute("data-glossary")) { refreshRegion("words"); }
  }

  function fiverFollow(fiver) {
    // Redraw the Bid for a Fiver when its stage or clock changed, or the phone's team
    // (a teammate's change, someone joining); a phone in no team follows every team.
    var region = root.querySelector("[data-fiver-region]");
    if (!region) { return; }
    clocksFollow(fiver);
    var stale = fiver.stage !== region.getAttribute("data-stage") ||
      fiver.clock !== region.getAttribute("data-clock");
    var team = region.getAttribute("data-team");
    var teams = fiver.teams || [];
    if (team) {
      var mine = teams.filter(function (each) { return String(each.id) === team; })[0];
      if (!mine || String(mine.version) !== region.getAttribute("data-team-version")) { stale = true; }
    } else {
      var all = teams.map(function (each) { return each.id + "." + each.version; }).join(" ");
      if (all !== region.getAttribute("data-teams")) { stale = true; }
    }
    if (stale) { refreshRegion("fiver"); }
  }

  // ---- the Bid for a Fiver's countdown (decision 0066) ----
  // The server says how many seconds are left; the page counts down from when it heard.
  var clockTimer = null;

  function clockText(seconds) {
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function clocksFollow(fiver) {
    // A snapshot brings the server's seconds left: count from those.
    if (fiver.clock !== "running") { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-countdown]"), function (clock) {
      if (clock.getAttribute("data-clock") === "running") {
        clock.setAttribute("data-end", String(Date.now() + fiver.remaining * 1000));
      }
    });
  }

  function tick() {
    var clocks = document.querySelectorAll("[data-countdown]");
    if (!clocks.length) { window.clearInterval(clockTimer); clockTimer = null; return; }
    Array.prototype.forEach.call(clocks, function (clock) {
      if (clock.getAttribute("data-clock") !== "running") { return; }
      if (!clock.hasAttribute("data-end")) {
        var remaining = parseInt(clock.getAttribute("data-remaining"), 10) || 0;
        clock.setAttribute("data-end", String(Date.now() + remaining * 1000));
      }
      var left = Math.max(0, Math.ceil((parseInt(clock.getAttribute("data-end"), 10) - Date.now()) / 1000));
      var shown = clock.querySelector("[data-countdown-time]");
      var words = left ? (clock.getAttribute("data-words") || "%(time)s").replace("%(time)s", clockText(left))
        : clock.getAttribute("data-up-words");
      if (shown && shown.textContent !== words) { shown.textContent = words; }
      var was = parseInt(clock.getAttribute("data-left"), 10);
      clock.setAttribute("data-left", String(left));
      var status = clock.parentNode.querySelector("[data-countdown-status]");
      if (status && was > left) {
        // Said politely, not every second: at 5 minutes, 1 minute and time's up.
        var say = "";
        if (was > 300 && left <= 300 && left > 60) { say = (status.getAttribute("data-minutes-words") || "").replace("%(count)d", "5"); }
        if (was > 60 && left <= 60 && left > 0) { say = status.getAttribute("data-minute-words"); }
        if (left === 0) { say = status.getAttribute("data-up-words"); }
        if (say) { status.textContent = say; }
      }
      if (left === 0 && was > 0) {
        // Time is up: the server says what comes next (a moment later, in case its clock
        // is a little behind this one).
        window.setTimeout(function () {
          if (role === "phone") { refreshRegion("fiver"); } else { refreshPart(); }
        }, 700);
      }
    });
  }

  function startClocks() {
    if (!clockTimer && document.querySelector("[data-countdown]")) {
      clockTimer = window.setInterval(tick, 1000);
    }
  }

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
  startClocks();
  Array.prototype.forEach.call(root.querySelectorAll("[data-ranking]"), rankingDrag);
  Array.prototype.forEach.call(root.querySelectorAll("[data-queue-list]"), queueDrag);
}());
