"""The public face of a user: a freelancer's profile, a client's record, and the reputation
figures Garap publishes on both.

The figures are written only by the reputation calculation (``projects.reputation``), never by
the user; each stores the numbers it was computed from, so the API can show the arithmetic.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.masking import MaskedCopyField, refuse_contact_details
from accounts.models.regions import Province
from marketplace.formatting import local_datetime
from marketplace.text import validate_single_line


class Availability(models.TextChoices):
    AVAILABLE = "available", _("available now")
    LIMITED = "limited", _("limited availability")
    UNAVAILABLE = "unavailable", _("not taking new work")


class Language(models.TextChoices):
    """Languages a freelancer works in (ISO 639-1)."""

    INDONESIAN = "id", _("Bahasa Indonesia")
    ENGLISH = "en", _("English")
    JAVANESE = "jv", _("Javanese")
    SUNDANESE = "su", _("Sundanese")
    MALAY = "ms", _("Malay")
    CHINESE = "zh", _("Chinese")
    ARABIC = "ar", _("Arabic")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")


def _rate(**kwargs: Any) -> models.DecimalField:
    """A share between 0 and 1 with three decimals (0.875 = 87.5%); empty until measurable."""
    return models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True, **kwargs)


def directory_rank() -> models.Case:
    """The directory's "best rated" order: the Bayesian rating of a freelancer with at least
    one revealed review, else 0 (last). Without reviews of their own the calculation gives a
    freelancer the platform mean, which must not put them above freelancers whose reviews are
    in."""
    return models.Case(
        models.When(rating_count__gt=0, rating__isnull=False, then=models.F("rating")),
        default=models.Value(Decimal(0)),
        output_field=models.DecimalField(max_digits=4, decimal_places=3),
    )


# Who the directory lists: a headline written, not removed by a moderator (and an active
# account, which lives on the user row and is checked by a join: an index cannot hold it).
DIRECTORY_LISTED = models.Q(removed_at__isnull=True) & ~models.Q(headline="")


def figures_computed_at(
    stamped: datetime | None, created_at: datetime | None, last_pass: datetime | None
) -> datetime | None:
    """When a profile's figures were last computed: its own stamp (the per-user recalculation,
    or a nightly pass that changed them) or the last nightly pass, which computes every row
    that exists when it runs but writes only the rows whose figures moved. ``last_pass`` is
    annotated (``last_pass_at``) by the selectors of the pages that publish the time."""
    if last_pass is not None and created_at is not None and created_at <= last_pass:
        return last_pass if stamped is None else max(stamped, last_pass)
    return stamped


class FreelancerProfile(models.Model):
    """What a freelancer shows clients, how much work they take on, and their reputation."""

    MAX_SKILLS = 15

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="freelancer_profile",
        verbose_name=_("user"),
    )
    headline = models.CharField(
        _("headline"), max_length=120, blank=True, validators=[validate_single_line]
    )
    bio = models.TextField(_("about"), max_length=3000, blank=True)
    # What everyone but the freelancer and moderators reads (accounts.masking).
    headline_masked = MaskedCopyField(
        of="headline", author="user_id", verbose_name=_("headline masked")
    )
    bio_masked = MaskedCopyField(of="bio", author="user_id", verbose_name=_("bio masked"))
    skills = models.ManyToManyField(
        "accounts.Skill", blank=True, related_name="freelancers", verbose_name=_("skills")
    )
    # Whole rupiah: "gigs from Rp 50.000".
    starting_price = models.PositiveBigIntegerField(
        _("starting price (IDR)"), null=True, blank=True
    )
    city = models.CharField(
        _("city"),
        max_length=80,
        blank=True,
        validators=[validate_single_line, refuse_contact_details],
    )
    province = models.CharField(_("province"), max_length=40, choices=Province.choices, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    availability = models.CharField(
        _("availability"),
        max_length=12,
        choices=Availability,
        default=Availability.AVAILABLE,
    )
    # A freelancer with this many active contracts cannot bid or be hired until one ends.
    max_active_contracts = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        verbose_name=_("max active contracts"),
    )

    # Reputation, written by projects.reputation. Rating: a Bayesian average of revealed
    # reviews, pulled towards the platform mean (``rating_prior``) by ``REPUTATION_PRIOR_WEIGHT``
    # imaginary reviews, so one 5-star review does not outrank fifty 4.8s.
    rating = models.DecimalField(
        max_digits=4, decimal_places=3, null=True, blank=True, verbose_name=_("rating")
    )
    rating_count = models.PositiveIntegerField(default=0, verbose_name=_("rating count"))
    rating_points = models.PositiveIntegerField(
        default=0, verbose_name=_("rating points")
    )  # sum of all three scores of each review
    rating_prior = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, verbose_name=_("rating prior")
    )
    on_time_rate = _rate()
    on_time_count = models.PositiveIntegerField(default=0, verbose_name=_("on time count"))
    on_time_total = models.PositiveIntegerField(default=0, verbose_name=_("on time total"))
    completion_rate = _rate()
    completed_count = models.PositiveIntegerField(default=0, verbose_name=_("completed count"))
    completion_total = models.PositiveIntegerField(default=0, verbose_name=_("completion total"))
    repeat_client_rate = _rate()
    repeat_clients = models.PositiveIntegerField(default=0, verbose_name=_("repeat clients"))
    distinct_clients = models.PositiveIntegerField(default=0, verbose_name=_("distinct clients"))
    median_response_seconds = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("median response seconds")
    )
    response_samples = models.PositiveIntegerField(default=0, verbose_name=_("response samples"))
    # When these figures were last written: by the per-user recalculation (every run), or by a
    # nightly pass that found them moved. A pass that finds them unchanged writes nothing
    # (ReputationPass records it): the published time is ``figures_computed_at``.
    reputation_updated_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("reputation updated at")
    )
    # The directory's sort key (``directory_rank``), kept by the database from the two columns
    # above, so the "best rated" order is read from an index instead of sorting every listed
    # freelancer on each request.
    rank = models.GeneratedField(
        expression=directory_rank(),
        output_field=models.DecimalField(max_digits=4, decimal_places=3),
        db_persist=True,
        verbose_name=_("rank"),
    )

    # Set when a moderator removed the profile after a report: out of the directory and its
    # page shown to no one but its owner and moderators; never deleted.
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))
    # Indexed for the directory's "newest" sort by freelancer_dir_newest (listed profiles only).
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("freelancer profile")
        verbose_name_plural = _("freelancer profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_active_contracts__gte=1, max_active_contracts__lte=10),
                name="freelancer_capacity_1_to_10",
            )
        ]
        # One per directory sort (accounts.selectors.FREELANCER_SORTS), over listed profiles
        # only: the first page is read from the top of the index, at any directory size.
        indexes = [
            models.Index(
                fields=["-rank", "-id"], condition=DIRECTORY_LISTED, name="freelancer_dir_rating"
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=DIRECTORY_LISTED,
                name="freelancer_dir_newest",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(user)s (freelancer)") % {"user": self.user}

    @property
    def figures_computed_at(self) -> datetime | None:
        return figures_computed_at(
            self.reputation_updated_at, self.created_at, getattr(self, "last_pass_at", None)
        )

    @property
    def is_listed(self) -> bool:
        """Only freelancers who wrote a headline appear in the directory."""
        return bool(self.headline)


class ClientProfile(models.Model):
    """A client's shop name and the public record of how they treat freelancers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="client_profile",
        verbose_name=_("user"),
    )
    shop_name = models.CharField(
        _("shop or business name"),
        max_length=80,
        blank=True,
        validators=[validate_single_line, refuse_contact_details],
    )

    # The public record, written by projects.reputation.
    gigs_posted = models.PositiveIntegerField(default=0, verbose_name=_("gigs posted"))
    gigs_closed = models.PositiveIntegerField(
        default=0, verbose_name=_("gigs closed")
    )  # bidding over: awarded, expired, …
    hires = models.PositiveIntegerField(default=0, verbose_name=_("hires"))
    hire_rate = _rate()
    avg_approval_seconds = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("avg approval seconds")
    )
    approvals = models.PositiveIntegerField(default=0, verbose_name=_("approvals"))
    contracts = models.PositiveIntegerField(default=0, verbose_name=_("contracts"))
    disputed_contracts = models.PositiveIntegerField(
        default=0, verbose_name=_("disputed contracts")
    )
    dispute_rate = _rate()
    revisions_requested = models.PositiveIntegerField(
        default=0, verbose_name=_("revisions requested")
    )
    milestones_delivered = models.PositiveIntegerField(
        default=0, verbose_name=_("milestones delivered")
    )
    revisions_per_milestone = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        verbose_name=_("revisions per milestone"),
    )
    rating_count = models.PositiveIntegerField(default=0, verbose_name=_("rating count"))
    rating_points = models.PositiveIntegerField(default=0, verbose_name=_("rating points"))
    rating_average = models.DecimalField(
        max_digits=4, decimal_places=3, null=True, blank=True, verbose_name=_("rating average")
    )
    # As FreelancerProfile.reputation_updated_at: when the record was last written; the
    # published time is ``figures_computed_at``.
    record_updated_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("record updated at")
    )

    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("client profile")
        verbose_name_plural = _("client profiles")

    def __str__(self) -> str:
        return gettext("%(user)s (client)") % {"user": self.user}

    @property
    def shop_name_shown(self) -> str:
        """The shop name as written beside the client's name: empty when it only repeats that
        name (a client whose display name is their shop's), so it is not written twice."""
        name = " ".join(self.shop_name.split())
        if name.casefold() == " ".join(self.user.public_name.split()).casefold():
            return ""
        return name

    @property
    def figures_computed_at(self) -> datetime | None:
        return figures_computed_at(
            self.record_updated_at, self.created_at, getattr(self, "last_pass_at", None)
        )


