"""Pages for live sessions: the facilitator's pages, the presenter screen and the phone view.

Phones answer with a plain form POST (works without JavaScript); live.js adds the
WebSocket and the polling fallback (docs/live-protocol.md).
"""

import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thegither.accounts.models import Organisation
from thegither.core.pdf import CannotMakePdf
from thegither.core.permissions import Decision, require
from thegither.core.refusals import Refusal, Refused
from thegither.live import card_rows, charts, exports, kinds, records, selectors, services
from thegither.live.forms import (
    ActivityForm,
    FiverSettingsForm,
    GlossaryAddForm,
    JoinCodeForm,
    JoinForm,
    SessionForm,
    TeamForm,
    answer_from_post,
    card_ids,
    pence_typed,
    ranking_move,
    ranking_order,
)
from thegither.live.models import (
    Activity,
    Answer,
    Card,
    FiverRound,
    GlossaryWord,
    LiveSession,
    Participant,
    PlanItem,
    Team,
)
from thegither.live.permissions import (
    can_change_plan,
    can_join_team,
    can_press_cards,
    can_run_session,
    can_run_sessions,
    can_see_stop_names,
)

COOKIE = services.DEVICE_COOKIE
COOKIE_AGE = 60 * 60 * 24  # a day: long enough for any workshop, then the phone is forgotten
BODY_MAX = 16_000


def _template(name: str, request) -> str:
    """Return the page, or only its live part when live.js asks for it (?part=live)."""
    return f"{name}#live" if request.GET.get("part") == "live" else name


def _refusal_text(error: Refused) -> str:
    return " ".join(error.messages)


# ---- the facilitator's pages ----


def _session_for_staff(request, pk: int) -> LiveSession:
    session = get_object_or_404(LiveSession.objects.select_related("organisation"), pk=pk)
    require(can_run_session(request.user, session))
    return session


@require_GET
@login_required
def sessions(request, slug):
    """List the organisation's live sessions, with a form to make one."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_run_sessions(request.user, organisation))
    return render(
        request,
        "live/sessions.html",
        {
            "organisation": organisation,
            "sessions": selectors.sessions_of(organisation),
            "form": SessionForm(),
        },
    )


@require_POST
@login_required
def session_create(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_run_sessions(request.user, organisation))
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = services.session_create(
                organisation=organisation,
                title=form.cleaned_data["title"],
                settings=form.settings(),
                by=request.user,
            )
        except Refused as error:
            form.add_error("title", error)
        else:
            return redirect("live:session-edit", pk=session.pk)
    return render(
        request,
        "live/sessions.html",
        {
            "organisation": organisation,
            "sessions": selectors.sessions_of(organisation),
            "form": form,
        },
        status=400,
    )


def _edit_page(request, session, form, status=200, settings_form=None, fiver_form=None):
    fiver = selectors.fiver_of(session) if session.is_fiver else None
    return render(
        request,
        "live/session_edit.html",
        {
            "organisation": session.organisation,
            "session": session,
            "activities": selectors.activities_of(session),
            "form": form,
            "settings_form": settings_form or SessionForm.for_session(session),
            "fiver": fiver,
            "fiver_form": fiver_form or (FiverSettingsForm.for_fiver(fiver) if fiver else None),
            "teams": selectors.teams_of(fiver) if fiver else [],
            "team_form": TeamForm(),
        },
        status=status,
    )


@require_GET
@login_required
def session_edit(request, pk):
    """Show a session's activities, with buttons to reorder and a form to add one."""
    session = _session_for_staff(request, pk)
    return _edit_page(request, session, ActivityForm())


@require_POST
@login_required
def session_settings(request, pk):
    """Change the session's title and how it runs: workshop or meeting, and its cards."""
    session = _session_for_staff(request, pk)
    form = SessionForm.for_session(session, request.POST)
    if form.is_valid():
        try:
            services.session_change(
                session=session,
                title=form.cleaned_data["title"],
                settings=form.settings(),
                by=request.user,
            )
        except Refused as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved. Every screen uses the new settings now."))
            return redirect("live:session-edit", pk=session.pk)
    return _edit_page(request, session, ActivityForm(), status=400, settings_form=form)


@require_POST
@login_required
def activity_add(request, pk):
    session = _session_for_staff(request, pk)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            services.activity_add(
                session=session,
                kind=form.cleaned_data["kind"],
                prompt=form.cleaned_data["prompt"],
                options=form.option_list(),
                several=form.cleaned_data["several"],
                faces=form.cleaned_data["faces"],
                points_total=form.cleaned_data["points_total"] or 0,
                needs_approval=form.cleaned_data["needs_approval"],
                by=request.user,
            )
        except Refused as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Activity added."))
            return redirect("live:session-edit", pk=session.pk)
    return _edit_page(request, session, form, status=400)


@require_POST
@login_required
def activity_move(request, pk, activity_pk):
    session = _session_for_staff(request, pk)
    activity = get_object_or_404(Activity, pk=activity_pk, session=session)
    services.activity_move(activity=activity, by=request.user, up=request.POST.get("to") == "up")
    return redirect("live:session-edit", pk=session.pk)


@require_POST
@login_required
def session_copy(request, pk):
    session = _session_for_staff(request, pk)
    copy = services.session_copy(session=session, by=request.user)
    messages.success(request, _("Copied. This is the new session; the old one is unchanged."))
    return redirect("live:session-edit", pk=copy.pk)


def _results_context(activity: Activity, results: dict) -> dict:
    """Return the chart (or, for open text, the answers everyone may see) for a page."""
    if activity.kind == Activity.Kind.OPEN_TEXT:
        return {"texts": results.get("texts", []), "has_results": True}
    chart = charts.results_chart(
        results, title=activity.prompt, chart_id=f"chart-{activity.pk}", faces=activity.faces
    )
    return {"chart": chart, "has_results": True}


def _staff_context(request, session):
    snapshot = selectors.snapshot(session, selectors.STAFF)
    activity = session.current_activity
    context = {
        "organisation": session.organisation,
        "session": session,
        "snapshot": snapshot,
        "activity": activity,
        "activities": selectors.activities_of(session),
        "join_url": request.build_absolute_uri(reverse("join:code", args=[session.join_code])),
        "ws_path": f"/ws/live/s/{session.pk}/",
    }
    if activity is not None and "results" in snapshot:
        context.update(_results_context(activity, snapshot["results"]))
        if activity.kind == Activity.Kind.OPEN_TEXT:
            context["review"] = selectors.open_texts(activity)
    if "fiver" in snapshot:
        context.update(_fiver_staff_context(session, snapshot["fiver"]))
    return context


