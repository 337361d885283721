from django.conf import settings


def site(request):
    """Add what every page's layout needs.

    The name is `platform_name`, not `site_name`: Django's log-in and password
    views put the web address in `site_name`, which would replace ours.
    """
    return {"platform_name": "Thegither", "debug": settings.DEBUG}