class ReputationChange(models.Model):
    """One published figure moved, and the event that moved it — so a freelancer can see why.

    Append-only: written by the reputation calculation, never edited.
    """

    class Cause(models.TextChoices):
        REVIEW_REVEALED = "review_revealed", _("a review was revealed")
        CONTRACT_CLOSED = "contract_closed", _("a contract ended")
        REVIEW_REMOVED = "review_removed", _("a moderator removed a review")
        REVIEWS_HELD = "reviews_held", _("reviews held for a moderator's check")
        REVIEWS_CLEARED = "reviews_cleared", _("a moderator cleared held reviews")
        NIGHTLY = "nightly", _("the nightly recalculation (deadlines passed, platform mean moved)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reputation_changes",
        verbose_name=_("user"),
    )
    figure = models.CharField(max_length=40, verbose_name=_("figure"))
    old_value = models.CharField(max_length=40, blank=True, verbose_name=_("old value"))
    new_value = models.CharField(max_length=40, blank=True, verbose_name=_("new value"))
    cause = models.CharField(max_length=20, choices=Cause.choices, verbose_name=_("cause"))
    # What caused it, as "contract:12" or "review:40"; empty for the nightly pass.
    reference = models.CharField(max_length=40, blank=True, verbose_name=_("reference"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("reputation change")
        verbose_name_plural = _("reputation changes")
        indexes = [models.Index(fields=["user", "-created_at"], name="reputation_change_by_user")]

    def __str__(self) -> str:
        return f"{self.user}: {self.figure} {self.old_value} → {self.new_value}"


class ReputationPass(models.Model):
    """One nightly recalculation (``projects.reputation.nightly``), written in its transaction.

    The pass computes every profile but writes only those whose figures moved, so this row is
    what says that the others were computed too (``figures_computed_at``). Append-only.
    """

    # The time the figures were computed for (the pass's ``now``).
    computed_at = models.DateTimeField(db_index=True, verbose_name=_("computed at"))
    changes = models.PositiveIntegerField(verbose_name=_("changes"))  # change-log rows written
    freelancers_written = models.PositiveIntegerField(verbose_name=_("freelancers written"))
    clients_written = models.PositiveIntegerField(verbose_name=_("clients written"))

    def __str__(self) -> str:
        return gettext("Reputation pass of %(when)s") % {"when": local_datetime(self.computed_at)}
