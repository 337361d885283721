"""The phone's busiest requests, served beside Django's middleware chain, not through it.

A hall of phones sends two requests again and again: an answer (a JSON POST to
/live/p/<code>/answer/) and, from a phone whose socket dropped, the snapshot (a GET
of /live/p/<code>/snapshot/); a meeting's phones press cards (a form POST to
/live/p/<code>/cards/ that live.js sends with `X-Live-Part: cards`). Through Django's
ASGI handler each one crosses between the event loop and threads four times or more
(the sync middleware, the async ones, CSRF's process_view, the view) in a thread made
for that request, so under load most of the server's time went on hand-overs and
waiting (decisions 0062 and 0093).

Here those requests read their body on the event loop and then run in one go on
live's own threads (live/threads.py: answers and cards on `writers`, snapshots on
`readers`), through the same view code Django's URLs use (`views.answer_json`,
`views.snapshot_json`, `views.card`) and the middleware that matters for them, run as
one sync chain in that thread: the security headers, the language, clickjacking and
the content security policy. Exceptions become Django's own error responses. A card's
reply, the phone's cards part, is a TemplateResponse drawn afterwards on a reader
thread, so on SQLite the presses committed together never wait for HTML.

What differs from a Django request, on purpose:
- CSRF: a cross-site page cannot send `Content-Type: application/json` without a
  CORS preflight, which is never granted, and an `Origin` from another site is
  refused outright; the plain form POST of an answer (no JavaScript) still goes
  through Django and its CSRF check. A card is a form, so it meets Django's own CSRF
  check here (`csrf_protect`, made from Django's middleware); a card's plain form
  (no `X-Live-Part`, answered with a redirect and a message) goes through Django.
- No request_started/request_finished signals: they would close the database
  connection that live's threads keep.
- No sessions, log-in or messages: the phone is known by its device cookie only.
Anything else (another method, another content type, any other path) goes to Django.
"""

import asyncio
import io
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.exception import convert_exception_to_response, response_for_exception
from django.http import HttpResponse, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from thegither.live import broadcast, threads, views

PATH = re.compile(r"^/live/p/(?P<code>[^/]{1,40})/(?P<what>answer|snapshot|cards)/$")
ANSWER, SNAPSHOT, CARDS = "answer", "snapshot", "cards"
FORMS = (b"application/x-www-form-urlencoded", b"multipart/form-data")


def _chain(view: Callable[[ASGIRequest, str], HttpResponse], *, same_site: bool = True) -> Callable:
    """Wrap `view` in the middleware a phone's request needs, all sync, in one thread."""

    def respond(request):
        request.get_host()  # an unknown Host is refused, as Django refuses it
        if same_site and request.method == "POST" and not _same_site(request):
            return JsonResponse(
                {"ok": False, "error": _("Answers can only come from this site's pages.")},
                status=403,
            )
        response = view(request, request.live_code)
        add_never_cache_headers(response)
        return response

    handler = convert_exception_to_response(respond)
    for middleware in (
        ContentSecurityPolicyMiddleware,
        XFrameOptionsMiddleware,
        LocaleMiddleware,
        SecurityMiddleware,
    ):
        handler = convert_exception_to_response(middleware(handler))
    return handler


def _same_site(request) -> bool:
    """No Origin (not a browser), or an Origin on this site or a trusted one."""
    origin = request.headers.get("Origin")
    if not origin:
        return True
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    try:
        host = request.get_host()
    except DisallowedHost:
        return False
    return origin == f"{request.scheme}://{host}"


_handlers = {
    ANSWER: _chain(views.answer_json),
    SNAPSHOT: _chain(views.snapshot_json),
    # A form, so Django's own CSRF check, made from its middleware (the token in the
    # X-CSRFToken header or the form against the cookie; the Origin; on HTTPS the Referer).
    CARDS: _chain(csrf_protect(views.card), same_site=False),
}


def _serve(scope: dict, body: bytes, what: str, code: str) -> HttpResponse:
    request = ASGIRequest(scope, io.BytesIO(body))
    request.live_code = code
    return _handlers[what](request)


def _drawn(response: SimpleTemplateResponse) -> HttpResponse:
    """Draw a reply's template, in the language its request chose (a thread of its own)."""
    request = response._request
    try:
        with translation.override(getattr(request, "LANGUAGE_CODE", None)):
            return response.render()
    except Exception as error:  # as Django turns a view's exception into a response
        return response_for_exception(request, error)


def _is_ours(scope: dict) -> tuple[str, str] | None:
    """Return (what, code) when this request takes the fast path, else None."""
    if scope["type"] != "http":
        return None
    match = PATH.match(scope["path"])
    if match is None:
        return None
    what = match["what"]
    if what == SNAPSHOT:
        return (what, match["code"]) if scope["method"] == "GET" else None
    if scope["method"] != "POST":
        return None
    headers = dict(scope.get("headers", ()))
    kind = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    if what == ANSWER:
        return (what, match["code"]) if kind == b"application/json" else None
    # A card pressed by live.js, which redraws the cards part; the plain form (a page
    # to redirect to, with a message) goes through Django.
    if kind in FORMS and headers.get(b"x-live-part") == b"cards":
        return (what, match["code"])
    return None


GONE = object()  # the phone hung up before its body came
TOO_LONG = object()


async def _body(receive) -> bytes | object:
    """Read the request body, at most views.BODY_MAX bytes; or GONE, or TOO_LONG."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return GONE
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > views.BODY_MAX:
            return TOO_LONG
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send(send, response: HttpResponse) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.items()
    ]
    headers += [
        (b"Set-Cookie", cookie.OutputString().encode("ascii"))
        for cookie in response.cookies.values()
    ]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})


def _too_long() -> JsonResponse:
    response = JsonResponse({"ok": False, "error": _("That answer is too long.")}, status=413)
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def phone_requests(django_application):
    """Return an ASGI application: phones' JSON answers and snapshots here, the rest to Django."""

    async def application(scope, receive, send):
        ours = _is_ours(scope)
        if ours is None:
            return await django_application(scope, receive, send)
        broadcast.loop_bind(asyncio.get_running_loop())
        what, code = ours
        body = await _body(receive)
        if body is GONE:
            return
        if body is TOO_LONG:
            await _send(send, _too_long())
            return
        pool = threads.readers if what == SNAPSHOT else threads.writers
        response = await pool.run(_serve, scope, body, what, code)
        if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
            # A card's reply (the phone's cards part) is drawn after its transaction, off
            # the writer thread: on SQLite every press in a batch waits for its commit.
            response = await threads.readers.run(_drawn, response)
        await _send(send, response)

    return application
