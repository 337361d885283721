from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "thegither.grants"
    label = "grants"
    verbose_name = _("Youth Bank grants")

    def ready(self):
        from thegither.core.dashboard import dashboard_links_register
        from thegither.grants.dashboard import youth_bank_links

        dashboard_links_register(youth_bank_links)
