"""Change a password, reset it by email, or with a code from a youth worker."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from thegither.accounts.forms import (
    PlainPasswordChangeForm,
    PlainPasswordResetForm,
    PlainSetPasswordForm,
    ResetCodeForm,
)
from thegither.accounts.services import (
    password_set,
    reset_code_use,
)
from thegither.core.clients import client_address
from thegither.core.ratelimit import RateLimit, hit_each, too_many_tries

# A few emails an hour to one address, and not many more from one device or network.
RESET_EMAILS_PER_ADDRESS = RateLimit("password-reset-email-address", limit=3, seconds=60 * 60)
RESET_EMAILS_PER_CLIENT = RateLimit("password-reset-email-client", limit=10, seconds=60 * 60)
# The code itself stops working after 5 wrong tries; these stop guessing across people.
RESET_CODES_PER_CLIENT = RateLimit("reset-code-client", limit=20, seconds=15 * 60)
RESET_CODES_PER_USERNAME = RateLimit("reset-code-username", limit=10, seconds=60 * 60)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PlainSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        password_set(user=self.user, password=form.cleaned_data["new_password1"], how="reset")
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PlainPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form):
        user = password_set(
            user=self.request.user, password=form.cleaned_data["new_password1"], how="change"
        )
        # Stay logged in here; other devices are logged out by the new password.
        update_session_auth_hash(self.request, user)
        return redirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PlainPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        verdict = hit_each(
            (RESET_EMAILS_PER_ADDRESS, form.cleaned_data["email"].strip().lower()),
            (RESET_EMAILS_PER_CLIENT, client_address(self.request)),
        )
        if not verdict:
            return too_many_tries(self.request, verdict, back_url=self.request.path)
        return super().form_valid(form)


password_reset_view = PasswordResetView.as_view()
password_reset_done_view = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm_view = PasswordResetConfirmView.as_view()
password_reset_complete_view = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change_view = PasswordChangeView.as_view()
password_change_done_view = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)


@never_cache
def reset_code(request):
    """Let someone choose a new password with a code from their youth worker."""
    form = ResetCodeForm(request.POST or None)
    if request.method == "POST":
        verdict = hit_each((RESET_CODES_PER_CLIENT, client_address(request)))
        if verdict and form.is_valid():
            verdict = hit_each(
                (RESET_CODES_PER_USERNAME, form.cleaned_data["username"].strip().lower())
            )
        if not verdict:
            return too_many_tries(request, verdict, back_url=request.path)
    if form.is_bound and form.is_valid():
        try:
            reset_code_use(
                username=form.cleaned_data["username"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["new_password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your new password is ready. Log in with it now."))
            return redirect("accounts:login")
    return render(request, "accounts/reset_code.html", {"form": form})
