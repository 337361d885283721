import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views.defaults import permission_denied, server_error

from thegither.core.permissions import deny, require


@pytest.mark.django_db
def test_missing_page_says_so_kindly(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


@pytest.mark.django_db
def test_permission_denied_view_renders_the_reason():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with pytest.raises(PermissionDenied) as refusal:
        require(deny("Ask a grown-up first."))
    response = permission_denied(request, refusal.value)

    assert response.status_code == 403
    assert "Ask a grown-up first." in response.content.decode()
    assert "ask your youth worker" in response.content.decode()


def test_server_error_page_stands_alone():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "something went wrong on our side" in response.content.decode()
