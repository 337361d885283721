"""Letters: the group reads and downloads its letter; staff see every letter of a round."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from thegither.core.permissions import require
from thegither.core.refusals import Refused
from thegither.grants.letters import letter_file_name, letters_problem
from thegither.grants.models import Award, DecisionMeeting, Letter, MeetingStatus
from thegither.grants.permissions import can_download_letter, can_see_letters, can_send_letters
from thegither.grants.services.letters import letters_send_again
from thegither.grants.views.common import round_or_404, say_refusal


def _award_or_404(pk: int) -> Award:
    award = (
        Award.objects.select_related(
            "application__round__fund__organisation", "application__contact", "pot__area"
        )
        .filter(pk=pk)
        .first()
    )
    if award is None:
        raise Http404
    return award


def _letter_of(award: Award) -> Letter | None:
    return Letter.objects.filter(award=award).first()


@login_required
@never_cache
def letter(request, pk):
    """Show the group's letter: whether it is ready and emailed, and a link to download it."""
    award = _award_or_404(pk)
    require(can_download_letter(request.user, award))
    letter = _letter_of(award)
    staff = can_see_letters(request.user, award.application.round)
    return render(
        request,
        "grants/letter.html",
        {
            "organisation": award.application.round.organisation,
            "round": award.application.round,
            "award": award,
            "application": award.application,
            "letter": letter,
            "is_staff": staff,
            "problem": letters_problem() if letter is None or not letter.is_made else "",
        },
    )


@login_required
@never_cache
def letter_download(request, pk):
    """Send the letter's PDF, to the group it is for and the organisation's staff only."""
    award = _award_or_404(pk)
    require(can_download_letter(request.user, award))
    letter = _letter_of(award)
    if letter is None or not letter.is_made:
        raise Http404
    try:
        handle = letter.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=letter_file_name(award), content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@never_cache
def round_letters(request, pk):
    """Staff see every letter of the round: made, emailed, or what went wrong."""
    round = round_or_404(pk)
    require(can_see_letters(request.user, round))
    letters = list(
        Letter.objects.filter(award__application__round=round)
        .select_related("award__application", "award__pot__area")
        .order_by("award__pot__area__name", "award__position", "pk")
    )
    final = DecisionMeeting.objects.filter(round=round, status=MeetingStatus.FINAL).exists()
    waiting = [letter for letter in letters if letter.sent_at is None]
    return render(
        request,
        "grants/round_letters.html",
        {
            "organisation": round.organisation,
            "round": round,
            "letters": letters,
            "is_final": final,
            "waiting": waiting,
            "problem": letters_problem() if waiting else "",
            "can_send": can_send_letters(request.user, round),
        },
    )


@require_POST
@login_required
def round_letters_send(request, pk):
    """Staff send the round's letters that haven't been emailed yet."""
    round = round_or_404(pk)
    require(can_send_letters(request.user, round))
    try:
        count = letters_send_again(round=round, by=request.user)
    except Refused as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s letter is on its way.",
                "%(count)s letters are on their way.",
                count,
            )
            % {"count": count},
        )
    return redirect("grants:round-letters", pk=round.pk)
