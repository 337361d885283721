"""Reports after the grant: the group writes one on a phone; the panel and staff read them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_POST

from thegither.core.forms import add_refusal, posted
from thegither.core.permissions import require
from thegither.grants import reporting, services
from thegither.grants.models import (
    CONTENT_TYPE_OF_REPORT_KIND,
    REPORT_DUE_DAYS_MAX,
    Award,
    Report,
    ReportFile,
    ReportFilePurpose,
)
from thegither.grants.permissions import (
    can_acknowledge_report,
    can_edit_report,
    can_see_report,
    can_see_round_reports,
    can_set_report_due,
    can_write_report,
)
from thegither.grants.report_forms import (
    AcknowledgeForm,
    PhotoForm,
    ReceiptForm,
    ReportDueForm,
    ReportForm,
)
from thegither.grants.views.common import round_or_404, say_refusal

FILES = "files"
CHECK = "check"


def _award_or_404(pk: int) -> Award:
    try:
        return reporting.award_get(pk)
    except Award.DoesNotExist as error:
        raise Http404 from error


def _report_or_404(pk: int) -> Report:
    try:
        return reporting.report_get(pk)
    except Report.DoesNotExist as error:
        raise Http404 from error


def _file_or_404(pk: int) -> ReportFile:
    try:
        return reporting.report_file_get(pk)
    except ReportFile.DoesNotExist as error:
        raise Http404 from error


def _page(request, template: str, report_or_award, **context):
    award = report_or_award if isinstance(report_or_award, Award) else report_or_award.award
    round = award.application.round
    return render(
        request,
        template,
        {
            "organisation": round.organisation,
            "round": round,
            "award": award,
            "application": award.application,
            "due_on": reporting.report_due_on(award),
            **context,
        },
        status=400 if any(getattr(f, "errors", None) for f in context.values()) else 200,
    )


@login_required
@never_cache
def report_write(request, pk):
    """Write the group's end-of-grant report: save it as a draft and come back any time."""
    award = _award_or_404(pk)
    report = reporting.report_of(award)
    if report is not None and not report.is_draft and can_see_report(request.user, report):
        return redirect("grants:report-detail", pk=report.pk)
    require(can_write_report(request.user, award))
    form = ReportForm.for_report(award, report, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_save(award=award, draft=form.draft(), by=request.user)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            if FILES in request.POST:
                return redirect("grants:report-files", pk=report.pk)
            if CHECK in request.POST:
                return redirect("grants:report-check", pk=report.pk)
            messages.success(request, _("Saved. You can come back and finish it any time."))
            return redirect("grants:report-write", pk=award.pk)
    photos, receipts = reporting.photos_and_receipts(report) if report else ([], [])
    return _page(
        request,
        "grants/report_form.html",
        award,
        form=form,
        report=report,
        photos=photos,
        receipts=receipts,
    )


@login_required
@never_cache
def report_files(request, pk):
    """Add photos and receipts to a draft report (each is kept as soon as it is added)."""
    report = _report_or_404(pk)
    require(can_edit_report(request.user, report))
    receipt_posted = request.method == "POST" and request.POST.get("purpose") == "receipt"
    photo_form = PhotoForm()
    receipt_form = ReceiptForm()
    if request.method == "POST":
        form = (ReceiptForm if receipt_posted else PhotoForm)(request.POST, request.FILES)
        if receipt_posted:
            receipt_form = form
        else:
            photo_form = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                added = services.report_file_add(
                    report=report,
                    purpose=ReportFilePurpose.RECEIPT
                    if receipt_posted
                    else ReportFilePurpose.PHOTO,
                    file=data["file"],
                    caption=data.get("caption", ""),
                    has_people=data.get("has_people", False),
                    consent=data.get("consent", False),
                    by=request.user,
                )
            except ValidationError as error:
                add_refusal(form, error)
            else:
                messages.success(request, _("Added %(name)s.") % {"name": added.name})
                return redirect("grants:report-files", pk=report.pk)
    photos, receipts = reporting.photos_and_receipts(report)
    return _page(
        request,
        "grants/report_files.html",
        report,
        report=report,
        photos=photos,
        receipts=receipts,
        photo_form=photo_form,
        receipt_form=receipt_form,
    )


@require_POST
@login_required
def report_file_remove(request, pk):
    """Take a photo or receipt off a draft report."""
    file = _file_or_404(pk)
    require(can_edit_report(request.user, file.report))
    services.report_file_remove(file=file, by=request.user)
    messages.success(request, _("Took off %(name)s.") % {"name": file.name})
    return redirect("grants:report-files", pk=file.report_id)


@require_GET
@login_required
@never_cache
# Even if a file held something else, a browser may run nothing from it.
@csp_override({"default-src": [CSP.NONE], "sandbox": True})
def report_file(request, pk):
    """Send a photo (to show) or a receipt (to download), to people who may see the report."""
    file = _file_or_404(pk)
    require(can_see_report(request.user, file.report))
    try:
        handle = file.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        # Photos show on the report's page; receipts (PDFs too) are only ever downloaded.
        as_attachment=not file.is_photo,
        filename=file.name,
        content_type=CONTENT_TYPE_OF_REPORT_KIND[file.kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@never_cache
def report_check(request, pk):
    """Show the whole report and anything still missing; send it."""
    report = _report_or_404(pk)
    require(can_see_report(request.user, report))
    if not report.is_draft:
        return redirect("grants:report-detail", pk=report.pk)
    require(can_edit_report(request.user, report))
    if request.method == "POST":
        try:
            services.report_send(report=report, by=request.user)
        except ValidationError:
            messages.error(request, _("Some answers still need fixing. They are listed below."))
            report = _report_or_404(pk)
        else:
            messages.success(
                request, _("Sent. Thank you! We'll email you when the panel has read it.")
            )
            return redirect("grants:report-detail", pk=report.pk)
    photos, receipts = reporting.photos_and_receipts(report)
    return _page(
        request,
        "grants/report_check.html",
        report,
        report=report,
        photos=photos,
        receipts=receipts,
        problems=reporting.report_problems(report),
    )


@login_required
@never_cache
def report_detail(request, pk):
    """The report as the group sent it, for the group, the round's panel and staff."""
    report = _report_or_404(pk)
    require(can_see_report(request.user, report))
    photos, receipts = reporting.photos_and_receipts(report)
    can_acknowledge = can_acknowledge_report(request.user, report)
    return _page(
        request,
        "grants/report_detail.html",
        report,
        report=report,
        photos=photos,
        receipts=receipts,
        can_edit=can_edit_report(request.user, report),
        can_acknowledge=can_acknowledge,
        acknowledge_form=AcknowledgeForm() if can_acknowledge else None,
        is_group=report.award.application.contact_id == request.user.pk,
    )


@require_POST
@login_required
def report_acknowledge(request, pk):
    """Say the panel has read the report, with a thank-you note for the group if you like."""
    report = _report_or_404(pk)
    require(can_see_report(request.user, report))
    if report.status == Report.Status.ACKNOWLEDGED:
        messages.info(request, _("This report has already been marked as read."))
        return redirect("grants:report-detail", pk=report.pk)
    require(can_acknowledge_report(request.user, report))
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.report_acknowledge(
                report=report, thanks=form.cleaned_data["thanks"], by=request.user
            )
        except ValidationError as error:
            say_refusal(request, error)
        else:
            messages.success(request, _("Marked as read. The group will get an email."))
            return redirect("grants:report-detail", pk=report.pk)
    photos, receipts = reporting.photos_and_receipts(report)
    return _page(
        request,
        "grants/report_detail.html",
        report,
        report=report,
        photos=photos,
        receipts=receipts,
        can_edit=False,
        can_acknowledge=True,
        acknowledge_form=form,
        is_group=False,
    )


@login_required
@never_cache
def round_reports(request, pk):
    """Every funded group's report in the round, with when it is due; staff set the days."""
    round = round_or_404(pk)
    require(can_see_round_reports(request.user, round))
    can_set_due = can_set_report_due(request.user, round)
    form = None
    if can_set_due or request.method == "POST":
        form = ReportDueForm(posted(request), initial={"days": round.report_due_days})
    if request.method == "POST":
        require(can_set_due)
        if form.is_valid():
            try:
                services.report_due_days_set(
                    round=round, days=form.cleaned_data["days"], by=request.user
                )
            except ValidationError as error:
                add_refusal(form, error)
            else:
                messages.success(request, _("Saved. The due dates below have changed to match."))
                return redirect("grants:round-reports", pk=round.pk)
    return render(
        request,
        "grants/round_reports.html",
        {
            "organisation": round.organisation,
            "round": round,
            "areas": reporting.round_reports(round),
            "form": form,
            "days_max": REPORT_DUE_DAYS_MAX,
        },
        status=400 if form is not None and form.errors else 200,
    )
