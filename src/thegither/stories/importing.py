"""Reading an Iriss.fm-style episode file into plain data, or saying which line is wrong.

A file is Markdown with a YAML front matter between `---` lines, then:

    MD - Michelle Drumm          the speaker legend: a code, a dash, a name
    SJ - Sam Jordan, SCDC        (optionally ", organisation" or ", role, organisation")

    Text before the first turn is the introduction (paragraphs kept).

    SJ I work for SCDC...        a turn: a paragraph starting with a speaker's code

    Kieran and Abbie from...     after the first turn, a paragraph without a code
                                 starts a new part of the episode (its heading)

Mis-decoded text (`Â£30,000`) is repaired with ftfy before anything is read. Nothing
here touches the database: `episode_read` returns a `ParsedEpisode` or raises
`EpisodeFileError` naming the file and the line, and the service saves it.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import ftfy
import yaml
from django.utils.text import slugify

from thegither.stories.models import (
    EPISODE_SLUG_MAX,
    EPISODE_TITLE_MAX,
    SPEAKER_CODE_MAX,
    SPEAKER_NAME_MAX,
)

# A file bigger than this is not a transcript; refusing it early keeps memory safe.
FILE_MAX_BYTES = 5 * 1024 * 1024
FILE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})

# Keys whose values are where to listen, in the order they are offered.
AUDIO_KEYS = (
    "audio_file_url",  # Thegither's own: a direct link to the sound file, for podcast apps
    "iriss_episode_libsyn_url",
    "iriss_archive_libsyn_url",
    "iriss_archive_soundcloud_url",
)
DURATION_KEYS = ("iriss_archive_libsyn_duration", "duration")
PUBLISHED_KEYS = ("date", "iriss_archive_libsyn_publicationdate")
RECORDED_KEY = "iriss_archive_website_date_of_recording"
WEBSITE_PATH_KEY = "iriss_archive_website_url"
PAGE_TITLE_KEY = "iriss_archive_website_pagetitle"

_CODE = rf"[A-Z][A-Z0-9]{{0,{SPEAKER_CODE_MAX - 1}}}"
LEGEND_LINE = re.compile(rf"^\s*({_CODE})\s+[-–—]\s+(\S.*?)\s*$")
TURN_START = re.compile(rf"^({_CODE})\s+(\S.*)$")
# A paragraph starting like this is taken for a turn whose code is missing from the
# legend: one to three capitals, then a word starting with a capital, a digit or a quote
# ("JD I work for..."). "A" and "I" are words, so alone they are codes only if in the legend.
LOOKS_LIKE_CODE = re.compile(r"^([A-Z]{1,3})\s+[A-Z0-9\"'“‘(]")
WORDS_NOT_CODES = frozenset({"A", "I"})
DURATION = re.compile(r"^(?:(\d+):)?(\d+):([0-5]\d)$")
FRONT_MATTER_FENCE = "---"


class EpisodeFileError(Exception):
    """A file that can't be read as an episode: which file, which line, and why."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}, line {line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ParsedSpeaker:
    code: str
    name: str
    role: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class ParsedTurn:
    speaker_code: str
    text: str
    line: int


@dataclass
class ParsedSegment:
    heading: str
    line: int
    turns: list[ParsedTurn] = field(default_factory=list)


@dataclass
class ParsedEpisode:
    slug: str
    title: str
    subtitle: str
    published_on: datetime.date | None
    recorded_at: datetime.datetime | None
    duration_seconds: int | None
    audio_urls: list[str]
    website_path: str
    page_title: str
    is_draft: bool
    front_matter: dict
    speakers: list[ParsedSpeaker]
    introduction: str
    segments: list[ParsedSegment]
    source_name: str = ""
    source_sha256: str = ""

    @property
    def turn_count(self) -> int:
        return sum(len(segment.turns) for segment in self.segments)


def episode_files(paths: list[str | Path]) -> list[Path]:
    """Return the episode files named, and those inside the folders named, in a stable order.

    A name that is neither a file nor a folder is returned as it is, so reading it
    fails with a message about that name.
    """
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found += sorted(
                child
                for child in path.rglob("*")
                if child.is_file()
                and child.suffix.lower() in FILE_SUFFIXES
                and not child.name.startswith(".")
            )
        else:
            found.append(path)
    return found


def episode_read(path: str | Path) -> ParsedEpisode:
    """Read one episode file; raise `EpisodeFileError` naming the line if it can't be read."""
    path = Path(path)
    name = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(FILE_MAX_BYTES + 1)
    except OSError as error:
        raise EpisodeFileError(name, 0, f"can't open the file ({error.strerror}).") from error
    if len(data) > FILE_MAX_BYTES:
        raise EpisodeFileError(name, 0, "the file is bigger than 5 MB: it isn't a transcript.")
    return episode_parse(data, name=name)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Not UTF-8: most likely Windows' own encoding, which every byte decodes as.
        text = data.decode("cp1252", errors="replace")
    # Repair text decoded the wrong way once already, like "Â£30,000" for "£30,000".
    # Curly quotes are kept: they are right, not broken.
    return ftfy.fix_text(text, uncurl_quotes=False)


