"""Money after the decision: groups accept or give back, staff pay and move, the panel re-offers."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from thegither.core.forms import add_refusal, posted
from thegither.core.permissions import require
from thegither.grants import exports, ledger, services
from thegither.grants.forms import (
    AcceptForm,
    AwardWithdrawForm,
    PaymentCancelForm,
    PaymentForm,
    PotTransferForm,
    ReOfferForm,
)
from thegither.grants.models import (
    AWARD_STATUSES_ENDED,
    Award,
    AwardStatus,
    Payment,
    Pot,
    PotTransfer,
)
from thegither.grants.money import pence_to_pounds
from thegither.grants.permissions import (
    can_accept_award,
    can_cancel_payment,
    can_handle_money,
    can_lapse_award,
    can_move_money,
    can_record_payment,
    can_reoffer,
    can_see_award_money,
    can_see_money,
    can_withdraw_award,
)
from thegither.grants.views.common import round_or_404, say_refusal

AWARD_ROWS = ("application__round__fund__organisation", "application__contact", "pot__area")


def _award_or_404(pk: int) -> Award:
    return get_object_or_404(Award.objects.select_related(*AWARD_ROWS), pk=pk)


def _page(award: Award) -> dict:
    round = award.application.round
    return {"organisation": round.organisation, "round": round, "award": award}


def application_award(user, application) -> dict:
    """What the application page shows about its award's money (added to its context)."""
    award = (
        Award.objects.filter(
            application=application,
            is_final=True,
            status__in=(AwardStatus.AWARDED, AwardStatus.PARTIAL, *AWARD_STATUSES_ENDED),
        )
        .select_related(*AWARD_ROWS)
        .first()
    )
    if award is None:
        return {"award": None}
    return {
        "award": award,
        "award_paid_pence": ledger.award_paid_pence(award),
        "can_accept_award": can_accept_award(user, award),
        "can_withdraw_award": can_withdraw_award(user, award),
        "can_see_award_money": can_see_award_money(user, award),
    }


# The group.


