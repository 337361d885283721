from django.conf import settings


def site(request):
    """Add what every page's layout needs.

    The name is `platform_name`, not `site_name`: Django's log-in and password
    views put the web address in `site_name`, which would replace ours.
    """
    return {
        "platform_name": "Thegither",
        "debug": settings.DEBUG,
        # For the notice before an idle log-out (base.html and session-timeout.js).
        "session_idle_timeout": getattr(settings, "SESSION_IDLE_TIMEOUT", 0),
        "session_idle_warning_minutes": max(1, getattr(settings, "SESSION_IDLE_WARNING", 0) // 60),
    }
