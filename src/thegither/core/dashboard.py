"""Links other apps put on a person's dashboard, one membership at a time.

The accounts app shows the dashboard but knows nothing of grants or live
workshops (the import rules forbid it). Each of those apps registers a provider
in its `AppConfig.ready()`; a provider decides, with its own permission
functions, which links this person gets for this membership.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DashboardLink:
    label: str
    url: str


Provider = Callable[[object, object], list[DashboardLink]]
_providers: list[Provider] = []


def dashboard_links_register(provider: Provider) -> Provider:
    """Add a provider: `provider(user, membership)` returns that membership's links."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def dashboard_links_for(user, membership) -> list[DashboardLink]:
    """Return every registered app's links for this person's membership, in app order."""
    return [link for provider in _providers for link in provider(user, membership)]