def _queue_context(request, session, *, shared_screen: bool) -> dict:
    """Return the cards and the queue for the console, or for the big screen (no Stop names)."""
    if not session.has_cards:
        return {}
    names = can_see_stop_names(request.user, session)
    if shared_screen:
        names = Decision(allowed=False)
    return {
        "queue": selectors.queue_now(session, stop_names=bool(names)),
        "can_see_stop_names": names,
        "stop_words": session.get_stop_words_display(),
        "session_words": [] if shared_screen else selectors.session_words(session),
    }


@require_GET
@login_required
@never_cache
def console(request, pk):
    """The facilitator's controls: next, back, open, close, show or hide results, lock, end."""
    session = _session_for_staff(request, pk)
    context = _staff_context(request, session)
    context["controls"] = _controls(session)
    context["participants"] = selectors.participants_of(session)
    if session.is_fiver:
        context["team_form"] = TeamForm()
        team_of = selectors.teams_by_phone(session)
        for participant in context["participants"]:
            participant.team_id = team_of.get(participant.pk)
    context.update(_queue_context(request, session, shared_screen=False))
    template = (
        "live/console.html#live" if request.GET.get("part") == "live" else "live/console.html"
    )
    return render(request, template, context)


def _controls(session: LiveSession) -> list[tuple[str, str]]:
    """Return the buttons that make sense now, as (action, words)."""
    C = services.Control
    State = LiveSession.State
    if session.state == State.ENDED:
        return []
    if session.state == State.DRAFT:
        return [(C.START, _("Start the session"))]
    out = []
    activity = session.current_activity
    # A meeting or a Bid for a Fiver with no questions needs none of the question buttons.
    if activity is not None or session.has_questions:
        out += [(C.BACK, _("Back")), (C.NEXT, _("Next"))]
        if activity is not None:
            if activity.state == Activity.State.OPEN:
                out.append((C.CLOSE, _("Close answers")))
            else:
                out.append((C.OPEN, _("Open answers")))
        out.append(
            (C.HIDE, _("Hide results")) if session.results_shown else (C.SHOW, _("Show results"))
        )
    out.append(
        (C.UNLOCK, _("Let new people join"))
        if session.state == State.LOCKED
        else (C.LOCK, _("Lock: nobody new can join"))
    )
    out.append((C.END, _("End the session")))
    return out


@require_POST
@login_required
def session_control(request, pk):
    session = _session_for_staff(request, pk)
    try:
        services.session_control(
            session=session, action=(request.POST.get("action") or "")[:20], by=request.user
        )
    except Refused as error:
        messages.error(request, _refusal_text(error))
    return redirect("live:console", pk=session.pk)


@require_POST
@login_required
def answer_review(request, pk, answer_pk):
    """Show a written answer on the screens (approve it), or hide it again."""
    session = _session_for_staff(request, pk)
    answer = get_object_or_404(Answer, pk=answer_pk, activity__session=session)
    try:
        services.answer_review(
            answer=answer, shown=request.POST.get("show") == "yes", by=request.user
        )
    except Refused as error:
        messages.error(request, _refusal_text(error))
    return redirect("live:console", pk=session.pk)


@require_POST
@login_required
def participant_remove(request, pk, participant_pk):
    """Take a phone out of the session: its answers stop counting and it can't come back."""
    session = _session_for_staff(request, pk)
    participant = get_object_or_404(Participant, pk=participant_pk, session=session)
    services.participant_remove(participant=participant, by=request.user)
    messages.success(request, _("Taken out. Their answers no longer count."))
    return redirect("live:console", pk=session.pk)


@require_POST
@login_required
def answers_delete(request, pk):
    """Delete an ended session's answers and phones for good."""
    session = _session_for_staff(request, pk)
    try:
        count = services.session_answers_delete(session=session, by=request.user)
    except Refused as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(
            request,
            ngettext(
                "Deleted %(count)d answer. Nobody can see it now.",
                "Deleted %(count)d answers. Nobody can see them now.",
                count,
            )
            % {"count": count},
        )
    return redirect("live:console", pk=session.pk)


@require_GET
@login_required
@never_cache
def present(request, pk):
    """The presenter screen for the projector: the question, results, join code and QR code."""
    session = _session_for_staff(request, pk)
    context = _staff_context(request, session)
    context["qr"] = charts.qr_svg(
        context["join_url"], label=_("QR code to join: %(code)s") % {"code": session.join_code}
    )
    context.update(_queue_context(request, session, shared_screen=True))
    template = (
        "live/present.html#live" if request.GET.get("part") == "live" else "live/present.html"
    )
    return render(request, template, context)


@require_GET
@login_required
@never_cache
def session_snapshot(request, pk):
    """The staff snapshot as JSON, for screens whose socket dropped."""
    session = _session_for_staff(request, pk)
    return JsonResponse(selectors.snapshot(session, selectors.STAFF))


# ---- joining ----


