from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "thegither.demo"
    verbose_name = _("Demo")

    def ready(self):
        from thegither.demo import checks  # noqa: F401 - registers the deploy check
