from django.http import Http404

from thegither.stories import selectors
from thegither.stories.models import Event, Story, Week


def posted(request):
    """Return the form data if this is a POST (even an empty one), else None."""
    return request.POST if request.method == "POST" else None


def week_or_404(slug: str, year: int) -> Week:
    try:
        return selectors.week_get(slug, year)
    except Week.DoesNotExist as error:
        raise Http404 from error


def event_or_404(pk: int) -> Event:
    try:
        return selectors.event_get(pk)
    except Event.DoesNotExist as error:
        raise Http404 from error


def story_or_404(pk: int) -> Story:
    try:
        return selectors.story_get(pk)
    except Story.DoesNotExist as error:
        raise Http404 from error


def add_refusal(form, error) -> None:
    """Show a service's refusal on the form: on its fields where they exist, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def base_url(request) -> str:
    """Return the site's address (scheme and host), for links in feeds and calendars."""
    return request.build_absolute_uri("/").rstrip("/")
