"""The channel layer is the one the environment asks for: in-process, or Redis pub/sub."""

import os

from django.conf import settings


def test_channel_layer_is_the_one_the_environment_asks_for():
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        # Pub/sub: one connection per process, not a pool that runs out near 1,000 sockets.
        assert backend == "channels_redis.pubsub.RedisPubSubChannelLayer"
        assert settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] == [settings.REDIS_URL]
        assert settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] == settings.REDIS_PREFIX
    else:
        assert backend == "thegither.live.layers.InMemoryChannelLayer"


def test_the_asgi_application_routes_websockets_to_live():
    from channels.routing import ProtocolTypeRouter

    from thegither.asgi import application

    assert isinstance(application, ProtocolTypeRouter)
    assert set(application.application_mapping) == {"http", "websocket"}


def test_thegither_up_serves_websockets_without_per_message_deflate():
    from thegither.core.server import uvicorn_options

    options = uvicorn_options()
    assert options["ws"] == "websockets-sansio"
    assert options["ws_per_message_deflate"] is False
