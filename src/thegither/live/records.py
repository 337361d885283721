"""A meeting's record for its facilitator, as a CSV file and a tagged PDF (decision 0067).

Who spoke how often and for how long, how many Stop cards and for which words, the
breaks asked for, and a Bid for a Fiver's plans and votes. Phones stay anonymous:
a speaker is "Person 3" unless the session says nicknames may go in the record, and
nobody is ever named beside a Stop card, a break or a vote. No device token, token
hash or participant id reaches a file. Phones taken out are left out, as on screens.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from thegither.core import money
from thegither.core.pdf import html_to_pdf
from thegither.live import selectors
from thegither.live.exports import cell_safe
from thegither.live.models import Activity, Card, FiverRound, LiveSession, Participant, Team


@dataclass(frozen=True)
class Speaker:
    name: str
    turns: int
    seconds: int


@dataclass(frozen=True)
class StopWords:
    words: str  # the words as the glossary writes them; "" for Stop cards with no words
    count: int


@dataclass
class Record:
    """Everything the record says about one session."""

    session: LiveSession
    made_at: datetime
    phones: int
    speakers: list[Speaker] = field(default_factory=list)
    stops: int = 0
    stop_words: list[StopWords] = field(default_factory=list)
    breaks: list[datetime] = field(default_factory=list)
    fiver: FiverRound | None = None
    teams: list[Team] = field(default_factory=list)
    vote: Activity | None = None

    @property
    def turns(self) -> int:
        return sum(speaker.turns for speaker in self.speakers)

    @property
    def seconds(self) -> int:
        return sum(speaker.seconds for speaker in self.speakers)

    @property
    def spoke(self) -> int:
        return sum(1 for speaker in self.speakers if speaker.turns)

    @property
    def stops_without_words(self) -> int:
        return self.stops - sum(line.count for line in self.stop_words)

    @property
    def winners(self) -> list[Team]:
        return [team for team in self.teams if getattr(team, "won", False)]


def record_of(session: LiveSession) -> Record:
    """Return the session's record; a fixed number of queries, however many phones."""
    phones = list(
        Participant.objects.filter(session=session, removed=False)
        .order_by("pk")
        .values_list("pk", "nickname")
    )
    spoken = {
        row["participant"]: row
        for row in Card.objects.filter(session=session, kind=Card.Kind.SPEAK, state=Card.State.DONE)
        .values("participant")
        .annotate(turns=Count("pk"), seconds=Sum("seconds"))
    }
    record = Record(session=session, made_at=timezone.now(), phones=len(phones))
    for number, (pk, nickname) in enumerate(phones, 1):
        name = (nickname if session.record_names else "") or _("Person %(number)d") % {
            "number": number
        }
        done = spoken.get(pk, {})
        record.speakers.append(Speaker(name, done.get("turns", 0), done.get("seconds") or 0))
    signals = Card.objects.filter(session=session, participant__removed=False)
    stops = signals.filter(kind=Card.Kind.STOP)
    record.stops = stops.count()
    record.stop_words = [
        StopWords(row["word__words"], row["count"])
        for row in stops.filter(word__isnull=False)
        .values("word__words")
        .annotate(count=Count("pk"))
        .order_by("-count", "word__words")
    ]
    record.breaks = list(
        signals.filter(kind=Card.Kind.BREAK).order_by("pk").values_list("raised_at", flat=True)
    )
    record.fiver = selectors.fiver_of(session) if session.is_fiver else None
    if record.fiver is not None:
        record.teams = selectors.gallery(record.fiver)
        record.vote = Activity.objects.filter(pk=record.fiver.vote_id).first()
    return record


def headers() -> list[str]:
    return [_("Part"), _("What"), _("More"), _("How many"), _("Seconds"), _("Pence")]


def rows(record: Record) -> list[list]:
    """Return the CSV's rows (without the header row), part by part."""
    session = record.session
    out: list[list] = [
        [
            _("Session"),
            session.title,
            timezone.localtime(record.made_at).strftime("%Y-%m-%d %H:%M"),
            record.phones,
            "",
            "",
        ]
    ]
    for speaker in record.speakers:
        out.append([_("Speaking"), speaker.name, "", speaker.turns, speaker.seconds, ""])
    for line in record.stop_words:
        out.append([_("Stop"), line.words, "", line.count, "", ""])
    if record.stops_without_words:
        out.append([_("Stop"), _("(no words given)"), "", record.stops_without_words, "", ""])
    times = ", ".join(timezone.localtime(when).strftime("%H:%M") for when in record.breaks)
    out.append([_("Breaks"), _("Can we take a break?"), times, len(record.breaks), "", ""])
    for team in record.teams:
        out.append([_("Plan"), team.name, team.title, team.size, "", team.total_pence])
        if team.doing:
            out.append([_("What they will do"), team.name, team.doing, "", "", ""])
        if team.for_whom:
            out.append([_("Who it is for"), team.name, team.for_whom, "", "", ""])
        for item in team.items.all():
            out.append([_("Item"), team.name, item.what, "", "", item.cost_pence])
        if team.votes is not None:
            out.append([_("Votes"), team.name, team.title, team.votes, "", ""])
    for team in record.winners:
        out.append([_("Winner"), team.name, team.title, team.votes, "", ""])
    return out


def file_name(session: LiveSession, extension: str) -> str:
    """Return a plain ASCII name for the download, whatever the session's title is."""
    stem = slugify(session.title)[:60].strip("-") or "meeting"
    return f"{stem}-record.{extension}"


def as_csv(session: LiveSession) -> bytes:
    """Return the record as CSV (UTF-8 with a byte-order mark); typed text can't run."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in rows(record_of(session)):
        writer.writerow([cell_safe(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def record_html(session: LiveSession) -> str:
    """Return the record as HTML (in the site's language), ready for the PDF maker."""
    record = record_of(session)
    return render_to_string(
        "live/record_pdf.html",
        {
            "record": record,
            "session": session,
            "organisation": session.organisation,
            "language": translation.get_language() or "en-GB",
            "title": _("Meeting record: %(title)s") % {"title": session.title},
            "cap": money.pounds(record.fiver.cap_pence) if record.fiver else "",
        },
    )


def as_pdf(session: LiveSession) -> bytes:
    """Return the record as a tagged PDF (PDF/UA-1); raises CannotMakePdf without WeasyPrint."""
    pdf, _refused = html_to_pdf(record_html(session))
    return pdf
