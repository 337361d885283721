import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thegither.accounts.tests import images
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.grants import services
from thegither.grants.models import UPLOAD_MAX_BYTES, Upload
from thegither.grants.tests.factories import application_make

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def office(kind: str) -> bytes:
    """Return the smallest Word (docx) or Excel (xlsx) file libmagic recognises."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(open_round, applicant):
    return application_make(open_round, applicant)


def add(application, by, data, name="file.pdf"):
    return services.application_upload_add(
        application=application, file=SimpleUploadedFile(name, data), by=by
    )


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (images.JPEG, "jpg"),
        (images.png(4, 4), "png"),
        (office("docx"), "docx"),
        (office("xlsx"), "xlsx"),
    ],
)
def test_each_kind_we_take_is_stored_under_a_new_name(draft, applicant, media, data, kind):
    upload = add(draft, applicant, data, name="../../Our quote.exe")
    assert upload.kind == kind
    assert upload.name == f"Our quote.{kind}"
    assert upload.file.name.startswith("grant-uploads/")
    assert "quote" not in upload.file.name
    assert (media / upload.file.name).read_bytes() == data
    event = AuditEvent.objects.get(action="grants.upload_added")
    assert event.details["kind"] == kind


@pytest.mark.parametrize(
    "data",
    [
        images.HTML,
        images.SVG,
        images.GIF,
        b"just some words",
        office("zip").replace(b"xl/", b"zz/"),
    ],
)
def test_a_file_is_judged_by_its_content_not_its_name(draft, applicant, data):
    with pytest.raises(Refused) as caught:
        add(draft, applicant, data, name="budget.pdf")
    assert caught.value.kind == Refusal.BAD_FILE
    assert not Upload.objects.exists()


def test_a_file_over_10_mb_is_refused(draft, applicant):
    with pytest.raises(Refused) as caught:
        add(draft, applicant, PDF + b"0" * UPLOAD_MAX_BYTES)
    assert caught.value.kind == Refusal.TOO_BIG


def test_an_empty_file_is_refused(draft, applicant):
    with pytest.raises(Refused) as caught:
        add(draft, applicant, b"")
    assert caught.value.kind == Refusal.BAD_FILE


def test_at_most_five_files(draft, applicant):
    for _ in range(5):
        add(draft, applicant, PDF)
    with pytest.raises(Refused) as caught:
        add(draft, applicant, PDF)
    assert caught.value.kind == Refusal.TOO_MANY


def test_a_server_without_libmagic_refuses_clearly(draft, applicant, monkeypatch):
    from thegither.core.uploads import CannotCheckFiles
    from thegither.grants.services import uploads

    def cannot(data):
        raise CannotCheckFiles("no libmagic")

    monkeypatch.setattr(uploads, "content_type_of", cannot)
    with pytest.raises(Refused) as caught:
        add(draft, applicant, PDF)
    assert caught.value.kind == Refusal.CANNOT_CHECK


def test_only_the_group_adds_files_to_a_draft(open_round, draft, other_applicant, staff, applicant):
    for person in (other_applicant, staff):
        with pytest.raises(PermissionDenied):
            add(draft, person, PDF)
    sent = application_make(open_round, applicant, status="submitted")
    with pytest.raises(PermissionDenied):
        add(sent, applicant, PDF)


def test_taking_a_file_off_deletes_it_after_saving(
    draft, applicant, media, django_capture_on_commit_callbacks
):
    upload = add(draft, applicant, PDF)
    path = media / upload.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.application_upload_remove(upload=upload, by=applicant)
    assert not path.exists()
    assert not Upload.objects.exists()
    assert AuditEvent.objects.filter(action="grants.upload_removed").count() == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [("", "file.pdf"), ("<script>.html", "script.pdf"), ("C:\\a\\b\\x.docx", "x.pdf")],
)
def test_file_names_are_made_safe(name, expected):
    assert services.upload_display_name(name, "pdf") == expected


# Pages


def test_the_group_adds_a_file_and_a_renamed_web_page_is_refused(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("grants:application-uploads", args=[draft.pk])
    response = client.post(url, {"file": SimpleUploadedFile("quote.pdf", images.HTML)})
    assert "We can&#x27;t take this kind of file." in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("quote.pdf", PDF)})
    assert response.url == url
    assert "quote.pdf" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 200


def test_a_download_is_an_attachment_that_browsers_never_sniff(
    client, open_round, applicant, staff
):
    application = application_make(open_round, applicant)
    upload = add(application, applicant, PDF, name="quote.pdf")
    client.force_login(applicant)
    response = client.get(reverse("grants:upload-download", args=[upload.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="quote.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_downloads_are_only_for_people_who_may_see_the_application(
    client, open_round, applicant, other_applicant, staff, outsider
):
    application = application_make(open_round, applicant)
    upload = add(application, applicant, PDF)
    url = reverse("grants:upload-download", args=[upload.pk])
    # A draft's files are the group's own, like the draft.
    for person in (other_applicant, staff, outsider):
        client.force_login(person)
        assert client.get(url).status_code == 403
    application.status = "submitted"
    application.submission_key = application.start_key
    application.submitted_at = application.created_at
    application.save()
    client.force_login(staff)
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_a_missing_file_is_not_found(client, draft, applicant, media):
    upload = add(draft, applicant, PDF)
    (media / upload.file.name).unlink()
    client.force_login(applicant)
    assert client.get(reverse("grants:upload-download", args=[upload.pk])).status_code == 404


def test_the_group_takes_a_file_off(client, draft, applicant, other_applicant):
    upload = add(draft, applicant, PDF)
    url = reverse("grants:upload-remove", args=[upload.pk])
    client.force_login(other_applicant)
    assert client.post(url).status_code == 403
    client.force_login(applicant)
    assert client.post(url).url == reverse("grants:application-uploads", args=[draft.pk])
    assert not Upload.objects.exists()
