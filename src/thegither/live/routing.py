"""WebSocket routes, and the ASGI application that serves pages and sockets together."""

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from channels.sessions import CookieMiddleware
from django.urls import path

from thegither.live import consumers, fast

websocket_urlpatterns = [
    # Staff screens need the log-in session; a phone is known by its device cookie
    # alone, so its socket skips the session and user look-ups, and the check of the
    # session that Channels makes on every message sent (decision 0090).
    path("ws/live/s/<int:pk>/", AuthMiddlewareStack(consumers.StaffConsumer.as_asgi())),
    path("ws/live/p/<str:code>/", CookieMiddleware(consumers.PhoneConsumer.as_asgi())),
]


def application_for(http_application):
    """Return the ASGI application: Django for HTTP, live's consumers for WebSockets.

    Sockets from pages on other sites are refused (the Origin must be an allowed host),
    and the log-in session cookie is read so staff screens know who is watching.
    """
    return ProtocolTypeRouter(
        {
            # Phones' JSON answers and snapshots skip the middleware chain (live/fast.py).
            "http": fast.phone_requests(http_application),
            "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
        }
    )