def _set_device_cookie(response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@require_http_methods(["GET", "POST"])
def join_start(request):
    """Ask for the join code shown on the big screen."""
    form = JoinCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        session = selectors.session_by_code(form.cleaned_data["code"])
        if session is not None and session.is_running:
            return redirect("join:code", code=session.join_code)
        form.add_error("code", _("No session is open with that code. Check it on the big screen."))
    return render(
        request, "live/join_start.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def join_code(request, code):
    """Join the session with this code: choose a nickname if you like, then join."""
    session = selectors.session_by_code(code)
    if session is None:
        raise Http404
    if session.join_code != code:
        return redirect("join:code", code=session.join_code)
    token = request.COOKIES.get(COOKIE, "")
    participant = services.participant_for(session, token) if token else None
    if participant is not None and not participant.removed and request.method == "GET":
        return redirect("live:phone", code=session.join_code)
    form = JoinForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        token = token if 20 <= len(token) <= 100 else services.device_token_new()
        try:
            services.session_join(
                session=session, token=token, nickname=form.cleaned_data["nickname"]
            )
        except Refused as error:
            form.add_error(None, error)
            status = 429 if error.kind == Refusal.TOO_MANY else 400
        else:
            response = redirect("live:phone", code=session.join_code)
            _set_device_cookie(response, token)
            return response
    elif form.errors:
        status = 400
    return render(request, "live/join.html", {"session": session, "form": form}, status=status)


# ---- the phone ----


def _phone_session(request, code):
    session = selectors.session_by_code(code)
    if session is None or session.join_code != code:
        raise Http404
    participant = services.participant_for(session, request.COOKIES.get(COOKIE, ""))
    return session, participant


def _phone_context(
    session, participant, *, typed=None, error="", card_error="", phrase="", plan=None
):
    snapshot = selectors.snapshot(session, selectors.PHONE)
    activity = session.current_activity
    mine = None
    if activity is not None:
        mine = activity.answers.filter(participant=participant).values_list("value", flat=True)
        mine = mine.first()
    answer = typed if typed is not None else (mine or {})
    context = {
        "session": session,
        "participant": participant,
        "rows": _answer_rows(activity, answer) if activity else [],
        "snapshot": snapshot,
        "activity": activity,
        "labels": kinds.labels(activity) if activity else [],
        "answer": answer,
        "answered": mine is not None,
        "error": error,
        "client_id": uuid.uuid4(),
        "ws_path": f"/ws/live/p/{session.join_code}/",
        "words_range": range(kinds.WORDS_MAX),
        "can_answer": activity is not None
        and session.is_running
        and activity.state == Activity.State.OPEN,
    }
    if activity is not None and activity.kind == Activity.Kind.RANKING:
        context["ranking_order"] = ",".join(key for key, _label, _place in context["rows"])
    if session.has_cards:
        context.update(_snapshot_cards_context(session, participant, snapshot, card_error, phrase))
    elif card_error:
        context["error"] = card_error  # no cards on the page to show it beside
    if "fiver" in snapshot:
        context.update(_fiver_phone_context(session, participant, snapshot["fiver"], plan))
        own = context["team"].vote_option if context["team"] else None
        if (
            activity is not None
            and activity.pk == snapshot["fiver"]["vote"]
            and snapshot["fiver"]["own_vote_barred"]
            and own is not None
        ):
            context["own_option"] = str(own)
    if activity is not None and "results" in snapshot:
        context.update(_results_context(activity, snapshot["results"]))
        if activity.kind == Activity.Kind.OPEN_TEXT:
            voted = selectors.upvoted_by(participant, activity)
            mine = set(
                activity.answers.filter(participant=participant).values_list("pk", flat=True)
            )
            context["texts"] = [
                {**item, "voted": item["id"] in voted, "mine": item["id"] in mine}
                for item in context["texts"]
            ]
    return context


def _answer_rows(activity: Activity, answer: dict) -> list[tuple[str, str, object]]:
    """Return (key, label, what this phone gave it) for each option, to fill the form again."""
    pairs = kinds.labels(activity)
    if activity.kind == Activity.Kind.RANKING:
        # In the phone's order, top first, for the up and down buttons.
        order = answer.get("order") if isinstance(answer.get("order"), list) else None
        if not order or sorted(order) != list(range(len(pairs))):
            order = list(range(len(pairs)))
        return [
            (pairs[option][0], pairs[option][1], place + 1) for place, option in enumerate(order)
        ]
    if activity.kind == Activity.Kind.POINTS:
        points = answer.get("points") if isinstance(answer.get("points"), list) else []
        given = {str(i): p for i, p in enumerate(points)}
        return [(key, label, given.get(key, "")) for key, label in pairs]
    if activity.kind == Activity.Kind.WORD_CLOUD:
        words = answer.get("words") if isinstance(answer.get("words"), list) else []
        return [(str(i), "", words[i] if i < len(words) else "") for i in range(kinds.WORDS_MAX)]
    picked = set()
    for name in ("choice", "step", "score"):
        if answer.get(name) is not None:
            picked.add(str(answer[name]))
    for choice in answer.get("choices") or []:
        picked.add(str(choice))
    return [(key, label, key in picked) for key, label in pairs]


@require_GET
@never_cache
def phone(request, code):
    """The phone view: the question now, your answer, the results when shown, your cards."""
    session, participant = _phone_session(request, code)
    if participant is None or participant.removed:
        return redirect("join:code", code=session.join_code)
    part = request.GET.get("part")
    template = (
        f"live/phone.html#{part}"
        if part in PHONE_PARTS and _has_part(session, part)
        else _template("live/phone.html", request)
    )
    return render(request, template, _phone_context(session, participant))


# Parts of the phone page live.js redraws by themselves (?part=cards and so on).
PHONE_PARTS = ("cards", "fiver", "words")


def _has_part(session: LiveSession, part: str) -> bool:
    if part == "fiver":
        return session.is_fiver
    return session.has_cards


@require_POST
def answer(request, code):
    """Take a phone's answer, from a plain form or as JSON (docs/live-protocol.md)."""
    if request.content_type == "application/json":
        return answer_json(request, code)
    session, participant = _phone_session(request, code)
    if participant is None or participant.removed:
        return redirect("join:code", code=session.join_code)
    activity_id = (request.POST.get("activity") or "")[:12]
    activity = (
        Activity.objects.filter(session=session, pk=int(activity_id)).first()
        if activity_id.isdigit()
        else None
    )
    if activity is None:
        messages.error(request, _("That question has gone. Here is the one on the big screen now."))
        return redirect("live:phone", code=session.join_code)
    move = (request.POST.get("move") or "")[:20]
    if move and activity.kind == Activity.Kind.RANKING:
        return _ranking_moved(request, session, participant, activity, move)
    value = answer_from_post(activity, request.POST)
    try:
        services.answer_submit(
            participant=participant,
            activity=activity,
            client_id=(request.POST.get("client_id") or "")[:40],
            value=value,
        )
    except Refused as error:
        status = 429 if error.kind == Refusal.TOO_MANY else 400
        context = _phone_context(session, participant, typed=value, error=_refusal_text(error))
        return render(request, "live/phone.html", context, status=status)
    messages.success(
        request, _("Thanks, your answer is in. You can change it until the question closes.")
    )
    return redirect("live:phone", code=session.join_code)


def _ranking_moved(request, session, participant, activity: Activity, move: str):
    """An up or down button was pressed: show the new order. Nothing is counted yet.

    Works without JavaScript: each press is a POST that carries the order so far.
    """
    order = ranking_order(activity, request.POST) or list(range(len(activity.options)))
    moved = ranking_move(order, move, [label for _key, label in kinds.labels(activity)])
    context = _phone_context(session, participant, typed={"order": moved.order})
    context.update(focus=moved.focus, ranking_note=moved.note)
    return render(request, "live/phone.html", context)


def _phone_json(request, code) -> tuple[LiveSession, Participant] | JsonResponse:
    """Return the session and this phone, or the JSON refusal saying why not.

    Only their ids are read (services.phone_of): the answer and the snapshot read the
    rest fresh, under the answer's lock.
    """
    phone = services.phone_of(code, request.COOKIES.get(COOKIE, ""))
    if phone is None:
        session = selectors.session_by_code(code)
        if session is None or session.join_code != code:
            return JsonResponse(
                {"ok": False, "error": _("There is no session with that code.")}, status=404
            )
    if phone is None or phone.removed:
        return JsonResponse({"ok": False, "error": _("Join the session first.")}, status=403)
    session = LiveSession(pk=phone.session_id, join_code=code)
    participant = Participant(pk=phone.participant_id, session_id=phone.session_id)
    return session, participant


def answer_json(request, code) -> JsonResponse:
    """Take a phone's answer sent as JSON (docs/live-protocol.md).

    Called by the `answer` view and by live's fast path (live/fast.py), which serves
    JSON answers without Django's middleware.
    """
    found = _phone_json(request, code)
    if isinstance(found, JsonResponse):
        return found
    session, participant = found
    if len(request.body) > BODY_MAX:
        return JsonResponse({"ok": False, "error": _("That answer is too long.")}, status=413)
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("activity"), int):
        return JsonResponse(
            {"ok": False, "error": _("That answer doesn't fit this question.")}, status=400
        )
    # Only its id: answer_submit reads the activity itself, under the phone's lock.
    activity = Activity(pk=body["activity"], session_id=session.pk)
    try:
        answered = services.answer_submit(
            participant=participant,
            activity=activity,
            client_id=str(body.get("client_id", ""))[:40],
            value=body.get("value"),
        )
    except Refused as error:
        if error.kind == Refusal.MISMATCH:  # no such activity in this session
            return JsonResponse({"ok": False, "error": _("That question has gone.")}, status=404)
        return JsonResponse(
            {"ok": False, "kind": error.kind.value, "error": _refusal_text(error)},
            status=429 if error.kind == Refusal.TOO_MANY else 400,
        )
    return JsonResponse(
        {"ok": True, "replayed": answered.replayed, "client_id": str(answered.answer.client_id)}
    )


@require_POST
def upvote(request, code):
    """Up-vote a written answer on the screen, or take the vote back."""
    session, participant = _phone_session(request, code)
    if participant is None or participant.removed:
        return redirect("join:code", code=session.join_code)
    answer_id = (request.POST.get("answer") or "")[:12]
    answer = (
        Answer.objects.filter(activity__session=session, pk=int(answer_id)).first()
        if answer_id.isdigit()
        else None
    )
    if answer is None:
        messages.error(request, _("That answer has gone."))
        return redirect("live:phone", code=session.join_code)
    try:
        services.answer_upvote(
            participant=participant, answer=answer, up=request.POST.get("up") != "no"
        )
    except Refused as error:
        messages.error(request, _refusal_text(error))
    return redirect("live:phone", code=session.join_code)


@require_GET
@never_cache
def phone_snapshot(request, code):
    """The phone snapshot as JSON, polled by a phone whose socket dropped."""
    return snapshot_json(request, code)


def snapshot_json(request, code) -> JsonResponse:
    """The phone snapshot, or a JSON refusal (the view and live's fast path call it)."""
    found = _phone_json(request, code)
    if isinstance(found, JsonResponse):
        return found
    session, _participant = found
    return JsonResponse(selectors.snapshot(session, selectors.PHONE))


# ---- meeting cards and the speaking queue (decision 0063) ----

PHRASE_FIELD_MAX = 400
# live.js sends this header when it posts a card or a queue button itself (no reload).
PART_HEADER = "X-Live-Part"


def _card_words(session: LiveSession) -> dict[str, str]:
    return {
        Card.Kind.SPEAK: _("I want to speak"),
        Card.Kind.STOP: session.get_stop_words_display(),
        Card.Kind.QUIET: _("I don't want to speak"),
        Card.Kind.BREAK: _("Can we take a break?"),
    }


def _cards_context(
    session, participant, *, mine, place: int, paused: bool, card_error="", phrase="", explained=()
) -> dict:
    """Return the phone's four cards: each one's words, whether it is up, and what that means.

    `mine` is the phone's cards up, by kind; `place` its waiting hand's place in the
    queue (0: not known to be waiting).
    """
    words = _card_words(session)
    decision = can_press_cards(participant)
    cards = []
    for kind in (Card.Kind.SPEAK, Card.Kind.STOP, Card.Kind.QUIET, Card.Kind.BREAK):
        card = mine.get(kind)
        state = ""
        if card is not None and card.state == Card.State.SPEAKING:
            state = _("It's your turn to speak now. Press again when you have finished.")
        elif card is not None and kind == Card.Kind.SPEAK:
            state = (
                _("Your hand is up: you are number %(place)d in the queue.") % {"place": place}
                if place
                else _("Your hand is up.")
            )
        elif card is not None and kind == Card.Kind.STOP:
            state = (
                _("The facilitator has your card. They can see it's from you.")
                if session.stop_names_shown
                else _("The facilitator has your card. They can't see who sent it.")
            )
        elif card is not None and kind == Card.Kind.QUIET:
            state = _("The facilitator knows. They won't ask you to speak.")
        elif card is not None:
            state = _("You asked for a break. The facilitator sees how many asked, not who.")
        cards.append(
            {
                "kind": kind,
                "words": words[kind],
                "card": card,
                "up": card is not None,
                "state": state,
                "client_id": uuid.uuid4(),
                # The queue is paused: no new hands (one already up can still come down).
                "off": kind == Card.Kind.SPEAK and card is None and paused,
            }
        )
    return {
        "cards": cards,
        "can_press_cards": decision,
        "card_error": card_error,
        "phrase": phrase,
        "queue_paused": paused,
        "phrase_max": services.PHRASE_MAX_LENGTH,
        "explained": list(explained),
    }


def _snapshot_cards_context(session, participant, snapshot, card_error: str, phrase: str) -> dict:
    """`_cards_context` for the whole phone page, with the queue as the snapshot has it."""
    mine = selectors.my_cards(participant)
    public = snapshot.get("cards") or {}
    hand = mine.get(Card.Kind.SPEAK)
    queue = public.get("queue") or []
    place = queue.index(hand.pk) + 1 if hand is not None and hand.pk in queue else 0
    return _cards_context(
        session,
        participant,
        mine=mine,
        place=place,
        paused=public.get("paused", False),
        card_error=card_error,
        phrase=phrase,
        explained=public.get("glossary", []),
    )


def _cards_part(request, cards: card_rows.PhoneCards, note: str) -> TemplateResponse:
    """The phone's cards part after a press, drawn from what the press read (no more queries).

    The same part as `phone.html#cards` in the whole page; only what the part shows is
    in the context. A TemplateResponse, drawn when it is sent: live's fast path draws it
    after the press's transaction, off the writer thread (decision 0093).
    """
    session = cards.session
    context = {
        "session": session,
        "participant": cards.participant,
        "snapshot": {"cards": {"round": session.cards_round, "words": session.stop_words}},
        "card_note": note,
        **_cards_context(
            session,
            cards.participant,
            mine=cards.mine,
            place=cards.place,
            paused=session.queue_paused,
        ),
    }
    # The token the part's forms carry, taken now (so the cookie is renewed in this reply,
    # as when the part is drawn at once) and once: each new one is 32 random letters.
    context["csrf_token"] = get_token(request)
    return TemplateResponse(request, "live/phone.html#cards", context)


def _raised_note(session: LiveSession, pressed: services.Pressed) -> str:
    if pressed.already:
        return _("That card is up already.")
    kind = pressed.card.kind
    if kind == Card.Kind.SPEAK:
        return _("Your hand is up. You're in the queue to speak.")
    if kind == Card.Kind.STOP:
        note = _("The facilitator has your %(card)s card.") % {
            "card": session.get_stop_words_display()
        }
        if pressed.phrase_dropped:
            note += " " + _("We left your words out, because some words aren't allowed here.")
        return note
    if kind == Card.Kind.QUIET:
        return _("The facilitator knows. They won't ask you to speak.")
    return _("You asked for a break.")


def _lowered_note(lowered: services.Lowered) -> str:
    if not lowered.changed:
        return _("That card is down already.")
    if lowered.card.state == Card.State.DONE:
        return _("Thanks for speaking.")
    if lowered.card.kind == Card.Kind.SPEAK:
        return _("Your hand is down.")
    return _("Your card is down.")


def _card_phone(request, code) -> tuple[LiveSession, Participant | None]:
    """Return the session (its id and code only) and this phone, or None if not joined.

    Only their ids are read (services.phone_of, as answers do): the press reads the rest
    under its lock.
    """
    phone = services.phone_of(code, request.COOKIES.get(COOKIE, ""))
    if phone is None:
        session = selectors.session_by_code(code)
        if session is None or session.join_code != code:
            raise Http404
        return session, None
    session = LiveSession(pk=phone.session_id, join_code=code)
    participant = Participant(pk=phone.participant_id, session_id=phone.session_id)
    return session, (None if phone.removed else participant)


@require_POST
def card(request, code):
    """Hold up a card, or put one down (docs/live-protocol.md); a plain form works too.

    live.js's presses (`X-Live-Part: cards`) also come here through live's fast path
    (live/fast.py, decision 0093), CSRF-checked as Django checks them.
    """
    session, participant = _card_phone(request, code)
    by_script = request.headers.get(PART_HEADER) == "cards"
    if participant is None:
        if by_script:
            return JsonResponse({"ok": False, "error": _("Join the session first.")}, status=403)
        return redirect("join:code", code=session.join_code)
    card_id = (request.POST.get("card") or "")[:12]
    phrase = (request.POST.get("phrase") or "")[:PHRASE_FIELD_MAX]
    note, error, status, cards = "", "", 200, None
    try:
        if card_id:
            try:
                if not card_id.isdigit():
                    raise Card.DoesNotExist
                lowered = services.card_lower(participant=participant, card=Card(pk=int(card_id)))
            except (Card.DoesNotExist, Refused) as gone:
                if isinstance(gone, Refused) and gone.kind != Refusal.MISMATCH:
                    raise
                # Not this phone's card, or no such card: it has gone, as far as it knows.
                error, status = _("That card has gone. Here are your cards now."), 404
            else:
                note, cards = _lowered_note(lowered), lowered.cards
        else:
            pressed = services.card_raise(
                participant=participant,
                kind=(request.POST.get("kind") or "")[:10],
                client_id=(request.POST.get("client_id") or "")[:40],
                phrase=phrase,
            )
            note, cards = _raised_note(pressed.cards.session, pressed), pressed.cards
            phrase = ""
    except Refused as refused:
        error = _refusal_text(refused)
        status = 429 if refused.kind == Refusal.TOO_MANY else 400
    if by_script and not error:
        return _cards_part(request, cards, note)
    if error:
        session, participant = _phone_session(request, code)
        context = _phone_context(session, participant, card_error=error, phrase=phrase)
        context["card_note"] = note
        template = "live/phone.html#cards" if by_script else "live/phone.html"
        return render(request, template, context, status=status)
    messages.success(request, note)
    return redirect(reverse("live:phone", args=[session.join_code]) + "#cards")


def _staff_reply(request, session, error: str = "", note: str = "", anchor: str = "queue"):
    """Back to the console (at the queue), or a short JSON reply when live.js sent the button."""
    if request.headers.get(PART_HEADER) == "staff":
        return JsonResponse(
            {"ok": not error, "error": error, "note": note}, status=400 if error else 200
        )
    if error:
        messages.error(request, error)
    elif note:
        messages.success(request, note)
    return redirect(reverse("live:console", args=[session.pk]) + f"#{anchor}")


def _queue_action(request, session: LiveSession, held: Card | None):
    action = (request.POST.get("action") or "")[:20]
    try:
        changed = services.queue_control(
            session=session,
            action=action,
            card=held,
            order=card_ids(request.POST.get("order", "")),
            by=request.user,
        )
    except Refused as error:
        return _staff_reply(request, session, error=_refusal_text(error))
    note = ""
    if action == services.QueueAction.CALL and not changed:
        note = (
            _("Nobody is waiting to speak.") if held is None else _("They aren't waiting any more.")
        )
    return _staff_reply(request, session, note=note)


@require_POST
@login_required
def queue(request, pk):
    """Run the speaking queue: call the next, done, sort again, pause, clear, a dragged order."""
    return _queue_action(request, _session_for_staff(request, pk), None)


@require_POST
@login_required
def queue_card(request, pk, card_pk):
    """One hand in the queue: it speaks now, or moves up or down."""
    session = _session_for_staff(request, pk)
    held = get_object_or_404(Card, pk=card_pk, session=session, kind=Card.Kind.SPEAK)
    return _queue_action(request, session, held)


@require_POST
@login_required
def cards_put_down(request, pk):
    """Put every Stop card (or every break card) down, once you have dealt with them."""
    session = _session_for_staff(request, pk)
    try:
        count = services.cards_put_down(
            session=session, kind=(request.POST.get("kind") or "")[:10], by=request.user
        )
    except Refused as error:
        return _staff_reply(request, session, error=_refusal_text(error))
    note = ngettext("Put %(count)d card down.", "Put %(count)d cards down.", count) % {
        "count": count
    }
    return _staff_reply(request, session, note=note)


# ---- exports of a session's results (decision 0056) ----

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _export(request, pk: int, extension: str) -> HttpResponse:
    session = _session_for_staff(request, pk)
    body = exports.as_csv(session) if extension == "csv" else exports.as_xlsx(session)
    response = HttpResponse(body, content_type=EXPORT_TYPES[extension])
    response["Content-Disposition"] = content_disposition_header(
        True, exports.file_name(session, extension)
    )
    return response


@require_GET
@login_required
@never_cache
def results_csv(request, pk):
    """The session's results as a CSV file: counts and shown answers, nobody's name or phone."""
    return _export(request, pk, "csv")


@require_GET
@login_required
@never_cache
def results_xlsx(request, pk):
    """The session's results as an XLSX workbook, the same rows as the CSV."""
    return _export(request, pk, "xlsx")


# ---- the jargon glossary (decision 0065) ----


def _glossary_page(request, organisation, form=None, status=200):
    return render(
        request,
        "live/glossary.html",
        {
            "organisation": organisation,
            "words": selectors.glossary_of(organisation),
            "form": form or GlossaryAddForm(),
            "meaning_max": services.MEANING_MAX_LENGTH,
        },
        status=status,
    )


@require_GET
@login_required
def glossary(request, slug):
    """The organisation's glossary for its staff: every word that lost someone, and meanings."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_run_sessions(request.user, organisation))
    return _glossary_page(request, organisation)


@require_POST
@login_required
def glossary_add(request, slug):
    """Add a word or phrase with its meaning (or give a word that has none its meaning)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_run_sessions(request.user, organisation))
    form = GlossaryAddForm(request.POST)
    if form.is_valid():
        try:
            word = services.glossary_add(
                organisation=organisation,
                words_typed=form.cleaned_data["words"],
                meaning=form.cleaned_data["meaning"],
                by=request.user,
            )
        except Refused as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Added “%(words)s” to the glossary.") % {"words": word.words}
            )
            return redirect("live:glossary", slug=organisation.slug)
    return _glossary_page(request, organisation, form=form, status=400)