@login_required
def award_accept(request, pk):
    """The group's contact accepts its award: bank details are with staff; any condition agreed."""
    award = _award_or_404(pk)
    if award.is_accepted and award.has_money and award.application.contact_id == request.user.pk:
        messages.info(request, _("You have already accepted this award."))
        return redirect("grants:application-detail", pk=award.application_id)
    require(can_accept_award(request.user, award))
    form = AcceptForm(posted(request), award=award)
    if request.method == "POST" and form.is_valid():
        try:
            services.award_accept(
                award=award,
                bank_details_with_staff=form.cleaned_data["bank_details_with_staff"],
                agrees_to_condition=form.cleaned_data.get("agrees_to_condition", False),
                by=request.user,
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _("Thank you: you have accepted the award. Staff will pay it into your account."),
            )
            return redirect("grants:application-detail", pk=award.application_id)
    return render(
        request,
        "grants/award_accept.html",
        _page(award) | {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def award_withdraw(request, pk):
    """Ask, then give the award back with a reason: the money goes back to the pot."""
    award = _award_or_404(pk)
    if award.status == AwardStatus.WITHDRAWN and award.application.contact_id == request.user.pk:
        messages.info(request, _("You have already given this award back."))
        return redirect("grants:application-detail", pk=award.application_id)
    require(can_withdraw_award(request.user, award))
    form = AwardWithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.award_withdraw(
                award=award, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _(
                    "You have given the award back. The money goes back to the pot for other "
                    "groups."
                ),
            )
            return redirect("grants:application-detail", pk=award.application_id)
    return render(
        request,
        "grants/award_withdraw.html",
        _page(award) | {"form": form},
        status=400 if form.errors else 200,
    )


# Staff.


@login_required
def money(request, pk):
    """Staff see the round's money: each pot's balance, and each award accepted and paid."""
    round = round_or_404(pk)
    require(can_see_money(request.user, round))
    pots = ledger.round_money(round)
    return render(
        request,
        "grants/round_money.html",
        {
            "organisation": round.organisation,
            "round": round,
            "pots": pots,
            "can_handle": can_handle_money(request.user, round),
            "can_move": can_move_money(request.user, round),
            "can_reoffer": can_reoffer(request.user, pots[0].pot) if pots else None,
            "transfers": PotTransfer.objects.filter(from_pot__round=round).select_related(
                "from_pot__area", "to_pot__area"
            ),
            "tables": exports.TABLES,
        },
    )


@login_required
def award_payments(request, pk):
    """Staff see an award's payments, and record one (never more than the award)."""
    award = _award_or_404(pk)
    require(can_see_award_money(request.user, award))
    can_pay = can_record_payment(request.user, award)
    form = None
    if can_pay or request.method == "POST":
        require(can_pay)
        form = PaymentForm(
            posted(request),
            initial={"entry_key": uuid.uuid4(), "paid_on": ledger.today()},
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(
                award=award,
                entry_key=data["entry_key"],
                paid_on=data["paid_on"],
                amount_pence=data["amount"],
                reference=data["reference"],
                by=request.user,
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _("Recorded a payment of %(amount)s to %(group)s.")
                % {"amount": pence_to_pounds(payment.amount_pence), "group": award.application},
            )
            return redirect("grants:award-payments", pk=award.pk)
    payments = ledger.award_payments(award)
    paid = sum(p.amount_pence for p in payments if not p.is_cancelled)
    return render(
        request,
        "grants/award_payments.html",
        _page(award)
        | {
            "payments": [(p, can_cancel_payment(request.user, p)) for p in payments],
            "paid_pence": paid,
            "to_pay_pence": ledger.award_to_pay_pence(award, paid),
            "form": form,
            "can_pay": can_pay,
            "can_lapse": can_lapse_award(request.user, award),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def payment_cancel(request, pk):
    """Ask why, then cancel a payment recorded by mistake. It stays, crossed out."""
    payment = get_object_or_404(
        Payment.objects.select_related(*(f"award__{row}" for row in AWARD_ROWS)), pk=pk
    )
    award = payment.award
    if payment.is_cancelled and can_see_award_money(request.user, award):
        messages.info(request, _("This payment has already been cancelled."))
        return redirect("grants:award-payments", pk=award.pk)
    require(can_cancel_payment(request.user, payment))
    form = PaymentCancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_cancel(
                payment=payment, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("The payment is cancelled. It no longer counts."))
            return redirect("grants:award-payments", pk=award.pk)
    return render(
        request,
        "grants/payment_cancel.html",
        _page(award) | {"payment": payment, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def award_lapse(request, pk):
    """Staff mark an award nobody accepted in time as lapsed: its money goes back to the pot."""
    award = _award_or_404(pk)
    if award.status != AwardStatus.LAPSED:
        require(can_lapse_award(request.user, award))
    try:
        services.award_lapse(award=award, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            _("%(group)s's award has lapsed. Its money is back in the pot.")
            % {"group": award.application},
        )
    return redirect("grants:award-payments", pk=award.pk)


@login_required
def pot_transfer(request, pk):
    """Staff move money left in one area's pot to another area's pot, with a reason."""
    round = round_or_404(pk)
    require(can_move_money(request.user, round))
    pots = list(Pot.objects.filter(round=round).select_related("area").order_by("area__name"))
    initial = {"entry_key": uuid.uuid4()}
    if len(pots) > 1:
        initial |= {"from_pot": pots[0].pk, "to_pot": pots[1].pk}
    form = PotTransferForm(posted(request), pots=pots, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_pk = {pot.pk: pot for pot in pots}
        try:
            transfer = services.pot_transfer(
                from_pot=by_pk[data["from_pot"]],
                to_pot=by_pk[data["to_pot"]],
                entry_key=data["entry_key"],
                amount_pence=data["amount"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _("Moved %(amount)s from %(from)s to %(to)s.")
                % {
                    "amount": pence_to_pounds(transfer.amount_pence),
                    "from": transfer.from_pot.area.name,
                    "to": transfer.to_pot.area.name,
                },
            )
            return redirect("grants:money", pk=round.pk)
    return render(
        request,
        "grants/pot_transfer.html",
        {
            "organisation": round.organisation,
            "round": round,
            "form": form,
            "pots": ledger.round_money(round),
        },
        status=400 if form.errors else 200,
    )


# The panel: offering money that came back.


@login_required
def reoffer(request, pk):
    """Show what the engine would fund from the pot's waiting list with what is left; confirm it."""
    pot = get_object_or_404(Pot.objects.select_related("area", "round__fund__organisation"), pk=pk)
    require(can_reoffer(request.user, pot))
    proposal = ledger.reoffer_proposal(pot)
    if proposal is None:  # pragma: no cover - can_reoffer needs the final decision
        raise Http404
    waiting = [row.award for row in proposal.rows]
    if request.method == "POST":
        form = ReOfferForm(request.POST, waiting=waiting)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        else:
            try:
                reoffer = services.reoffer_confirm(
                    pot=pot, funded=form.cleaned_data["funded"], by=request.user
                )
            except ValidationError as error:
                say_refusal(request, error)
            else:
                messages.success(
                    request,
                    _(
                        "Offered %(amount)s again. The groups are told by email and must "
                        "accept by the date shown."
                    )
                    % {"amount": pence_to_pounds(reoffer.given_pence)},
                )
        return redirect("grants:reoffer", pk=pot.pk)
    round = pot.round
    return render(
        request,
        "grants/reoffer.html",
        {
            "organisation": round.organisation,
            "round": round,
            "pot": pot,
            "proposal": proposal,
            "form": ReOfferForm(initial={"funded": proposal.funded}, waiting=waiting),
            "reoffered": Award.objects.filter(reoffer__pot=pot)
            .select_related("application", "reoffer")
            .order_by("reoffer__made_at", "position"),
            "can_see_money": can_see_money(request.user, round),
        },
    )


# Finance exports.

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(body: bytes, extension: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=EXPORT_TYPES[extension])
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_GET
@login_required
@never_cache
def finance_csv(request, pk, table):
    """One of the round's money tables as CSV: awards, payments or balances per pot."""
    round = round_or_404(pk)
    require(can_see_money(request.user, round))
    if table not in exports.TABLES:
        raise Http404
    return _download(exports.as_csv(round, table), "csv", exports.file_name(round, table, "csv"))


@require_GET
@login_required
@never_cache
def finance_xlsx(request, pk):
    """The round's money tables as one XLSX workbook, a sheet each."""
    round = round_or_404(pk)
    require(can_see_money(request.user, round))
    return _download(exports.as_xlsx(round), "xlsx", exports.file_name(round, "money", "xlsx"))
