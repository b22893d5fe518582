"""A freelancer writes a service: its text, category and skills, its packages, extras and the
questions a client answers when ordering. The terms are checked before anything is written,
so a refused write leaves nothing behind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.masking import mask_texts
from accounts.models import Category, User
from marketplace.errors import Conflict, DomainError
from marketplace.formatting import rupiah
from marketplace.state import ensure_transition
from marketplace.transactions import atomic_with_retry
from projects import content_filter
from projects.models import Service, ServiceExtra, ServicePackage, ServiceRequirement
from projects.services.catalogue.guards import (
    ensure_service_shown,
    lock_own_service,
    publish_or_queue,
    record_contact_hit,
)
from projects.services.gigs.guards import ensure_not_suspended
from projects.services.gigs.posting import _resolve_category, _resolve_skills

EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "skills",
    "packages",
    "extras",
    "requirements",
)
# A service is edited in every state but archived; a rejected one becomes a draft again.
EDITABLE_STATUSES = (
    Service.Status.DRAFT,
    Service.Status.PENDING_REVIEW,
    Service.Status.LIVE,
    Service.Status.PAUSED,
    Service.Status.REJECTED,
)

Rows = Sequence[dict[str, Any]]


def _refuse(field: str, message: str) -> DomainError:
    return DomainError(
        _("Check these fields: %(fields)s.") % {"fields": field}, fields={field: [message]}
    )


def _packages(service: Service, rows: Rows, category: Category) -> list[ServicePackage]:
    """The packages as unsaved rows, or a 400 naming what is wrong with them."""
    if len(rows) > Service.MAX_PACKAGES:
        raise _refuse(
            "packages",
            _("A service has at most %(n)d packages.") % {"n": Service.MAX_PACKAGES},
        )
    tiers = [row["tier"] for row in rows]
    if len(set(tiers)) != len(tiers):
        raise _refuse("packages", _("Each tier (basic, standard, premium) at most once."))
    packages = []
    for row in rows:
        price = row["price"]
        if price < category.min_price:
            raise _refuse(
                "packages",
                _("The minimum for %(category)s is %(min)s.")
                % {"category": category.name, "min": rupiah(category.min_price)},
            )
        if price > settings.GIG_MAX_BUDGET:
            raise _refuse(
                "packages", _("At most %(max)s.") % {"max": rupiah(settings.GIG_MAX_BUDGET)}
            )
        if not 1 <= row["delivery_days"] <= ServicePackage.MAX_DELIVERY_DAYS:
            raise _refuse(
                "packages",
                _("Delivery takes 1 to %(days)d days.")
                % {"days": ServicePackage.MAX_DELIVERY_DAYS},
            )
        if not 0 <= row.get("revisions_included", 0) <= ServicePackage.MAX_REVISIONS:
            raise _refuse(
                "packages",
                _("At most %(n)d revisions.") % {"n": ServicePackage.MAX_REVISIONS},
            )
        packages.append(
            ServicePackage(
                service=service,
                tier=row["tier"],
                name=row["name"],
                description=row["description"],
                price=price,
                delivery_days=row["delivery_days"],
                revisions_included=row.get("revisions_included", 0),
            )
        )
    return packages


def _extras(service: Service, rows: Rows, packages: list[ServicePackage]) -> list[ServiceExtra]:
    kinds = [row["kind"] for row in rows]
    if len(set(kinds)) != len(kinds):
        raise _refuse("extras", _("Each kind of extra at most once."))
    fastest = min((package.delivery_days for package in packages), default=None)
    extras = []
    for row in rows:
        days_saved = row.get("days_saved", 0)
        if row["kind"] == ServiceExtra.Kind.FASTER_DELIVERY:
            if days_saved < 1 or (fastest is not None and days_saved >= fastest):
                raise _refuse(
                    "extras",
                    _("Faster delivery saves at least one day, and less than every package takes."),
                )
        elif days_saved:
            raise _refuse("extras", _("Only faster delivery saves days."))
        extras.append(
            ServiceExtra(
                service=service, kind=row["kind"], price=row["price"], days_saved=days_saved
            )
        )
    return extras


def _requirements(service: Service, rows: Rows) -> list[ServiceRequirement]:
    if len(rows) > Service.MAX_REQUIREMENTS:
        raise _refuse(
            "requirements",
            _("At most %(n)d questions.") % {"n": Service.MAX_REQUIREMENTS},
        )
    return [
        ServiceRequirement(
            service=service,
            question=row["question"],
            required=row.get("required", True),
            position=position,
        )
        for position, row in enumerate(rows)
    ]


def _mask(
    service: Service,
    packages: list[ServicePackage],
    requirements: list[ServiceRequirement],
) -> list[str]:
    """Mask every text of the service for everyone but its freelancer (the copies are stored
    with the rows) and set the service's moderation flags; returns the contact kinds found."""
    kinds = set(mask_texts(service))
    for row in [*packages, *requirements]:
        kinds.update(mask_texts(row))
    texts = [service.title, service.description]
    texts += [text for package in packages for text in (package.name, package.description)]
    texts += [requirement.question for requirement in requirements]
    service.content_flags = [*sorted(kinds), *content_filter.prohibited(*texts)]
    return sorted(kinds)


