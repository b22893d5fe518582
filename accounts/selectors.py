"""Reads for accounts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from accounts.models import (
    AuthToken,
    Category,
    ClientProfile,
    FreelancerProfile,
    Notification,
    PortfolioImage,
    PortfolioItem,
    ReputationChange,
    ReputationPass,
    SignIn,
    Skill,
    Suspension,
    User,
)
from accounts.models.profiles import DIRECTORY_LISTED
from accounts.photos import NAME_PATTERN
from marketplace.errors import Conflict, NotFound
from marketplace.images import refusal_message

if TYPE_CHECKING:
    from accounts.requests import Viewer


def username_taken(*, username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def email_taken(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def token_get_by_digest(*, digest: str) -> AuthToken | None:
    return AuthToken.objects.select_related("user").filter(digest=digest).first()


def token_is_expired(*, token: AuthToken) -> bool:
    return token.expires_at <= timezone.now()


def token_is_current(*, token: AuthToken) -> bool:
    """False once the user's password changed or they logged out everywhere since the token was
    issued (it is bound to the same hash as their sessions, rotated secret keys included)."""
    user = token.user
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(constant_time_compare(token.auth_hash, value) for value in hashes)


DEFAULT_MAX_ACTIVE_CONTRACTS = 3


def user_is_suspended(*, user_id: int) -> bool:
    """True while the user has a suspension that started, has not ended and was not lifted."""
    return Suspension.objects.in_force(timezone.now()).filter(user_id=user_id).exists()


def freelancer_capacity(*, user_id: int) -> int:
    """How many active contracts the freelancer takes on at once (3 until they set it)."""
    capacity = (
        FreelancerProfile.objects.filter(user_id=user_id)
        .values_list("max_active_contracts", flat=True)
        .first()
    )
    return capacity or DEFAULT_MAX_ACTIVE_CONTRACTS


@dataclass(frozen=True)
class FreelancerSetup:
    capacity: int  # active contracts taken on at once (``freelancer_capacity``)
    offers_work: bool  # wrote a headline: presents themselves to clients as a freelancer


def freelancer_setup(*, user_id: int) -> FreelancerSetup:
    """The freelancer's capacity and whether they offer their work, in one query (the
    dashboard's, which shows freelancer figures only to someone working as one)."""
    row = (
        FreelancerProfile.objects.filter(user_id=user_id)
        .values_list("max_active_contracts", "headline")
        .first()
    )
    if row is None:
        return FreelancerSetup(capacity=DEFAULT_MAX_ACTIVE_CONTRACTS, offers_work=False)
    capacity, headline = row
    return FreelancerSetup(
        capacity=capacity or DEFAULT_MAX_ACTIVE_CONTRACTS, offers_work=bool(headline.strip())
    )


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get(*, user: User, notification_id: int) -> Notification:
    """The user's own notice; anyone else's is NotFound."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is None:
        raise NotFound(_("Notification not found."))
    return notification


# --- public profiles ------------------------------------------------------------------------

# How the freelancer directory may be sorted; the cursor paginator orders by these. Each has a
# partial index over the listed profiles (FreelancerProfile.Meta.indexes), so a page is read
# from the index in order, never sorted. ``rank`` is the Bayesian rating with "no rating yet"
# last (see freelancer_directory).
FREELANCER_SORTS: dict[str, tuple[str, ...]] = {
    "rating": ("-rank", "-id"),
    "newest": ("-created_at", "-id"),
}


def freelancer_directory(
    *,
    skills: list[int] | None = None,
    category: str | None = None,
    min_rating: Decimal | None = None,
    price_max: int | None = None,
    price_min: int | None = None,
    city: str | None = None,
    province: str | None = None,
    availability: str | None = None,
) -> QuerySet[FreelancerProfile]:
    """Listed freelancers (a headline written, an active account) matching the filters; user
    and skills in two queries whatever the page size.

    ``rank`` is the Bayesian rating of a freelancer with at least one revealed review, else 0:
    with no review of their own the calculation gives them the platform mean, which must not
    put them above freelancers whose reviews are in. Ratings are at least 1, so 0 is last. It is
    a column the database computes from the rating (``directory_rank``), so each sort is read
    from its partial index; the active account is a join, checked row by row as the index is
    walked, which costs little while deactivated accounts are few.
    """
    # The filter is the indexes' condition, word for word, so PostgreSQL can use them.
    profiles = FreelancerProfile.objects.filter(DIRECTORY_LISTED, user__is_active=True)
    through = FreelancerProfile.skills.through
    if skills:
        profiles = profiles.filter(
            Exists(through.objects.filter(freelancerprofile_id=OuterRef("pk"), skill_id__in=skills))
        )
    if category:
        profiles = profiles.filter(
            Exists(
                through.objects.filter(
                    freelancerprofile_id=OuterRef("pk"), skill__category__slug=category
                )
            )
        )
    if min_rating is not None:
        # Only a rating earned by reviews counts; the prior alone is not "4 stars and up".
        profiles = profiles.filter(rating__gte=min_rating, rating_count__gt=0)
    if price_min is not None:
        profiles = profiles.filter(starting_price__gte=price_min)
    if price_max is not None:
        profiles = profiles.filter(starting_price__lte=price_max)
    if city:
        profiles = profiles.filter(city__iexact=city.strip())
    if province:
        profiles = profiles.filter(province=province)
    if availability:
        profiles = profiles.filter(availability=availability)
    return profiles.select_related("user").prefetch_related("skills")


def _images(viewer: Viewer = None) -> Prefetch:
    """An item's images in order: the ready ones, and for their owner also those processing or
    failed (nobody else sees an image before a worker cleaned it)."""
    shown = Q(status=PortfolioImage.Status.READY)
    if viewer is not None and viewer.is_authenticated:
        shown |= Q(item__owner=viewer)
    return Prefetch(
        "images", queryset=PortfolioImage.objects.filter(shown).order_by("position", "id")
    )


def _portfolio_items() -> Prefetch:
    return Prefetch(
        "user__portfolio_items",
        queryset=PortfolioItem.objects.filter(removed_at__isnull=True)
        .select_related("category")
        .prefetch_related("skills", _images()),
    )


def _last_pass() -> Subquery:
    """When the last nightly reputation pass computed everyone's figures (or None), read in the
    profile's own query: ``figures_computed_at`` needs it."""
    return Subquery(ReputationPass.objects.order_by("-computed_at").values("computed_at")[:1])


