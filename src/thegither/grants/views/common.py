from django.contrib import messages
from django.http import Http404

from thegither.grants import selectors
from thegither.grants.models import Application, Round


def round_or_404(pk: int) -> Round:
    try:
        return selectors.round_get(pk)
    except Round.DoesNotExist as error:
        raise Http404 from error


def application_or_404(pk: int) -> Application:
    try:
        return selectors.application_get(pk)
    except Application.DoesNotExist as error:
        raise Http404 from error


def say_refusal(request, error) -> None:
    """Show a service's refusal as messages on the next page (for buttons with no form)."""
    for message in error.messages:
        messages.error(request, message)
