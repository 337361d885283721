from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("thegither.core.urls")),
    path("accounts/", include("thegither.accounts.urls")),
    path("grants/", include("thegither.grants.urls")),
    path("admin/", admin.site.urls),
]