def _summarise(service: Service, packages: list[ServicePackage]) -> None:
    service.price_from = min((package.price for package in packages), default=None)
    service.fastest_delivery_days = min(
        (package.delivery_days for package in packages), default=None
    )


def _replace(model: type[Any], service: Service, rows: list[Any]) -> None:
    model.objects.filter(service=service).delete()
    model.objects.bulk_create(rows)


@atomic_with_retry
def service_create(
    *,
    freelancer: User,
    title: str,
    description: str,
    category: int,
    skills: list[int] | None = None,
    packages: Rows = (),
    extras: Rows = (),
    requirements: Rows = (),
    publish: bool = False,
) -> Service:
    """Write a service as a draft, or straight to publishing (then as ``service_submit``).
    Every term is checked first: a refusal (a price under the category's minimum, a fourth
    package) writes nothing."""
    ensure_not_suspended(freelancer)
    category_obj = _resolve_category(category)
    skill_objs = _resolve_skills(skills or [])
    service = Service(
        freelancer=freelancer, title=title, description=description, category=category_obj
    )
    package_rows = _packages(service, packages, category_obj)
    extra_rows = _extras(service, extras, package_rows)
    requirement_rows = _requirements(service, requirements)
    kinds = _mask(service, package_rows, requirement_rows)
    _summarise(service, package_rows)
    service.save()
    service.skills.set(skill_objs)
    ServicePackage.objects.bulk_create(package_rows)
    ServiceExtra.objects.bulk_create(extra_rows)
    ServiceRequirement.objects.bulk_create(requirement_rows)
    record_contact_hit(service, kinds, author=freelancer)
    if publish:
        ensure_publishable(service, package_rows)
        publish_or_queue(service)
    return service


def ensure_publishable(service: Service, packages: Sequence[ServicePackage]) -> None:
    """A service goes out with at least one package, each priced at least the category's
    minimum now (an edit of the category's minimum may have come since it was written)."""
    if not packages:
        raise _refuse("packages", _("Add at least one package before publishing."))
    for package in packages:
        if package.price < service.category.min_price:
            raise _refuse(
                "packages",
                _("The minimum for %(category)s is %(min)s.")
                % {"category": service.category.name, "min": rupiah(service.category.min_price)},
            )


@atomic_with_retry
def service_update(*, service_id: int, actor: User, **changes: Any) -> Service:
    """Edit one's service in any state but archived. ``packages``, ``extras`` and
    ``requirements``, when given, replace the ones it had. The content filter runs again: a
    live or paused service whose new text it flags goes back to review; a rejected one becomes
    a draft to be submitted again."""
    service = lock_own_service(service_id, actor)
    ensure_not_suspended(actor)
    ensure_service_shown(service)
    if service.status not in EDITABLE_STATUSES:
        raise Conflict(_("An archived service cannot be edited."), code="invalid_state")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:  # the API's serializer already refuses these; this guards other callers
        raise DomainError(_("These fields cannot be edited: %(f)s.") % {"f": ", ".join(unknown)})

    if "category" in changes:
        service.category = _resolve_category(changes.pop("category"))
    skills = _resolve_skills(changes.pop("skills")) if "skills" in changes else None
    for name in ("title", "description"):
        if name in changes:
            setattr(service, name, changes[name])
    packages = (
        _packages(service, changes["packages"], service.category)
        if "packages" in changes
        else list(service.packages.all())
    )
    if "packages" not in changes:  # a new category's minimum applies to the packages kept
        _packages(service, [_as_row(package) for package in packages], service.category)
    extras = _extras(service, changes["extras"], packages) if "extras" in changes else None
    if extras is None and "packages" in changes:  # the kept extras must fit the new packages
        _extras(service, [_extra_row(extra) for extra in service.extras.all()], packages)
    requirements = (
        _requirements(service, changes["requirements"])
        if "requirements" in changes
        else list(service.requirements.all())
    )
    kinds = _mask(service, packages, requirements)
    _summarise(service, packages)
    if service.status == Service.Status.REJECTED:
        ensure_transition(service, Service.Status.DRAFT)
        service.status = Service.Status.DRAFT
    elif (
        service.status in (Service.Status.LIVE, Service.Status.PAUSED)
        and service.content_flags
        and settings.GIG_MODERATION != "off"
    ):
        ensure_transition(service, Service.Status.PENDING_REVIEW)
        service.status = Service.Status.PENDING_REVIEW
    service.save()
    if skills is not None:
        service.skills.set(skills)
    if "packages" in changes:
        _replace(ServicePackage, service, packages)
    else:  # the kept rows' masked copies were written again with the service's
        ServicePackage.objects.bulk_update(packages, ["name_masked", "description_masked"])
    if extras is not None:
        _replace(ServiceExtra, service, extras)
    if "requirements" in changes:
        _replace(ServiceRequirement, service, requirements)
    else:
        ServiceRequirement.objects.bulk_update(requirements, ["question_masked"])
    record_contact_hit(service, kinds, author=actor)
    return service


def _as_row(package: ServicePackage) -> dict[str, Any]:
    return {
        "tier": package.tier,
        "name": package.name,
        "description": package.description,
        "price": package.price,
        "delivery_days": package.delivery_days,
        "revisions_included": package.revisions_included,
    }


def _extra_row(extra: ServiceExtra) -> dict[str, Any]:
    return {"kind": extra.kind, "price": extra.price, "days_saved": extra.days_saved}