class GlossaryAction:
    MEANING = "meaning"
    HIDE = "hide"
    SHOW = "show"


@require_POST
@login_required
def glossary_word(request, slug, pk):
    """Give a word its meaning, or leave it out of what people see (or bring it back)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_run_sessions(request.user, organisation))
    word = get_object_or_404(GlossaryWord, pk=pk, organisation=organisation)
    action = (request.POST.get("action") or GlossaryAction.MEANING)[:10]
    try:
        if action in (GlossaryAction.HIDE, GlossaryAction.SHOW):
            services.glossary_hide(word=word, hidden=action == GlossaryAction.HIDE, by=request.user)
            note = (
                _("“%(words)s” is left out now. Nobody else sees it.")
                if action == GlossaryAction.HIDE
                else _("“%(words)s” is back in the glossary.")
            )
        else:
            services.glossary_explain(
                word=word,
                meaning=(request.POST.get("meaning") or "")[: services.MEANING_MAX_LENGTH + 100],
                by=request.user,
            )
            note = _("Saved the meaning of “%(words)s”.")
    except Refused as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, note % {"words": word.words})
    return redirect(reverse("live:glossary", args=[organisation.slug]) + f"#word-{word.pk}")


@require_GET
def glossary_public(request, slug):
    """The organisation's glossary for anyone: the words that lost people, in plain words."""
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(
        request,
        "live/glossary_public.html",
        {"organisation": organisation, "words": selectors.glossary_public(organisation)},
    )


