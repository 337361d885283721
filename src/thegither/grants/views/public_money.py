"""Where the money went: public pages per round and per year, their CSVs, and 360Giving files.

Anyone may see them, logged in or not. No script on the pages: the charts are SVG
drawn on the server, each with the same numbers in a table and as a CSV file.
"""

import logging

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from thegither.accounts.models import Organisation
from thegither.core.permissions import require
from thegither.grants import open_data
from thegither.grants.models import Round, RoundPhase
from thegither.grants.permissions import can_manage_grants, can_see_where_money_went
from thegither.grants.public_money import areas_csv, money_chart, summary_of
from thegither.grants.reporting import public_stories
from thegither.grants.views.common import round_or_404

logger = logging.getLogger(__name__)

CSV_TYPE = "text/csv; charset=utf-8"


def _public_round(request, pk: int) -> Round:
    round = round_or_404(pk)
    require(can_see_where_money_went(request.user, round))
    return round


def _years(organisation: Organisation) -> list[int]:
    dates = open_data.awards_of_organisation(organisation).values_list(
        "meeting__confirmed_at", flat=True
    )
    return sorted({timezone.localtime(when).year for when in dates}, reverse=True)


def _page(request, *, organisation, awards, heading, context) -> HttpResponse:
    summary = summary_of(awards)
    chart = money_chart(
        [(area.area, area.given_pence) for area in summary.areas],
        title=_("Money given in each area"),
        chart_id="areas-chart",
    )
    return render(
        request,
        "grants/money.html",
        {
            "organisation": organisation,
            "heading": heading,
            "summary": summary,
            "areas_chart": chart,
            # Only stories the groups ticked as public, and only the story (decision 0061).
            "stories": public_stories(awards),
            **context,
        },
    )


def round_money(request, pk):
    """Show where a round's money went: totals by area and the funded activities."""
    round = _public_round(request, pk)
    awards = list(open_data.awards_of_round(round))
    return _page(
        request,
        organisation=round.organisation,
        awards=awards,
        heading=_("Where the money went: %(fund)s, %(round)s")
        % {"fund": round.fund.name, "round": round.name},
        context={
            "round": round,
            "areas_csv_url": reverse("grants:round-money-csv", args=[round.pk]),
            "json_url": reverse("grants:round-360giving-json", args=[round.pk]),
            "csv_url": reverse("grants:round-360giving-csv", args=[round.pk]),
        },
    )


def round_money_csv(request, pk):
    """The round's money by area as CSV: the numbers in its chart and table."""
    round = _public_round(request, pk)
    return _csv(areas_csv(summary_of(open_data.awards_of_round(round))), f"money-{round.pk}.csv")


def _organisation_or_404(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


def organisation_money(request, slug):
    """List the years an organisation gave money, with a link to each year's page."""
    organisation = _organisation_or_404(slug)
    awards = list(open_data.awards_of_organisation(organisation))
    summary = summary_of(awards)
    years = _years(organisation)
    rounds = (
        Round.objects.filter(fund__organisation=organisation)
        .exclude(phase=RoundPhase.DRAFT)
        .select_related("fund")
        .order_by("-created_at")
    )
    return render(
        request,
        "grants/money_organisation.html",
        {
            "organisation": organisation,
            "summary": summary,
            "years": years,
            "rounds": rounds,
        },
    )


def year_money(request, slug, year):
    """Show where an organisation's money went in one year, all its rounds together."""
    organisation = _organisation_or_404(slug)
    awards = list(open_data.awards_of_organisation(organisation, year=year))
    if not awards and year not in _years(organisation):
        raise Http404
    return _page(
        request,
        organisation=organisation,
        awards=awards,
        heading=_("Where the money went in %(year)s") % {"year": year},
        context={
            "year": year,
            "areas_csv_url": reverse("grants:year-money-csv", args=[organisation.slug, year]),
            "json_url": reverse("grants:organisation-360giving-json", args=[organisation.slug]),
            "csv_url": reverse("grants:organisation-360giving-csv", args=[organisation.slug]),
        },
    )


def year_money_csv(request, slug, year):
    """The year's money by area as CSV: the numbers in its chart and table."""
    organisation = _organisation_or_404(slug)
    summary = summary_of(open_data.awards_of_organisation(organisation, year=year))
    return _csv(areas_csv(summary), f"money-{organisation.slug}-{year}.csv")


def _csv(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# 360Giving files.


def _open_data(request, *, organisation, awards, title, name, extension) -> HttpResponse:
    try:
        export = open_data.export_of(awards, organisation=organisation, title=title)
    except open_data.ExportInvalid as error:
        if not awards:
            return render(
                request,
                "grants/open_data_problem.html",
                {"organisation": organisation, "nothing": True},
                status=404,
            )
        logger.error("360Giving export %s failed the schema: %s", name, error)
        staff = can_manage_grants(request.user, organisation)
        return render(
            request,
            "grants/open_data_problem.html",
            {"organisation": organisation, "problems": error.problems if staff else []},
            status=503,
        )
    if extension == "json":
        response = HttpResponse(export.json(), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(False, f"{name}.json")
    else:
        response = HttpResponse(export.csv().encode("utf-8-sig"), content_type=CSV_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, f"{name}.csv")
    response["Access-Control-Allow-Origin"] = "*"  # open data: anyone's tools may read it
    return response


def _round_open_data(request, pk, extension):
    round = _public_round(request, pk)
    return _open_data(
        request,
        organisation=round.organisation,
        awards=list(open_data.awards_of_round(round)),
        title=f"{round.organisation.name}: {round.fund.name}, {round.name}",
        name=f"360giving-{round.organisation.slug}-round-{round.pk}",
        extension=extension,
    )


def round_360giving_json(request, pk):
    """The round's final awards as a 360Giving JSON file."""
    return _round_open_data(request, pk, "json")


def round_360giving_csv(request, pk):
    """The round's final awards as a 360Giving CSV file."""
    return _round_open_data(request, pk, "csv")


def _organisation_open_data(request, slug, extension):
    organisation = _organisation_or_404(slug)
    return _open_data(
        request,
        organisation=organisation,
        awards=list(open_data.awards_of_organisation(organisation)),
        title=f"{organisation.name}: every Youth Bank grant",
        name=f"360giving-{organisation.slug}",
        extension=extension,
    )


def organisation_360giving_json(request, slug):
    """Every year's final awards of the organisation as a 360Giving JSON file."""
    return _organisation_open_data(request, slug, "json")


def organisation_360giving_csv(request, slug):
    """Every year's final awards of the organisation as a 360Giving CSV file."""
    return _organisation_open_data(request, slug, "csv")
