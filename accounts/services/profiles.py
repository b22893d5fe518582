"""The public profile a freelancer edits, a client's shop name, and e-mail verification."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import contact_hit, ensure_no_contact_details, mask_texts
from accounts.models import ClientProfile, FreelancerProfile, Skill, User
from accounts.services.account_emails import (
    EMAIL_VERIFICATION,
    EMAIL_VERIFICATION_MAX_AGE,
    EMAIL_VERIFICATION_SALT,
    account_email_request,
)
from marketplace.errors import DomainError
from marketplace.transactions import atomic_with_retry


def profiles_ensure(*, user_id: int) -> tuple[FreelancerProfile, ClientProfile]:
    """Both profile rows for this user, created empty if missing (users made before sign-up
    created them, or by the admin)."""
    freelancer, _created = FreelancerProfile.objects.get_or_create(user_id=user_id)
    client, _created = ClientProfile.objects.get_or_create(user_id=user_id)
    return freelancer, client


@atomic_with_retry
def freelancer_profile_update(
    *,
    user: User,
    headline: str,
    bio: str = "",
    skill_ids: list[int] | None = None,
    starting_price: int | None = None,
    city: str = "",
    province: str = "",
    languages: list[str] | None = None,
    availability: str = "available",
    max_active_contracts: int = 3,
) -> FreelancerProfile:
    """Replace the editable part of the freelancer's profile (a PUT: omitted means cleared).

    The reputation figures are not editable here; only the calculation writes them. Contact
    details in the headline and bio are masked for everyone else (the freelancer is told, and
    it counts as a contact-filter hit); a city holding them is refused (400).
    """
    ensure_no_contact_details(city=city)
    skill_ids = list(dict.fromkeys(skill_ids or []))
    if len(skill_ids) > FreelancerProfile.MAX_SKILLS:
        raise DomainError(
            _("Choose at most %(n)d skills.") % {"n": FreelancerProfile.MAX_SKILLS},
            fields={"skills": [_("Too many skills.")]},
        )
    skills = list(Skill.objects.filter(pk__in=skill_ids))
    if len(skills) != len(skill_ids):
        missing = sorted(set(skill_ids) - {s.pk for s in skills})
        raise DomainError(
            _("Unknown skill ids: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
            fields={"skills": [_("Pick skills from GET /api/v1/skills/.")]},
        )
    if starting_price is not None and starting_price < settings.MILESTONE_MIN_AMOUNT:
        raise DomainError(
            _("A starting price is at least Rp %(min)s.")
            % {"min": f"{settings.MILESTONE_MIN_AMOUNT:,}".replace(",", ".")},
            fields={"starting_price": [_("Too low.")]},
        )
    profile = FreelancerProfile.objects.select_for_update(of=("self",), no_key=True).get_or_create(
        user=user
    )[0]
    profile.headline = headline.strip()
    profile.bio = bio.strip()
    profile.starting_price = starting_price
    profile.city = city.strip()
    profile.province = province
    profile.languages = list(dict.fromkeys(languages or []))
    profile.availability = availability
    profile.max_active_contracts = max_active_contracts
    kinds = mask_texts(profile)
    profile.save()
    profile.skills.set(skills)
    contact_hit(
        author=user,
        source="profile",
        source_id=user.pk,
        kinds=kinds,
        link=reverse("api:me-freelancer-profile"),
    )
    return profile


def client_profile_update(*, user: User, shop_name: str) -> ClientProfile:
    """Set the shop name; one holding contact details is refused (400), as a display name is."""
    ensure_no_contact_details(shop_name=shop_name)
    profile = ClientProfile.objects.get_or_create(user=user)[0]
    profile.shop_name = shop_name.strip()
    profile.save(update_fields=["shop_name", "updated_at"])
    return profile


def email_verification_send(*, user: User) -> int:
    """E-mail the user a link proving they own their address (through the worker; see
    ``account_emails``). Returns 0 when sent or nothing is needed (already verified), else the
    seconds until the per-address limit allows another link."""
    if user.email_verified_at is not None:
        return 0
    return account_email_request(user=user, kind=EMAIL_VERIFICATION)


def email_verify(*, token: str) -> User:
    """Mark the address in a verification link as verified (again: a no-op).

    A link for an address the user has since changed verifies nothing.
    """
    invalid = DomainError(
        _("This confirmation link is invalid or has expired. Ask for a new one."),
        code="invalid_token",
        fields={"token": [_("Invalid or expired.")]},
    )
    try:
        data = signing.loads(
            token, salt=EMAIL_VERIFICATION_SALT, max_age=EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.BadSignature:
        raise invalid from None
    user = User.objects.filter(pk=data.get("user")).first()
    if user is None or user.email.lower() != data.get("email"):
        raise invalid
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user