@require_POST
@login_required
def session_glossary(request, pk):
    """From the console: give a word flagged in this session its meaning."""
    session = _session_for_staff(request, pk)
    word_id = (request.POST.get("word") or "")[:12]
    word = (
        GlossaryWord.objects.filter(organisation=session.organisation, pk=int(word_id)).first()
        if word_id.isdigit()
        else None
    )
    if word is None:
        return _staff_reply(
            request, session, error=_("That word has gone from the glossary."), anchor="words"
        )
    try:
        services.glossary_explain(
            word=word,
            meaning=(request.POST.get("meaning") or "")[: services.MEANING_MAX_LENGTH + 100],
            by=request.user,
        )
    except Refused as error:
        return _staff_reply(request, session, error=_refusal_text(error), anchor="words")
    return _staff_reply(
        request,
        session,
        note=_("Saved. Phones can see what “%(words)s” means now.") % {"words": word.words},
        anchor="words",
    )


# ---- Bid for a Fiver (decision 0066) ----


def _fiver_buttons(session: LiveSession, fiver: FiverRound, public: dict) -> list[tuple]:
    """Return the Bid for a Fiver's buttons that make sense now, as (action, words, style)."""
    if not session.is_running:
        return []
    A = services.FiverAction
    stage = public["stage"]
    Stage = FiverRound.Stage
    if stage == Stage.TEAMS:
        return [
            (
                A.START,
                ngettext(
                    "Start the clock (%(count)d minute)",
                    "Start the clock (%(count)d minutes)",
                    fiver.minutes,
                )
                % {"count": fiver.minutes},
                "",
            )
        ]
    if stage == Stage.PLANNING:
        first = (
            (A.RESUME, _("Start the clock again"), "")
            if public["clock"] == "paused"
            else (A.PAUSE, _("Pause the clock"), "secondary")
        )
        return [
            first,
            (A.MINUTE, _("Add a minute"), "secondary"),
            (A.STOP, _("Time's up now"), "warning"),
        ]
    if stage == Stage.GALLERY:
        return [
            (A.VOTE, _("Everyone votes now"), ""),
            (A.MINUTE, _("One more minute to plan"), "secondary"),
        ]
    if stage == Stage.VOTING:
        return [(A.WINNER, _("Close the vote and show the winner"), "")]
    return []


