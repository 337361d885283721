"""iCalendar files (RFC 5545) for a week's events and for one event.

Written by hand, as the format is small: lines end in CRLF, long lines are folded at
75 bytes, text escapes backslash, semicolon, comma and new lines. Times are in UTC, so
every calendar shows them right wherever it is. An event's UID never changes, and its
SEQUENCE goes up with every change, so calendars update the copy they have.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from thegither.stories.models import Event, Week

PRODUCT = "-//Thegither//Co-production Week//EN"
LINE_BYTES = 75


def _escape(text: str) -> str:
    text = (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line into parts of at most 75 bytes, never inside a character."""
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_BYTES
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = LINE_BYTES - 1  # continuation lines start with a space
        current += character
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: Event, base_url: str) -> list[str]:
    url = f"{base_url}{event.get_absolute_url()}"
    description = [event.description]
    description.append(_("Organiser: %(name)s") % {"name": event.organiser})
    if event.audience:
        description.append(_("Who it is for: %(who)s") % {"who": event.audience})
    if event.accessibility:
        description.append(_("Accessibility: %(text)s") % {"text": event.accessibility})
    if event.booking_url:
        description.append(_("Booking: %(url)s") % {"url": event.booking_url})
    description.append(url)
    where = event.place
    if event.is_online:
        where = _("%(place)s (and online)") % {"place": where} if where else _("Online")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}@thegither",
        f"DTSTAMP:{_utc(event.updated_at or timezone.now())}",
        f"DTSTART:{_utc(event.starts_at)}",
    ]
    if event.ends_at:
        lines.append(f"DTEND:{_utc(event.ends_at)}")
    lines += [
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{_escape(event.title)}",
        f"DESCRIPTION:{_escape(chr(10).join(part for part in description if part))}",
        f"LOCATION:{_escape(where)}",
        f"URL:{url}",
        "STATUS:CONFIRMED",
        "END:VEVENT",
    ]
    return lines


def calendar(events: list[Event], *, name: str, base_url: str) -> str:
    """Return an iCalendar file holding the events."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for event in events:
        lines += _event_lines(event, base_url)
    lines.append("END:VCALENDAR")
    return "".join(f"{_fold(line)}\r\n" for line in lines)


def week_calendar_name(week: Week) -> str:
    return _("%(organisation)s: Co-production Week %(year)s") % {
        "organisation": week.organisation.name,
        "year": week.year,
    }
