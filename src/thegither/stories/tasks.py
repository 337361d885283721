"""Background work for stories: telling a sender what the network's staff decided.

Tasks take ids and load fresh rows, so a task that runs late sends what is true then:
a story approved and then declined before the task runs gets the decline, once.
"""

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string

from thegither.stories.models import Event, Status, Story

MODELS = {"event": Event, "story": Story}


@task
def submission_decided_email(kind: str, pk: int) -> None:
    """Email the sender of an event or story that it is on the website, or why it isn't."""
    model = MODELS.get(kind)
    if model is None:
        return
    thing = model.objects.select_related("week__organisation").filter(pk=pk).first()
    if thing is None or thing.status == Status.WAITING or not thing.sender_email:
        return
    template = "approved" if thing.status == Status.APPROVED else "declined"
    context = {
        "kind": kind,
        "thing": thing,
        "week": thing.week,
        "organisation": thing.week.organisation,
    }
    subject = render_to_string(f"stories/email/{template}_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string(f"stories/email/{template}.txt", context),
        from_email=None,
        recipient_list=[thing.sender_email],
    )
