"""Tagged PDFs (PDF/UA-1) drawn by WeasyPrint on this machine, loading nothing from anywhere.

The same way the Youth Bank's letters are drawn (grants/letters.py, decision 0059):
WeasyPrint needs Debian's Pango (libpango-1.0-0, libpangoft2-1.0-0) and is imported
only when a PDF is drawn, so Thegither starts without it; then `CannotMakePdf` says
what to install. The fetcher hands WeasyPrint only the files it was given by name and
refuses every other address (http, https, file: and relative links alike) before any
connection is made. Fonts are the system's, never web fonts.
"""

import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class CannotMakePdf(Exception):
    """This server can't draw PDFs (WeasyPrint or its system libraries are missing)."""


@dataclass(frozen=True)
class Resource:
    """A file a PDF may show (a logo), by the made-up address its HTML gives it."""

    data: bytes
    content_type: str


def missing_message(detail: str = "") -> str:
    """Return the plain words staff see when PDFs can't be drawn here."""
    message = _(
        "PDFs can't be made on this server yet: the PDF maker (WeasyPrint) needs the "
        "Pango text libraries. Ask whoever runs the server to install the Debian "
        "packages %(packages)s."
    ) % {"packages": PANGO_PACKAGES}
    return f"{message} ({detail})" if detail else message


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise CannotMakePdf(missing_message(str(error))) from error
    return weasyprint


def pdf_problem() -> str:
    """Return why PDFs can't be drawn here, or "" if they can."""
    try:
        _weasyprint()
    except CannotMakePdf as error:
        return str(error)
    return ""


def html_to_pdf(html: str, *, resources: dict[str, Resource] | None = None) -> tuple[bytes, list]:
    """Draw HTML as a tagged PDF/UA-1 file; return it and the addresses that were refused."""
    weasyprint = _weasyprint()
    given = dict(resources or {})
    refused: list[str] = []

    class OfflineFetcher(weasyprint.URLFetcher):
        """Give WeasyPrint the named resources and nothing else: no network, no files."""

        def __init__(self):
            super().__init__(allowed_protocols=())

        def fetch(self, url, headers=None):
            if url in given:
                found = given[url]
                return weasyprint.urls.URLFetcherResponse(
                    url, found.data, headers={"Content-Type": found.content_type}
                )
            refused.append(url)
            logger.warning("A PDF tried to load %r; it was refused.", url[:200])
            raise ValueError("PDFs load nothing but the files they were given.")

    try:
        pdf = weasyprint.HTML(string=html, url_fetcher=OfflineFetcher()).write_pdf(
            pdf_variant="pdf/ua-1"
        )
    except OSError as error:  # pragma: no cover - a library missing only at drawing time
        raise CannotMakePdf(missing_message(str(error))) from error
    return pdf, refused
