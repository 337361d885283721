from django.contrib import messages
from django.http import Http404

from thegither.grants import selectors
from thegither.grants.models import Application, Round


def posted(request):
    """Return the form data if this is a POST (even an empty one), else None."""
    return request.POST if request.method == "POST" else None


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


def add_refusal(form, error) -> None:
    """Show a service's refusal on the form: on its fields where they exist, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def say_refusal(request, error) -> None:
    """Show a service's refusal as messages on the next page (for buttons with no form)."""
    for message in error.messages:
        messages.error(request, message)
