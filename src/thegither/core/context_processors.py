from django.conf import settings


def site(request):
    """Add what every page's layout needs."""
    return {"site_name": "Thegither", "debug": settings.DEBUG}