def _fiver_staff_context(session: LiveSession, public: dict) -> dict:
    fiver = selectors.fiver_of(session)
    teams = selectors.gallery(fiver)
    stage = public["stage"]
    return {
        "fiver": fiver,
        "fiver_public": public,
        "fiver_stage": stage,
        "fiver_before_vote": stage
        in (FiverRound.Stage.TEAMS, FiverRound.Stage.PLANNING, FiverRound.Stage.GALLERY),
        "fiver_teams_open": stage in (FiverRound.Stage.TEAMS, FiverRound.Stage.PLANNING),
        "fiver_teams": teams,
        "fiver_gallery": [team for team in teams if team.title or team.items.all()],
        "fiver_winners": public["winners"],
        "fiver_buttons": _fiver_buttons(session, fiver, public),
    }


def _fiver_phone_context(session, participant, public: dict, plan: dict | None) -> dict:
    """Return the phone's Bid for a Fiver: its team, its plan (to change), or the gallery."""
    plan = plan or {}
    fiver = selectors.fiver_of(session)
    team = selectors.team_of(participant)
    participant.session = session
    stage = public["stage"]
    shown = stage in (FiverRound.Stage.GALLERY, FiverRound.Stage.VOTING, FiverRound.Stage.WINNER)
    can_change = can_change_plan(participant, fiver, team)
    # A problem goes beside the form it came from; one whose form isn't shown now (an
    # item taken off meanwhile, time up) goes at the top.
    forms = {"team", "plan", "add"} | (
        {item.form_key for item in team.items.all()} if team is not None else set()
    )
    error_for = plan.get("error_for", "")
    if error_for not in forms or (error_for != "team" and not can_change):
        error_for = "top"
    return {
        "fiver": fiver,
        "fiver_public": public,
        "fiver_stage": stage,
        "team": team,
        "left_pence": fiver.cap_pence - team.total_pence if team else fiver.cap_pence,
        "can_change_plan": can_change,
        "can_join_team": can_join_team(participant),
        "gallery": selectors.gallery(fiver, with_plans_only=True) if shown else [],
        "plan_error": plan.get("error", ""),
        "plan_error_for": error_for if plan.get("error") else "",
        "plan_typed": plan.get("typed", {}),
        "plan_note": plan.get("note", ""),
        "plan_focus": plan.get("focus", ""),
        "item_client_id": uuid.uuid4(),
    }


