"""`thegither episodes import PATH...` and `thegither episodes show SLUG [--json]`.

Import reads Iriss.fm-style transcript files (or every .md, .markdown and .txt file in a
folder). Each file is saved whole or not at all: a file that can't be read is named
with its line and why, the others are still imported, and the command ends with a
summary and a non-zero exit. Importing the same file again changes nothing.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from thegither.stories import selectors, services
from thegither.stories.importing import EpisodeFileError, episode_files, episode_read
from thegither.stories.models import Episode


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class Command(BaseCommand):
    help = "Import podcast episodes from transcript files, or show one episode."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="import|show")
        importing = actions.add_parser(
            "import", help="Import episode files, or the files in folders."
        )
        importing.add_argument("paths", nargs="+", metavar="PATH")
        showing = actions.add_parser("show", help="Show one episode.")
        showing.add_argument("slug", metavar="SLUG")
        showing.add_argument(
            "--json", action="store_true", help="Print the episode as one JSON object."
        )

    def handle(self, *args, action, **options):
        if action == "import":
            self._import(options["paths"])
        else:
            self._show(options["slug"], as_json=options["json"])

    def _import(self, paths):
        files = episode_files(paths)
        if not files:
            raise CommandError("No episode files found (.md, .markdown or .txt).")
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        problems: list[str] = []
        for path in files:
            try:
                parsed = episode_read(path)
                outcome = services.episode_import(parsed=parsed)
            except EpisodeFileError as error:
                problems.append(str(error))
                self.stderr.write(f"Not imported: {error}")
                continue
            except DatabaseError as error:
                # Saved in one transaction: nothing of this file is kept; go on to the next.
                problems.append(f"{path}: {error}")
                self.stderr.write(f"Not imported: {path}: the database refused it ({error}).")
                continue
            if not outcome.changed:
                counts["unchanged"] += 1
                self.stdout.write(f"Unchanged: {outcome.episode.slug} ({path})")
                continue
            counts["new" if outcome.created else "updated"] += 1
            draft = " It is a draft, so it isn't public." if outcome.episode.is_draft else ""
            self.stdout.write(
                f"{'New' if outcome.created else 'Updated'}: {outcome.episode.slug} ({path}): "
                f"{_plural(len(parsed.speakers), 'speaker', 'speakers')}, "
                f"{_plural(len(parsed.segments), 'part', 'parts')}, "
                f"{_plural(parsed.turn_count, 'turn', 'turns')}.{draft}"
            )
        summary = (
            f"{_plural(len(files), 'file', 'files')}: {counts['new']} new, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{len(problems)} not imported."
        )
        if problems:
            raise CommandError(summary)
        self.stdout.write(summary)

    def _show(self, slug, *, as_json):
        try:
            episode = selectors.episode_get(slug)
        except Episode.DoesNotExist:
            raise CommandError(f"No episode called {slug!r}.") from None
        data = selectors.episode_as_json(episode)
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{data['title']} ({data['slug']})")
        if data["draft"]:
            self.stdout.write("Draft: not public.")
        self.stdout.write(f"Published: {data['published'] or 'no date'}")
        seconds = data["duration_seconds"]
        if seconds is not None:
            self.stdout.write(f"Length: {seconds // 60}:{seconds % 60:02d} ({seconds} seconds)")
        for url in data["audio_urls"]:
            self.stdout.write(f"Listen: {url}")
        self.stdout.write("Speakers:")
        for speaker in data["speakers"]:
            self.stdout.write(f"  {speaker['code']} - {speaker['name']}")
        for number, segment in enumerate(data["segments"], start=1):
            heading = segment["heading"] or "(no heading)"
            self.stdout.write(
                f"Part {number}: {heading[:70]} ({_plural(len(segment['turns']), 'turn', 'turns')})"
            )