def freelancer_get(*, username: str) -> FreelancerProfile:
    """A listed freelancer's profile with portfolio; NotFound for anyone else."""
    profile = (
        FreelancerProfile.objects.exclude(headline="")
        .annotate(last_pass_at=_last_pass())
        .select_related("user")
        .prefetch_related("skills", _portfolio_items())
        .filter(user__username__iexact=username, user__is_active=True, removed_at__isnull=True)
        .first()
    )
    if profile is None:
        raise NotFound(_("Freelancer not found."))
    return profile


def user_get_active(*, username: str) -> User:
    """An active user by username, any case; NotFound otherwise."""
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise NotFound(_("User not found."))
    return user


def client_record_get(*, username: str) -> ClientProfile:
    """A client's public record; a user with no profile row yet gets an empty one."""
    user = user_get_active(username=username)
    profile = ClientProfile.objects.filter(user=user).annotate(last_pass_at=_last_pass()).first()
    return profile or ClientProfile(user=user)


def freelancer_profile_own(*, user: User) -> FreelancerProfile:
    """The user's own freelancer profile, an unsaved empty one if they never wrote it."""
    profile = (
        FreelancerProfile.objects.select_related("user")
        .prefetch_related("skills")
        .annotate(last_pass_at=_last_pass())
        .filter(user=user)
        .first()
    )
    return profile or FreelancerProfile(user=user)


def portfolio_list(
    *, owner_username: str | None = None, owner: User | None = None
) -> QuerySet[PortfolioItem]:
    """One freelancer's items in their order, images and skills prefetched (3 queries)."""
    items = PortfolioItem.objects.select_related("category", "owner")
    if owner is not None:
        return items.prefetch_related("skills", _images(owner)).filter(owner=owner)
    return items.prefetch_related("skills", _images()).filter(
        owner__username__iexact=owner_username, owner__is_active=True, removed_at__isnull=True
    )


def freelancer_is_listed(*, user: User) -> bool:
    """Whether ``user`` wrote a freelancer headline (so has a public profile to show a
    portfolio on); a moderator's removal does not take their own pieces from them."""
    return FreelancerProfile.objects.filter(user=user).exclude(headline="").exists()


def portfolio_item_own(*, item_id: int, owner: User) -> PortfolioItem:
    """One of ``owner``'s items with every image (processing and failed ones too) and its
    skills; NotFound for anyone else's, as the services' ``_own_item``."""
    item = (
        PortfolioItem.objects.select_related("category")
        .prefetch_related("skills", _images(owner))
        .filter(pk=item_id, owner=owner)
        .first()
    )
    if item is None:
        raise NotFound(_("Portfolio item not found."))
    return item