def _fiver_part_reply(request, session, participant, plan: dict, status: int):
    """The phone's Bid for a Fiver part (live.js), or the page (a plain form), or back to it."""
    by_script = request.headers.get(PART_HEADER) == "fiver"
    if by_script or plan.get("error"):
        context = _phone_context(session, participant, plan=plan)
        template = "live/phone.html#fiver" if by_script else "live/phone.html"
        return render(request, template, context, status=status)
    if plan.get("note"):
        messages.success(request, plan["note"])
    return redirect(reverse("live:phone", args=[session.join_code]) + "#fiver")


def _phone_for_fiver(request, code):
    """Return the session and this phone, or the reply for a phone that hasn't joined."""
    session, participant = _phone_session(request, code)
    if participant is None or participant.removed:
        if request.headers.get(PART_HEADER) == "fiver":
            return JsonResponse({"ok": False, "error": _("Join the session first.")}, status=403)
        return redirect("join:code", code=session.join_code)
    return session, participant


@require_POST
def team_join(request, code):
    """A phone joins its team with the team's code."""
    found = _phone_for_fiver(request, code)
    if not isinstance(found, tuple):
        return found
    session, participant = found
    typed = (request.POST.get("team_code") or "")[:20]
    try:
        team = services.team_join(participant=participant, code=typed)
    except Refused as error:
        plan = {"error": _refusal_text(error), "error_for": "team", "typed": {"team_code": typed}}
        return _fiver_part_reply(
            request, session, participant, plan, 429 if error.kind == Refusal.TOO_MANY else 400
        )
    note = _("You're in %(team)s.") % {"team": team.name}
    return _fiver_part_reply(request, session, participant, {"note": note}, 200)


class PlanAction:
    PLAN = "plan"  # the plan's name, what they'll do, who it's for
    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"


