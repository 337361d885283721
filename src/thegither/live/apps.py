from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "thegither.live"
    label = "live"
    verbose_name = _("Live workshops")

    def ready(self):
        from thegither.core.dashboard import dashboard_links_register
        from thegither.live.dashboard import live_workshop_links

        dashboard_links_register(live_workshop_links)
