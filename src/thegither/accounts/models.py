from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from thegither.core.colours import validate_accent_colour


class AgeBand(models.TextChoices):
    """An age band, never a date of birth: it is all the platform needs."""

    UNDER_13 = "under-13", _("Under 13")
    FROM_13_TO_15 = "13-15", _("13 to 15")
    FROM_16_TO_17 = "16-17", _("16 to 17")
    FROM_18_TO_25 = "18-25", _("18 to 25")
    OVER_25 = "over-25", _("Over 25")


UNDER_18_BANDS = frozenset({AgeBand.UNDER_13, AgeBand.FROM_13_TO_15, AgeBand.FROM_16_TO_17})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **fields):
        if not username:
            raise ValueError("A username is needed.")
        fields["email"] = self.normalize_email(fields.get("email", ""))
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("age_band", AgeBand.OVER_25)
        return self.create_user(username, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: by email, or by username if they have no email."""

    username = models.CharField(
        _("username"),
        max_length=40,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, numbers and @ . + - _ only."),
    )
    email = models.EmailField(_("email address"), blank=True)
    display_name = models.CharField(_("name people see"), max_length=60)
    age_band = models.CharField(_("age group"), max_length=8, choices=AgeBand.choices)
    guardian_authorised_at = models.DateTimeField(
        _("parent or carer said yes on"), null=True, blank=True
    )
    guardian_authorised_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    is_staff = models.BooleanField(_("can use the admin site"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Bumped by "Log out everywhere": it is part of the session hash, so every
    # session made before the bump stops working on its next request.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email", "display_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_unique_any_case",
                violation_error_message=_("Someone already has this username. Try another one."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique_when_given",
                violation_error_message=_("Someone already uses this email address."),
            ),
            models.CheckConstraint(
                condition=models.Q(age_band__in=AgeBand.values),
                name="accounts_user_age_band_known",
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name or self.username

    def _get_session_auth_hash(self, secret=None):
        # Django's session hash is an HMAC of the password hash; ours also mixes in
        # the session generation. Generation 0 gives Django's own hash, so sessions
        # made before this field existed keep working.
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password
        if self.session_generation:
            value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_child(self) -> bool:
        """Return True for anyone under 18 (never asked to use two-step log-in)."""
        return self.age_band in UNDER_18_BANDS

    @property
    def needs_guardian_authorisation(self) -> bool:
        """Return True for an under-13 whose parent or carer has not said yes yet."""
        return self.age_band == AgeBand.UNDER_13 and self.guardian_authorised_at is None


class Organisation(models.Model):
    """A charity, network or group that runs things on Thegither."""

    class Kind(models.TextChoices):
        CHARITY = "charity", _("Charity")
        NETWORK = "network", _("Network")
        GROUP = "group", _("Community group")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name for links"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CHARITY)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#1d5c63",
        validators=[validate_accent_colour],
        help_text=_("A colour like #1d5c63. It must be dark enough to read white text on."),
    )
    two_step_required = models.BooleanField(
        _("staff must use two-step log-in"),
        default=False,
        help_text=_("Staff and admins must type a code from an app on their phone to log in."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def theme_css_url(self) -> str:
        """Return the address of the organisation's colours as CSS.

        The colour is in the address, so a new colour shows at once even though
        browsers keep the CSS for a few minutes.
        """
        url = reverse("accounts:theme-css", args=[self.slug])
        return f"{url}?v={(self.accent_colour or '').lstrip('#').lower()}"

    @property
    def logo_url(self) -> str:
        """Return the web address of the logo, or "" if there is none.

        Logos are served by a view (never from the media folder), with a fixed
        image type and a strict policy; the file name in the address changes
        with every new logo, so browsers can keep it for a long time.
        """
        if not self.logo:
            return ""
        return reverse(
            "accounts:organisation-logo", args=[self.slug, self.logo.name.rsplit("/", 1)[-1]]
        )


class Area(models.Model):
    """A part of the map an organisation works in, such as North West."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="accounts_area_name_unique_in_organisation"
            )
        ]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ORGANISATION_ADMIN = "org-admin", _("Organisation admin")
    STAFF = "staff", _("Staff or facilitator")
    PANEL_MEMBER = "panel-member", _("Young panel member")
    APPLICANT_CONTACT = "applicant-contact", _("Applicant group contact")


STAFF_ROLES = frozenset({Role.ORGANISATION_ADMIN, Role.STAFF})


class Membership(models.Model):
    """A person's one role in one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_membership_one_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_membership_role_known",
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


class Invitation(models.Model):
    """A link, plus a one-time code said out loud, that lets someone join.

    A youth worker can add a young person without the young person giving an
    email address. Only hashes of the link token and the code are stored.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=128)
    note = models.CharField(
        _("note for you"),
        max_length=60,
        blank=True,
        help_text=_("Only staff see this, e.g. 'Tuesday group'. Don't write a child's full name."),
    )
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Cancelled rather than deleted, so someone who opens the link is told why it stopped.
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="accounts_invitation_role_known",
            ),
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.organisation}"


class ResetCode(models.Model):
    """A one-time code a youth worker gives someone so they can choose a new password.

    Young people often have no email address, so the usual emailed reset link
    cannot reach them. Only a hash of the code is stored.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=128)
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="reset_codes_issued"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("new-password code")
        verbose_name_plural = _("new-password codes")

    def __str__(self) -> str:
        return f"{self.user} – {self.created_at:%Y-%m-%d %H:%M}"


class LoginLock(models.Model):
    """Wrong log-ins counted for one person, one typed name that is nobody's, or one client.

    `key` is "account:<id>" for a person, or a keyed hash of the typed name or the
    client's address: no typed text and no address is ever stored. Rows are
    deleted once nothing has gone wrong for a day (decision 0015).
    """

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("Person")
        NAME = "name", _("Typed name that is nobody's")
        CLIENT = "client", _("Device or network")

    scope = models.CharField(max_length=8, choices=Scope.choices)
    key = models.CharField(max_length=80, unique=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="login_locks"
    )
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    last_failure_at = models.DateTimeField(db_index=True)
    locks = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["account", "name", "client"]),
                name="accounts_loginlock_scope_known",
            ),
            models.CheckConstraint(
                condition=models.Q(scope="account", user__isnull=False)
                | (~models.Q(scope="account") & models.Q(user__isnull=True)),
                name="accounts_loginlock_user_only_for_accounts",
            ),
        ]
        verbose_name = _("log-in pause")
        verbose_name_plural = _("log-in pauses")

    def __str__(self) -> str:
        return f"{self.get_scope_display()} – {self.failures} – {self.locked_until}"
