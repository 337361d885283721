"""No input gives a server error: every form on every page takes very long values calmly.

For each page in the URL-by-role table, a person who may see it fills every
field it shows with a value far longer than anything real (past PostgreSQL's
255-character columns and SQLite's pattern limit) and sends it. The answer may
be an error message, a redirect or a refusal, never a 500.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from thegither.tests.test_urls_by_role import EXPECTED, ROLES

FIELD_NAME = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"')
LENGTHS = (300, 60_000)


def _form_pages():
    for name, entry in EXPECTED.items():
        if entry.method != "get":
            continue
        if 200 in entry.statuses:
            yield name


def _client_for(world, entry) -> Client | None:
    role = ROLES[entry.statuses.index(200)]
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(_form_pages()))
def test_every_field_of_every_form_takes_a_very_long_value(name, walk_world):
    entry = EXPECTED[name]
    world = walk_world
    client = _client_for(world, entry)
    url = reverse(name, kwargs=entry.kwargs(world))
    page = client.get(url)
    # A file download (CSV, XLSX...) has no form: it still takes long values posted to it.
    download = page.get("Content-Disposition", "").startswith("attachment")
    html = "" if download else page.content.decode()
    fields = set(FIELD_NAME.findall(html)) - {"csrfmiddlewaretoken"} or {"anything"}
    for length in LENGTHS:
        response = client.post(url, {field: "x" * length for field in fields})
        assert response.status_code < 500, (name, length, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("length", LENGTHS)
def test_very_long_log_in_names_are_refused_calmly(client, length):
    for url in (reverse("accounts:login"), reverse("admin:login")):
        response = client.post(url, {"username": "R" * length, "password": "p" * length})
        assert response.status_code == 200
        assert response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, e in EXPECTED.items() if e.method == "post"])
def test_every_post_action_takes_very_long_values(name, walk_world):
    entry = EXPECTED[name]
    world = walk_world
    role = ROLES[max(range(len(ROLES)), key=lambda i: entry.statuses[i] in (200, 302))]
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    url = reverse(name, kwargs=entry.kwargs(world))
    for length in LENGTHS:
        data = {field: "x" * length for field in entry.data} or {"anything": "x" * length}
        assert client.post(url, data).status_code < 500
