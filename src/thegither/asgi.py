"""ASGI entry point: one server process serves pages and live sessions' WebSockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thegither.settings")

# Django first: loading live's routing needs the apps ready.
http_application = get_asgi_application()

from thegither.live.routing import application_for  # noqa: E402

application = application_for(http_application)
