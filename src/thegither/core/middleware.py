"""Middleware for every page."""

from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreForPeopleMiddleware:
    """Keep pages seen while logged in out of every cache, the browser's included.

    Such pages can show children's details (names, age groups, answers); on a
    shared computer in a community hall, Back after logging out must not show them.
    A view that says how it may be cached (like the theme CSS) keeps its own say.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
