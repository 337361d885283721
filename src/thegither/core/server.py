"""How `thegither up` runs uvicorn: trusted proxies and logs that keep no addresses.

`serve()` is the one way the server is started: `thegither up` calls it after setting
up the database, and tests and benchmarks that need a real server process call it too
(`python -c "from thegither.core.server import serve; serve(port=8123)"`), so they
measure what a deployment runs.
"""

import os

from django.conf import settings

from thegither.core.logs import uvicorn_log_config


def uvicorn_options() -> dict:
    """Return uvicorn settings that match Django's: the same trusted proxies, redacted logs.

    uvicorn by default believes X-Forwarded-For from 127.0.0.1; it must believe it
    only from the proxies Django trusts (`thegither.core.clients`), or not at all.
    """
    proxies = list(settings.TRUSTED_PROXIES)
    return {
        "proxy_headers": bool(proxies),
        # Never None: uvicorn would fall back to FORWARDED_ALLOW_IPS or 127.0.0.1.
        "forwarded_allow_ips": ",".join(proxies) if proxies else "",
        "log_config": uvicorn_log_config(settings.LOG_LEVEL),
        "access_log": True,
        "server_header": False,
        # Live sessions' WebSockets (decision 0050): the sans-I/O implementation, and no
        # per-message compression (snapshots are small; deflate costs memory per socket).
        "ws": "websockets-sansio",
        "ws_per_message_deflate": False,
    }


def serve(*, host: str = "127.0.0.1", port: int = 8000, **overrides) -> None:
    """Serve Thegither with uvicorn until stopped; `overrides` change uvicorn options.

    Sets nothing up: the database must be migrated already (`thegither up` does that).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thegither.settings")
    import django
    import uvicorn

    django.setup()
    uvicorn.run(
        "thegither.asgi:application",
        host=host,
        port=port,
        lifespan="off",
        **{**uvicorn_options(), **overrides},
    )
