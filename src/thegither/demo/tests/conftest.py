import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The demo draws its letters as PDFs: keep them in a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
