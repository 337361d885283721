from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default = True
    name = "thegither.core"
    verbose_name = _("Core")


class SiteAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with our site that only site administrators can use."""

    default = False  # named in INSTALLED_APPS; CoreConfig is this module's default
    default_site = "thegither.core.admin_site.SiteAdmin"