def _lines(text: str) -> list[str]:
    # Split only on real line ends, so line numbers match what an editor shows.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def episode_parse(data: bytes, *, name: str = "episode") -> ParsedEpisode:
    """Read an episode from a file's bytes; raise `EpisodeFileError` naming the line."""
    lines = _lines(_decode(data))
    fields, body_start = _front_matter(lines, name)
    speakers, after_legend = _legend(lines, body_start, name)
    introduction, segments = _transcript(lines, after_legend, speakers, name)
    episode = _episode_fields(fields, name)
    episode.speakers = list(speakers.values())
    episode.introduction = introduction
    episode.segments = segments
    episode.source_name = PurePosixPath(Path(name).as_posix()).name
    episode.source_sha256 = hashlib.sha256(data).hexdigest()
    return episode


# --- The front matter


@dataclass
class _Fields:
    values: dict
    lines: dict[str, int]  # the line each top-level key is on

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def _front_matter(lines: list[str], name: str) -> tuple[_Fields, int]:
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise EpisodeFileError(
            name, 1, "the file must start with a front matter: a line with ---, the fields, ---."
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE)
    except StopIteration:
        raise EpisodeFileError(
            name, 1, "the front matter never ends: add a line with --- after the fields."
        ) from None
    text = "\n".join(lines[1:end])
    try:
        values = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 2 if mark is not None else 2  # the fields start on line 2
        problem = getattr(error, "problem", None) or "it isn't valid YAML"
        raise EpisodeFileError(
            name, line, f"the front matter isn't valid YAML: {problem}."
        ) from None
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise EpisodeFileError(name, 2, "the front matter must be fields like `title: ...`.")
    key_lines = {}
    for index in range(1, end):
        match = re.match(r"^([^\s#:][^:]*?)\s*:", lines[index])
        if match:
            key_lines.setdefault(match.group(1).strip("'\""), index + 1)
    return _Fields(values={str(k): v for k, v in values.items()}, lines=key_lines), end + 1


def _json_safe(value):
    """Return the value with dates as ISO text, so every field can be kept as JSON."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _text(fields: _Fields, key: str, name: str, *, limit: int | None = None) -> str:
    value = fields.values.get(key)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise EpisodeFileError(name, fields.line(key), f"`{key}` must be text.")
    text = " ".join(str(value).split())
    if limit is not None and len(text) > limit:
        raise EpisodeFileError(
            name, fields.line(key), f"`{key}` is longer than {limit} characters."
        )
    return text


def _when(value) -> datetime.datetime | datetime.date | None:
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    text = str(value).strip()
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return datetime.date.fromisoformat(text)


def _date(fields: _Fields, key: str, name: str) -> datetime.date | None:
    value = fields.values.get(key)
    if value in (None, ""):
        return None
    try:
        when = _when(value)
    except ValueError:
        raise EpisodeFileError(
            name, fields.line(key), f"`{key}` must be a date like 2018-11-26, not {value!r}."
        ) from None
    return when.date() if isinstance(when, datetime.datetime) else when


def _moment(fields: _Fields, key: str, name: str) -> datetime.datetime | None:
    value = fields.values.get(key)
    if value in (None, ""):
        return None
    try:
        when = _when(value)
    except ValueError:
        raise EpisodeFileError(
            name,
            fields.line(key),
            f"`{key}` must be a date and time like 2018-11-26T12:00:00+0000, not {value!r}.",
        ) from None
    if not isinstance(when, datetime.datetime):
        when = datetime.datetime.combine(when, datetime.time(12))
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return when


def duration_seconds(value) -> int:
    """Return the seconds in "MM:SS" or "H:MM:SS"; raise ValueError for anything else.

    A whole number is already seconds (YAML reads an unquoted 15:33 as 933).
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError(value)
        return value
    match = DURATION.match(str(value).strip())
    if not match:
        raise ValueError(value)
    hours, minutes, seconds = match.groups()
    if hours is not None and int(minutes) > 59:
        raise ValueError(value)
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def _duration(fields: _Fields, name: str) -> int | None:
    for key in DURATION_KEYS:
        value = fields.values.get(key)
        if value in (None, ""):
            continue
        try:
            return duration_seconds(value)
        except ValueError:
            raise EpisodeFileError(
                name,
                fields.line(key),
                f"`{key}` must be a length like 15:33 or 1:02:03, not {value!r}.",
            ) from None
    return None


def _draft(fields: _Fields, name: str) -> bool:
    value = fields.values.get("draft", False)
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in {"true", "yes"}:
        return True
    if text in {"false", "no", ""}:
        return False
    raise EpisodeFileError(name, fields.line("draft"), "`draft` must be true or false.")


def _audio_urls(fields: _Fields, name: str) -> list[str]:
    urls: list[str] = []
    for key in AUDIO_KEYS:
        url = _text(fields, key, name, limit=500)
        if not url:
            continue
        if not re.match(r"^https?://[^\s/]+", url):
            raise EpisodeFileError(
                name, fields.line(key), f"`{key}` must be a web address starting with https://."
            )
        if url not in urls:
            urls.append(url)
    return urls