def _shown_to(viewer: Viewer) -> Q:
    """An item a moderator removed is shown to its owner only."""
    shown = Q(removed_at__isnull=True)
    if viewer is not None and viewer.is_authenticated:
        shown |= Q(owner=viewer)
    return shown


def portfolio_item_get(*, item_id: int, viewer: Viewer = None) -> PortfolioItem:
    item = (
        PortfolioItem.objects.select_related("category", "owner")
        .prefetch_related("skills", _images(viewer))
        .filter(_shown_to(viewer), pk=item_id, owner__is_active=True)
        .first()
    )
    if item is None:
        raise NotFound(_("Portfolio item not found."))
    return item


def portfolio_image_get(*, item_id: int, image_id: int, viewer: Viewer = None) -> PortfolioImage:
    # Primary-key lookups only: Django answers an id beyond the column's range with "no row",
    # where a foreign-key lookup (item_id=) would hand it to the database and fail.
    item = PortfolioItem.objects.filter(
        _shown_to(viewer), pk=item_id, owner__is_active=True
    ).first()
    image = PortfolioImage.objects.filter(pk=image_id, item=item).first() if item else None
    if item is None or image is None:
        raise NotFound(_("Image not found."))
    if image.status != PortfolioImage.Status.READY:
        if not (viewer is not None and viewer.is_authenticated and item.owner_id == viewer.pk):
            raise NotFound(_("Image not found."))
        if image.status == PortfolioImage.Status.PROCESSING:
            raise Conflict(
                _("The image is still being processed. Try again in a moment."),
                code="image_processing",
            )
        raise Conflict(refusal_message(image.error_code), code="image_failed")
    return image


def reputation_change_list(*, user: User) -> QuerySet[ReputationChange]:
    return ReputationChange.objects.filter(user=user)


# --- sign-in places (trust and safety) --------------------------------------------------------


def sign_in_shared(*, user_id: int, other_id: int) -> set[str]:
    """What two accounts have in common among their sign-up and login places: ``"address"``
    (a network address) and/or ``"device"`` (a browser), compared by their keyed hashes."""
    mine = SignIn.objects.filter(user_id=user_id)
    theirs = SignIn.objects.filter(user_id=other_id)
    shared = set()
    for what, column in (("address", "address_hash"), ("device", "device_hash")):
        ours = mine.exclude(**{column: ""}).values(column)
        if theirs.filter(**{f"{column}__in": ours}).exists():
            shared.add(what)
    return shared


def sign_in_neighbours(*, user_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """Other accounts that signed up or logged in from one of this account's addresses or
    browsers: ``{"user": User, "address": bool, "device": bool}``, most recent first."""
    mine = SignIn.objects.filter(user_id=user_id)
    addresses = set(mine.exclude(address_hash="").values_list("address_hash", flat=True))
    devices = set(mine.exclude(device_hash="").values_list("device_hash", flat=True))
    if not addresses and not devices:
        return []
    rows = (
        SignIn.objects.filter(Q(address_hash__in=addresses) | Q(device_hash__in=devices))
        .exclude(user_id=user_id)
        .order_by("-last_seen_at")
        .values_list("user_id", "address_hash", "device_hash")
    )
    found: dict[int, dict[str, bool]] = {}
    for other, address, device in rows:
        seen = found.setdefault(other, {"address": False, "device": False})
        seen["address"] |= address in addresses
        seen["device"] |= device in devices
    users = User.objects.in_bulk(list(found)[:limit])
    return [{"user": users[pk], **found[pk]} for pk in list(found)[:limit] if pk in users]


# --- the taxonomy ----------------------------------------------------------------------------


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def skill_list(*, category_id: int | None = None) -> QuerySet[Skill]:
    skills = Skill.objects.all()
    if category_id is not None:
        skills = skills.filter(category_id=category_id)
    return skills


def photo_get(*, name: str) -> User:
    """The active user whose profile photo is stored as ``photos/<name>``; NotFound for a
    photo replaced or removed since, or an account closed (its photo goes with it)."""
    user = None
    if re.fullmatch(NAME_PATTERN, name):
        user = (
            User.objects.filter(photo=f"photos/{name}", is_active=True).only("pk", "photo").first()
        )
    if user is None:
        raise NotFound(_("Photo not found."))
    return user
