"""Award and decline letters as tagged PDFs (PDF/UA), drawn by WeasyPrint on this machine.

WeasyPrint needs Debian's Pango (libpango-1.0-0, libpangoft2-1.0-0). It is imported
only when a letter is drawn, so Thegither still starts without it; there, drawing a
letter raises `CannotMakeLetters` with a message that names what to install, and the
letters page shows it.

A letter loads nothing from the network: `LetterFetcher` hands WeasyPrint only the
organisation's own logo (read from our storage, checked to be a picture) and refuses
every other address, so a link in a letter can never make this server fetch anything.
Fonts are the system's (DejaVu), never web fonts.
"""

import logging
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from thegither.core.uploads import CONTENT_TYPES
from thegither.grants.models import Award, AwardStatus, Letter, LetterKind

logger = logging.getLogger(__name__)

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
# The only address a letter may load: the organisation's logo, by this made-up scheme.
LOGO_URL = "thegither-logo:logo"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
FALLBACK_COLOUR = "#1d5c63"


class CannotMakeLetters(Exception):
    """This server can't draw PDF letters (WeasyPrint or its system libraries are missing)."""


def missing_message(detail: str = "") -> str:
    """Return the plain words staff see when letters can't be drawn here."""
    message = _(
        "Letters can't be made on this server yet: the PDF maker (WeasyPrint) needs "
        "the Pango text libraries. Ask whoever runs the server to install the Debian "
        "packages %(packages)s, then send the letters again."
    ) % {"packages": PANGO_PACKAGES}
    return f"{message} ({detail})" if detail else message


def _weasyprint():
    """Import WeasyPrint now, or raise `CannotMakeLetters` saying what is missing."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise CannotMakeLetters(missing_message(str(error))) from error
    return weasyprint


def letters_problem() -> str:
    """Return why letters can't be made here, or "" if they can."""
    try:
        _weasyprint()
    except CannotMakeLetters as error:
        return str(error)
    return ""


def letter_kind_of(award: Award) -> str:
    """Return which letter a final award gets: an award letter if the panel gave it money.

    An award the group has since given back (or didn't accept in time) still had its
    grant: its letter, if drawn late, is the award letter the panel decided on.
    """
    return LetterKind.AWARD if award.has_money or award.has_ended else LetterKind.DECLINE


@dataclass(frozen=True)
class Logo:
    data: bytes
    content_type: str


def _logo_of(organisation) -> Logo | None:
    """Read the organisation's own logo from storage, if it has one we can serve."""
    if not organisation.logo:
        return None
    extension = organisation.logo.name.rsplit(".", 1)[-1].lower()
    content_type = CONTENT_TYPES.get(extension)
    if content_type is None:
        return None
    try:
        with organisation.logo.open("rb") as handle:
            return Logo(handle.read(), content_type)
    except (FileNotFoundError, OSError):
        logger.warning("The logo of %s is missing from storage.", organisation.slug)
        return None


def letter_context(award: Award) -> dict:
    """Return what the letter's template shows: the group, the money, the reason, next steps."""
    application = award.application
    round = application.round
    organisation = round.fund.organisation
    colour = organisation.accent_colour if _COLOUR.match(organisation.accent_colour or "") else ""
    kind = letter_kind_of(award)
    return {
        "award": award,
        "application": application,
        "round": round,
        "organisation": organisation,
        "area": award.pot.area,
        "colour": colour or FALLBACK_COLOUR,
        "kind": kind,
        "is_award": kind == LetterKind.AWARD,
        # Part of the money: the status says so, and an award given back keeps its condition.
        "is_partial": award.status == AwardStatus.PARTIAL
        or (award.has_ended and bool(award.condition)),
        "logo_url": LOGO_URL if _logo_of(organisation) else "",
        # Money offered again after the meeting was decided on the day of the re-offer.
        "is_reoffer": award.reoffer_id is not None and kind == LetterKind.AWARD,
        "decided_on": award.reoffer.made_at if award.reoffer_id else award.meeting.confirmed_at,
    }


def letter_title(award: Award) -> str:
    """Return the letter's title, which is also the PDF's title."""
    group = award.application.group_name
    if letter_kind_of(award) == LetterKind.AWARD:
        return _("Your grant from %(fund)s: %(group)s") % {
            "fund": award.application.round.fund.name,
            "group": group,
        }
    return _("Your application to %(fund)s: %(group)s") % {
        "fund": award.application.round.fund.name,
        "group": group,
    }


def letter_html(award: Award) -> str:
    """Return the letter as HTML (in the site's language), ready for WeasyPrint."""
    context = letter_context(award)
    context["title"] = letter_title(award)
    context["language"] = translation.get_language() or "en-GB"
    return render_to_string("grants/letters/letter.html", context)


def letter_fetcher_class():
    """Return the fetcher class, built on WeasyPrint's own `URLFetcher` (imported lazily)."""
    weasyprint = _weasyprint()

    class LetterFetcher(weasyprint.URLFetcher):
        """Give WeasyPrint the organisation's logo and nothing else: no network, no files."""

        def __init__(self, logo: Logo | None):
            super().__init__(allowed_protocols=())
            self.logo = logo
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url == LOGO_URL and self.logo is not None:
                return weasyprint.urls.URLFetcherResponse(
                    url, self.logo.data, headers={"Content-Type": self.logo.content_type}
                )
            self.refused.append(url)
            logger.warning("A letter tried to load %r; it was refused.", url[:200])
            raise ValueError("Letters load nothing but the organisation's own logo.")

    return LetterFetcher


def html_to_pdf(html: str, *, logo: Logo | None = None) -> tuple[bytes, list[str]]:
    """Draw HTML as a tagged PDF/UA-1 file; return it and the addresses that were refused."""
    weasyprint = _weasyprint()
    fetcher = letter_fetcher_class()(logo)
    try:
        pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")
    except OSError as error:  # pragma: no cover - a library missing only at drawing time
        raise CannotMakeLetters(missing_message(str(error))) from error
    return pdf, fetcher.refused


def letter_pdf(award: Award) -> bytes:
    """Return the award's letter as a PDF (tagged, PDF/UA-1, with the logo if there is one)."""
    organisation = award.application.round.fund.organisation
    pdf, _refused = html_to_pdf(letter_html(award), logo=_logo_of(organisation))
    return pdf


def letter_file_name(award: Award) -> str:
    """Return the name the PDF is downloaded and attached as."""
    kind = "grant-letter" if letter_kind_of(award) == LetterKind.AWARD else "decision-letter"
    return f"{kind}-{award.application.pk}.pdf"


def letter_for(user, application) -> Letter | None:
    """Return the application's letter if this person may read it, else None."""
    from thegither.grants.permissions import can_download_letter

    letter = (
        Letter.objects.select_related("award__application__round__fund__organisation")
        .filter(award__application=application)
        .first()
    )
    if letter is None or not can_download_letter(user, letter.award):
        return None
    return letter
