"""How `thegither up` runs uvicorn: trusted proxies and logs that keep no addresses."""

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
