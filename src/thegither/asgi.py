"""ASGI entry point: one server process serves pages now and live sessions later."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thegither.settings")

application = get_asgi_application()
