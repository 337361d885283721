from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "thegither.stories"
    label = "stories"
    verbose_name = _("Stories, events and podcast episodes")

    def ready(self):
        from thegither.core.dashboard import dashboard_links_register
        from thegither.stories.dashboard import stories_links

        dashboard_links_register(stories_links)