def episode_slug(title: str, website_path: str) -> str:
    """Return the episode's short name: the last part of its website path, else its title."""
    last = [part for part in website_path.split("/") if part]
    return slugify(last[-1] if last else title)[:EPISODE_SLUG_MAX].strip("-")


def _episode_fields(fields: _Fields, name: str) -> ParsedEpisode:
    title = _text(fields, "title", name, limit=EPISODE_TITLE_MAX)
    if not title:
        raise EpisodeFileError(name, fields.line("title"), "the front matter needs a `title`.")
    website_path = _text(fields, WEBSITE_PATH_KEY, name, limit=300)
    slug = episode_slug(title, website_path)
    if not slug:
        raise EpisodeFileError(
            name, fields.line("title"), "the title has no letters or numbers to make a link from."
        )
    published = None
    for key in PUBLISHED_KEYS:
        published = _date(fields, key, name)
        if published is not None:
            break
    return ParsedEpisode(
        slug=slug,
        title=title,
        subtitle=_text(fields, "subtitle", name, limit=5_000),
        published_on=published,
        recorded_at=_moment(fields, RECORDED_KEY, name),
        duration_seconds=_duration(fields, name),
        audio_urls=_audio_urls(fields, name),
        website_path=website_path,
        page_title=_text(fields, PAGE_TITLE_KEY, name, limit=300),
        is_draft=_draft(fields, name),
        front_matter=_json_safe(fields.values),
        speakers=[],
        introduction="",
        segments=[],
    )


# --- The legend and the transcript


def _speaker(code: str, described: str) -> ParsedSpeaker:
    parts = [part.strip() for part in described.split(",") if part.strip()]
    name, rest = parts[0], parts[1:]
    if len(rest) == 1:
        return ParsedSpeaker(code=code, name=name, organisation=rest[0])
    if len(rest) >= 2:
        return ParsedSpeaker(code=code, name=name, role=rest[0], organisation=", ".join(rest[1:]))
    return ParsedSpeaker(code=code, name=name)


def _legend(lines: list[str], start: int, name: str) -> tuple[dict[str, ParsedSpeaker], int]:
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    speakers: dict[str, ParsedSpeaker] = {}
    while index < len(lines):
        match = LEGEND_LINE.match(lines[index])
        if not match:
            break
        code, described = match.groups()
        if code in speakers:
            raise EpisodeFileError(name, index + 1, f"the code {code} is in the legend twice.")
        speaker = _speaker(code, described)
        if any(
            len(value) > SPEAKER_NAME_MAX
            for value in (speaker.name, speaker.role, speaker.organisation)
        ):
            raise EpisodeFileError(
                name, index + 1, f"a speaker's name is longer than {SPEAKER_NAME_MAX} characters."
            )
        speakers[code] = speaker
        index += 1
    if not speakers:
        raise EpisodeFileError(
            name,
            index + 1 if index < len(lines) else len(lines),
            "no speaker legend: after the front matter, list who speaks, one a line, "
            "like 'MD - Michelle Drumm'.",
        )
    return speakers, index


def _paragraphs(lines: list[str], start: int) -> list[tuple[int, str]]:
    """Return (line number, text) for each paragraph: lines between blank lines, joined."""
    paragraphs: list[tuple[int, str]] = []
    current: list[str] = []
    first = 0
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if line:
            if not current:
                first = index + 1
            current.append(line)
        elif current:
            paragraphs.append((first, " ".join(current)))
            current = []
    if current:
        paragraphs.append((first, " ".join(current)))
    return paragraphs


def _transcript(
    lines: list[str], start: int, speakers: dict[str, ParsedSpeaker], name: str
) -> tuple[str, list[ParsedSegment]]:
    introduction: list[str] = []
    segments: list[ParsedSegment] = []
    for line, text in _paragraphs(lines, start):
        turn = TURN_START.match(text)
        if turn and turn.group(1) in speakers:
            if not segments:
                segments.append(ParsedSegment(heading="", line=line))
            segments[-1].turns.append(
                ParsedTurn(speaker_code=turn.group(1), text=turn.group(2), line=line)
            )
            continue
        unknown = LOOKS_LIKE_CODE.match(text)
        if unknown and unknown.group(1) not in WORDS_NOT_CODES:
            known = ", ".join(speakers)
            raise EpisodeFileError(
                name,
                line,
                f"this turn starts with {unknown.group(1)}, which isn't in the speaker legend "
                f"({known}). Add it to the legend, or fix the code.",
            )
        if not segments:
            introduction.append(text)
        elif segments[-1].turns:
            segments.append(ParsedSegment(heading=text, line=line))
        else:
            # Two paragraphs without a code in a row: both introduce the same part.
            segments[-1].heading = f"{segments[-1].heading}\n\n{text}"
    if not any(segment.turns for segment in segments):
        raise EpisodeFileError(
            name,
            len(lines),
            "no turns: each turn is a paragraph that starts with a speaker's code, "
            "like 'MD Hello'.",
        )
    return "\n\n".join(introduction), segments
