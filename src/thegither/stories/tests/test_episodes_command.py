"""`thegither episodes import|show`: whole files or nothing, a summary, and the JSON."""

import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from thegither.core.models import AuditEvent
from thegither.stories.models import Episode, SearchEntry, Segment, Speaker, Turn
from thegither.stories.tests.factories import SEED

pytestmark = pytest.mark.django_db

BROKEN = {
    "bad-yaml.md": '---\ntitle: "Broken\nsubtitle: x\n---\nMD - M\n\nMD Hi.\n',
    "no-legend.md": '---\ntitle: "No legend"\n---\n\nJust words.\n\nMD Hi.\n',
    "unknown-code.md": '---\ntitle: "Unknown code"\n---\nMD - M\n\nMD Hi.\n\nJD Hello.\n',
}


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("episodes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int, int, int]:
    return (
        Episode.objects.count(),
        Speaker.objects.count(),
        Segment.objects.count(),
        Turn.objects.count(),
        SearchEntry.objects.count(),
    )


def test_the_seed_imports_and_shows_as_json_with_four_speakers_two_parts_and_933_seconds():
    out, _err = run("import", str(SEED))
    assert "New: co-production-week-2018" in out
    assert "4 speakers, 2 parts, 35 turns" in out

    shown, _err = run("show", "co-production-week-2018", "--json")
    data = json.loads(shown)

    assert list(data) == [
        "slug",
        "title",
        "subtitle",
        "published",
        "duration_seconds",
        "audio_urls",
        "speakers",
        "introduction",
        "segments",
        "draft",
    ]
    assert data["published"] == "2018-11-26"
    assert data["duration_seconds"] == 933
    assert data["speakers"] == [
        {"code": "MD", "name": "Michelle Drumm"},
        {"code": "SJ", "name": "Sam Jordan"},
        {"code": "K", "name": "Kieran"},
        {"code": "A", "name": "Abbie"},
    ]
    assert len(data["segments"]) == 2
    assert data["segments"][0]["heading"] == ""
    assert list(data["segments"][0]["turns"][0]) == ["speaker_code", "speaker_name", "text"]
    texts = [turn["text"] for segment in data["segments"] for turn in segment["turns"]]
    assert any("£30,000" in text for text in texts)
    assert "Â" not in shown
    assert data["draft"] is False


def test_importing_the_same_file_again_changes_nothing():
    run("import", str(SEED))
    before = counts()
    audits = AuditEvent.objects.filter(action="stories.episode_imported").count()

    out, _err = run("import", str(SEED))

    assert "Unchanged: co-production-week-2018" in out
    assert counts() == before
    assert AuditEvent.objects.filter(action="stories.episode_imported").count() == audits


def test_a_changed_file_updates_the_episode_without_duplicating_it(tmp_path):
    run("import", str(SEED))
    changed = tmp_path / "changed.md"
    changed.write_bytes(
        SEED.read_bytes().replace(b'title: "Co-production Week 2018"', b'title: "CoPro Week 2018"')
    )

    out, _err = run("import", str(changed))

    assert "Updated: co-production-week-2018" in out
    assert Episode.objects.get().title == "CoPro Week 2018"
    assert counts()[:4] == (1, 4, 2, 35)


def test_a_folder_with_broken_files_imports_the_good_ones_and_fails_with_a_summary(tmp_path):
    shutil.copy(SEED, tmp_path / "good.md")
    for name, text in BROKEN.items():
        (tmp_path / name).write_text(text)
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("episodes", "import", str(tmp_path), stdout=io.StringIO(), stderr=err)

    assert str(caught.value) == "4 files: 1 new, 0 updated, 0 unchanged, 3 not imported."
    messages = err.getvalue()
    assert f"{tmp_path / 'bad-yaml.md'}, line 3:" in messages
    assert f"{tmp_path / 'no-legend.md'}, line 5: no speaker legend" in messages
    assert f"{tmp_path / 'unknown-code.md'}, line 8: this turn starts with JD" in messages
    # Nothing from a broken file was saved; the good one is there.
    assert list(Episode.objects.values_list("slug", flat=True)) == ["co-production-week-2018"]


def test_a_broken_file_leaves_no_trace_even_of_an_earlier_version(tmp_path):
    run("import", str(SEED))
    before = counts()
    broken = tmp_path / "seed-broken.md"
    broken.write_bytes(SEED.read_bytes().replace(b"\nK Young movers", b"\nKX Young movers"))

    with pytest.raises(CommandError):
        run("import", str(broken))

    assert counts() == before


def test_the_command_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    (tmp_path / "bad.md").write_text(BROKEN["bad-yaml.md"])
    result = subprocess.run(
        [sys.executable, "-m", "thegither.cli", "episodes", "import", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "THEGITHER_DATA_DIR": str(tmp_path / "data")},
        check=False,
    )
    # The database there has no tables: the error is the file's, found before saving.
    assert result.returncode != 0
    assert "bad.md, line 3" in result.stderr


def test_a_draft_imports_but_is_not_public(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_bytes(SEED.read_bytes().replace(b"draft: false", b"draft: true"))

    out, _err = run("import", str(draft))
    shown, _err = run("show", "co-production-week-2018", "--json")

    assert "It is a draft, so it isn't public." in out
    assert json.loads(shown)["draft"] is True
    assert SearchEntry.objects.count() == 0


def test_show_without_json_is_a_summary_for_people():
    run("import", str(SEED))
    out, _err = run("show", "co-production-week-2018")
    assert "Co-production Week 2018 (co-production-week-2018)" in out
    assert "Length: 15:33 (933 seconds)" in out
    assert "  SJ - Sam Jordan" in out
    assert "Part 2: Kieran and Abbie" in out


def test_show_an_episode_that_doesn_t_exist():
    with pytest.raises(CommandError, match="No episode called 'nope'"):
        run("show", "nope")


def test_no_files_found(tmp_path):
    with pytest.raises(CommandError, match="No episode files found"):
        run("import", str(tmp_path))
