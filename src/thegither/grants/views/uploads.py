"""Files on an application: add and take off (the group), download (whoever may see it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from thegither.core.forms import add_refusal
from thegither.core.permissions import require
from thegither.grants import services
from thegither.grants.forms import UploadForm
from thegither.grants.models import CONTENT_TYPE_OF_KIND, Upload
from thegither.grants.permissions import can_edit_application, can_see_application
from thegither.grants.views.common import application_or_404


@login_required
@never_cache
def application_uploads(request, pk):
    """Add files to a draft (each one is kept as soon as it is added)."""
    application = application_or_404(pk)
    require(can_edit_application(request.user, application))
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.application_upload_add(
                application=application, file=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": upload.name})
            return redirect("grants:application-uploads", pk=application.pk)
    return render(
        request,
        "grants/application_uploads.html",
        {
            "organisation": application.round.organisation,
            "application": application,
            "uploads": application.uploads.all(),
            "form": form,
        },
    )


def _upload_or_404(pk) -> Upload:
    return get_object_or_404(
        Upload.objects.select_related("application__round__fund__organisation"), pk=pk
    )


@require_POST
@login_required
def upload_remove(request, pk):
    upload = _upload_or_404(pk)
    require(can_edit_application(request.user, upload.application))
    services.application_upload_remove(upload=upload, by=request.user)
    messages.success(request, _("Took off %(name)s.") % {"name": upload.name})
    return redirect("grants:application-uploads", pk=upload.application_id)


@require_GET
@login_required
@never_cache
# Even if a file held something else, a browser may run nothing from it.
@csp_override({"default-src": [CSP.NONE], "sandbox": True})
def upload_download(request, pk):
    """Send the file as a download, to people who may see the application only."""
    upload = _upload_or_404(pk)
    require(can_see_application(request.user, upload.application))
    try:
        handle = upload.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=upload.name,
        content_type=CONTENT_TYPE_OF_KIND[upload.kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
