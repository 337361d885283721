from django.contrib import admin
from django.urls import include, path

from thegither.live.urls import join_patterns

urlpatterns = [
    path("", include("thegither.core.urls")),
    path("accounts/", include("thegither.accounts.urls")),
    path("grants/", include("thegither.grants.urls")),
    path("live/", include("thegither.live.urls")),
    path("stories/", include("thegither.stories.urls")),
    path("", include(join_patterns)),
    path("admin/", admin.site.urls),
]
