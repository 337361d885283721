"""The base layout themed for an organisation (core's template, accounts' model).

It lives with the project-wide tests because core must not import accounts.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse

from thegither.accounts.models import Organisation

pytestmark = pytest.mark.django_db


def test_organisation_in_context_brings_its_theme_and_name(rf):
    organisation = Organisation.objects.create(name="Hillside Youth", slug="hillside-youth")
    request = rf.get("/")
    request.user = AnonymousUser()

    html = render_to_string("base.html", {"organisation": organisation}, request=request)

    assert reverse("accounts:theme-css", args=["hillside-youth"]) in html
    assert '<span class="site-header__name">Hillside Youth</span>' in html
