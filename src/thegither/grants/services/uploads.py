"""Files a group adds to its application: checked by content, stored under new names.

The type is decided by what is inside the file (libmagic), never by its name or
the type the browser claims, so a web page called budget.pdf is refused. Only
PDF, JPEG, PNG, Word (DOCX) and Excel (XLSX) files of up to 10 MB are taken.
"""

import re
import unicodedata
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from thegither.accounts.models import User
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.core.services import audit_record
from thegither.core.uploads import CannotCheckFiles, content_type_of
from thegither.grants.models import (
    UPLOAD_CONTENT_TYPES,
    UPLOAD_MAX_BYTES,
    UPLOADS_MAX,
    Application,
    Upload,
)
from thegither.grants.permissions import can_edit_application

_UNSAFE = re.compile(r"[^\w .()+,-]+")


def upload_display_name(name: str, kind: str) -> str:
    """Return a safe name to show and download the file as, ending in its real extension."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("", stem).strip(" .")[:100] or _("file")
    return f"{stem}.{kind}"


def upload_read(file) -> bytes:
    """Read an uploaded file, refusing one over the limit without reading all of it.

    Reports' photos and receipts are read the same way (services/reports.py).
    """
    size = getattr(file, "size", None)
    data = None
    if size is None or size <= UPLOAD_MAX_BYTES:
        file.seek(0)
        data = file.read(UPLOAD_MAX_BYTES + 1)
    if data is None or len(data) > UPLOAD_MAX_BYTES:
        raise Refused(
            {"file": [_("This file is too big. Files can be up to 10 MB.")]}, kind=Refusal.TOO_BIG
        )
    if not data:
        raise Refused({"file": [_("This file is empty. Choose another.")]}, kind=Refusal.BAD_FILE)
    return data


def upload_content_type(data: bytes) -> str:
    """Return what the file's bytes are (like "image/png"), refusing if this server can't tell."""
    try:
        return content_type_of(data)
    except CannotCheckFiles as error:
        raise Refused(
            {
                "file": [
                    _(
                        "Files can't be uploaded on this server yet, because it can't check "
                        "what is inside them. Ask whoever runs Thegither to install libmagic."
                    )
                ]
            },
            kind=Refusal.CANNOT_CHECK,
        ) from error


@transaction.atomic
def application_upload_add(*, application: Application, file, by: User) -> Upload:
    """Add a file to a draft application, if its content is a kind we take."""
    require(can_edit_application(by, application))
    data = upload_read(file)
    kind = UPLOAD_CONTENT_TYPES.get(upload_content_type(data))
    if kind is None:
        raise Refused(
            {
                "file": [
                    _(
                        "We can't take this kind of file. Choose a PDF, a JPEG or PNG picture, "
                        "a Word document (DOCX) or an Excel spreadsheet (XLSX)."
                    )
                ]
            },
            kind=Refusal.BAD_FILE,
        )
    # Lock the application, so two uploads at once can't pass the limit together.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.uploads.count() >= UPLOADS_MAX:
        raise Refused(
            {"file": [_("You can add up to %(count)s files.") % {"count": UPLOADS_MAX}]},
            kind=Refusal.TOO_MANY,
        )
    upload = Upload(
        application=application,
        name=upload_display_name(getattr(file, "name", ""), kind),
        kind=kind,
        size_bytes=len(data),
        uploaded_by=by,
    )
    upload.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
    upload.save()
    audit_record(
        action="grants.upload_added",
        actor=by,
        target=application,
        details={"upload": upload.pk, "kind": kind, "size_bytes": len(data)},
    )
    return upload


@transaction.atomic
def application_upload_remove(*, upload: Upload, by: User) -> None:
    """Take a file off a draft application; the stored file goes once this is saved."""
    require(can_edit_application(by, upload.application))
    storage, name = upload.file.storage, upload.file.name
    audit_record(
        action="grants.upload_removed",
        actor=by,
        target=upload.application,
        details={"upload": upload.pk, "kind": upload.kind},
    )
    upload.delete()
    transaction.on_commit(lambda: storage.delete(name))