def _plan_do(participant, action: str, post) -> str:
    """Do what the phone's plan form asked; return what happened, in words."""

    def field(name: str) -> str:
        return (post.get(name) or "")[: services.PLAN_DOING_MAX_LENGTH + 100]

    if action == PlanAction.PLAN:
        typed = {name: field(name) for name in ("title", "doing", "for_whom")}
        was = {name: field(f"was_{name}") for name in typed}
        done = services.plan_change(participant=participant, was=was, **typed)
        return _("Saved your plan.") if done.changed else _("Nothing to save: no changes.")
    item_id = field("item")[:12]
    item = PlanItem.objects.filter(pk=int(item_id)).first() if item_id.isdigit() else None
    if action == PlanAction.REMOVE:
        done = (
            services.plan_item_remove(participant=participant, item=item)
            if item is not None
            else None
        )
        if done is None or not done.changed:
            return _("That item has gone already.")
        return _("Took %(what)s off.") % {"what": item.what}
    what = " ".join(field("what").split())
    cost = pence_typed(field("cost")[:20], most_pence=services.FIVER_CAP_MAX_PENCE)
    if cost is None:
        raise Refused(_("Say what it costs, like 1.50 or 75p."), kind=Refusal.INVALID)
    if action == PlanAction.CHANGE:
        if item is None:
            raise Refused(
                _("That item has gone: someone in your team took it off."), kind=Refusal.UNKNOWN
            )
        services.plan_item_change(participant=participant, item=item, what=what, cost_pence=cost)
        return _("Changed %(what)s.") % {"what": what}
    services.plan_item_add(
        participant=participant,
        what=what,
        cost_pence=cost,
        client_id=field("client_id")[:40],
    )
    return _("Added %(what)s.") % {"what": what}


@require_POST
def plan(request, code):
    """A phone changes its team's plan: its words, or one item at a time (add, change, take off)."""
    found = _phone_for_fiver(request, code)
    if not isinstance(found, tuple):
        return found
    session, participant = found
    action = (request.POST.get("action") or "")[:10]
    if action not in (PlanAction.PLAN, PlanAction.ADD, PlanAction.CHANGE, PlanAction.REMOVE):
        action = PlanAction.ADD
    item = (request.POST.get("item") or "")[:12]
    form = {PlanAction.PLAN: "plan", PlanAction.ADD: "add"}.get(action, f"item-{item}")
    typed = {
        name: (request.POST.get(name) or "")[: services.PLAN_DOING_MAX_LENGTH + 100]
        for name in ("title", "doing", "for_whom", "what", "cost")
    }
    try:
        note = _plan_do(participant, action, request.POST)
    except Refused as error:
        plan_state = {"error": _refusal_text(error), "error_for": form, "typed": typed}
        return _fiver_part_reply(
            request,
            session,
            participant,
            plan_state,
            429 if error.kind == Refusal.TOO_MANY else 400,
        )
    # After an add, the focus goes back to "What it is", ready for the next item.
    focus = "add" if action == PlanAction.ADD else ""
    return _fiver_part_reply(request, session, participant, {"note": note, "focus": focus}, 200)


@require_POST
@login_required
def fiver_settings(request, pk):
    """Set the Bid for a Fiver's budget, its time and whether teams may vote for themselves."""
    session = _session_for_staff(request, pk)
    fiver = get_object_or_404(FiverRound, session=session)
    form = FiverSettingsForm.for_fiver(fiver, request.POST)
    if form.is_valid():
        try:
            services.fiver_settings_change(
                session=session, settings=form.settings(), by=request.user
            )
        except Refused as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved. Every screen uses the new budget and time now."))
            return redirect(reverse("live:session-edit", args=[session.pk]) + "#fiver")
    return _edit_page(request, session, ActivityForm(), status=400, fiver_form=form)


@require_POST
@login_required
def fiver_control(request, pk):
    """Run the Bid for a Fiver: the clock, time's up, the vote, the winner."""
    session = _session_for_staff(request, pk)
    action = (request.POST.get("action") or "")[:10]
    try:
        services.fiver_control(session=session, action=action, by=request.user)
    except Refused as error:
        return _staff_reply(request, session, error=_refusal_text(error), anchor="fiver")
    return _staff_reply(request, session, anchor="fiver")


@require_POST
@login_required
def team_add(request, pk):
    """Make a team (from the session's page or the console); it gets a code to join with."""
    session = _session_for_staff(request, pk)
    form = TeamForm(request.POST)
    back = (
        reverse("live:console", args=[session.pk])
        if request.POST.get("back") == "console"
        else reverse("live:session-edit", args=[session.pk])
    )
    if form.is_valid():
        try:
            team = services.team_add(
                session=session, name=form.cleaned_data["name"], by=request.user
            )
        except Refused as error:
            messages.error(request, _refusal_text(error))
        else:
            messages.success(
                request,
                _("Made %(team)s. Its code is %(code)s.") % {"team": team.name, "code": team.code},
            )
    else:
        messages.error(request, " ".join(form.errors.get("name", [_("Give the team a name.")])))
    return redirect(back + "#teams")


@require_POST
@login_required
def teams_fill(request, pk):
    """Put every phone that has no team into one, evenly."""
    session = _session_for_staff(request, pk)
    try:
        count = services.teams_fill(session=session, by=request.user)
    except Refused as error:
        return _staff_reply(request, session, error=_refusal_text(error), anchor="fiver")
    note = (
        ngettext("Put %(count)d phone in a team.", "Put %(count)d phones in teams.", count)
        % {"count": count}
        if count
        else _("Every phone is in a team already.")
    )
    return _staff_reply(request, session, note=note, anchor="fiver")


@require_POST
@login_required
def participant_team(request, pk, participant_pk):
    """Put one phone in a team, or in none."""
    session = _session_for_staff(request, pk)
    participant = get_object_or_404(Participant, pk=participant_pk, session=session)
    team_id = (request.POST.get("team") or "")[:12]
    team = (
        Team.objects.filter(fiver__session=session, pk=int(team_id)).first()
        if team_id.isdigit()
        else None
    )
    try:
        services.team_member_set(
            session=session, participant=participant, team=team, by=request.user
        )
    except Refused as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("Saved who is in which team."))
    return redirect(reverse("live:console", args=[session.pk]) + "#phones")


# ---- the meeting's record (decision 0067) ----


@require_GET
@login_required
@never_cache
def record_csv(request, pk):
    """The meeting's record as a CSV file: turns, Stop words, breaks, plans and votes."""
    session = _session_for_staff(request, pk)
    response = HttpResponse(records.as_csv(session), content_type=EXPORT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(
        True, records.file_name(session, "csv")
    )
    return response


@require_GET
@login_required
@never_cache
def record_pdf(request, pk):
    """The meeting's record as a tagged PDF, drawn on this server with nothing fetched."""
    session = _session_for_staff(request, pk)
    try:
        body = records.as_pdf(session)
    except CannotMakePdf as error:
        return render(
            request,
            "live/record_missing.html",
            {"session": session, "problem": str(error)},
            status=503,
        )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, records.file_name(session, "pdf")
    )
    return response
