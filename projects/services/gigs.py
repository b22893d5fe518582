"""Writes of gigs: post, edit, submit, moderate, cancel, invite, attach files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import mask_texts, text_of
from accounts.models import Category, ModeratorAction, Skill, User
from accounts.notices import NoticeKind
from accounts.selectors import user_is_suspended
from accounts.services.audit import audit_record, records_refused_attempts
from accounts.staff_policy import ensure_staff_not_party
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.formatting import rupiah
from marketplace.ratelimit import rate_limit
from marketplace.state import ensure_transition
from marketplace.storage import removes_files_on_failure, save_file
from marketplace.timing import days, hours
from marketplace.transactions import atomic_with_retry
from marketplace.uploads import check_document
from projects import content_filter, notices
from projects.access import is_moderator
from projects.models import Bid, ContactHit, Gig, GigAttachment, GigInvitation
from projects.services.contact import contact_hit_record

EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "skills",
    "budget",
    "bidding_deadline",
    "delivery_deadline",
    "visibility",
)

Action = ModeratorAction.Action


def _lock_gig(gig_id: int) -> Gig:
    gig = Gig.objects.select_for_update(of=("self",), no_key=True).filter(pk=gig_id).first()
    if gig is None:
        raise NotFound(_("Gig not found."))
    return gig


def _lock_own_gig(gig_id: int, actor: User) -> Gig:
    """The actor's gig, locked; anyone else's gig is NotFound (they may not know it exists)."""
    gig = _lock_gig(gig_id)
    if gig.client_id != actor.pk:
        raise NotFound(_("Gig not found."))
    return gig


def ensure_not_suspended(user: User) -> None:
    """A suspended user takes no part in the marketplace: no gig, bid, invitation, file, message
    or review, no hiring, splitting or funding. What settles money already in escrow (approve,
    ask for a revision, cancel, dispute) stays open, so a suspension never traps the other
    party's money."""
    if user_is_suspended(user_id=user.pk):
        raise PermissionDenied(
            _("Your account is suspended, so you cannot do this now. Contact support."),
            code="suspended",
        )


def ensure_gig_shown(gig: Gig) -> None:
    """A hidden gig (a moderator removed it, or its client is suspended) is seen by its client
    only (``visible_gigs``), so nothing moves on it: no edit, invitation, file, shortlist or
    hire until it is shown again. Everyone else gets 404 for it, as on a read."""
    if gig.hidden_at is None:
        return
    if gig.hidden_reason == Gig.HiddenReason.REMOVED:
        message = _("A moderator removed this gig, so it cannot change or take a hire.")
    else:
        message = _("This gig is hidden while your account is suspended.")
    raise Conflict(message, code="gig_hidden")


def _resolve_category(category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id, is_active=True).first()
    if category is None:
        raise DomainError(
            _("Choose one of the listed categories."),
            fields={"category": [_("Unknown category.")]},
        )
    return category


def _resolve_skills(skill_ids: list[int]) -> list[Skill]:
    unique = list(dict.fromkeys(skill_ids))
    if len(unique) > settings.GIG_MAX_SKILLS:
        raise DomainError(
            _("Choose at most %(n)d skills.") % {"n": settings.GIG_MAX_SKILLS},
            fields={"skills": [_("Too many skills.")]},
        )
    skills = list(Skill.objects.filter(pk__in=unique))
    if len(skills) != len(unique):
        missing = sorted(set(unique) - {s.pk for s in skills})
        raise DomainError(
            _("Unknown skills: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
            fields={"skills": [_("Unknown skill.")]},
        )
    return skills


def validate_gig_terms(
    *, category: Category, budget: int, bidding_deadline: datetime, delivery_deadline: datetime
) -> None:
    """The rules a gig's money and dates must meet, checked on create, edit and submit."""
    now = timezone.now()
    fields: dict[str, list[str]] = {}
    if budget < category.min_price:
        fields["budget"] = [
            _("The minimum for %(category)s is %(min)s.")
            % {"category": category.name_en, "min": rupiah(category.min_price)}
        ]
    elif budget > settings.GIG_MAX_BUDGET:
        fields["budget"] = [_("At most %(max)s.") % {"max": rupiah(settings.GIG_MAX_BUDGET)}]
    # Timer days: in a fast demo the bidding window shrinks with every other timer.
    earliest = now + hours(settings.GIG_BIDDING_MIN_HOURS)
    latest = now + days(settings.GIG_BIDDING_MAX_DAYS)
    if not earliest <= bidding_deadline <= latest:
        fields["bidding_deadline"] = [
            _("Bidding must close between 1 and %(days)d days from now.")
            % {"days": settings.GIG_BIDDING_MAX_DAYS}
        ]
    if delivery_deadline <= bidding_deadline:
        fields["delivery_deadline"] = [_("The delivery deadline must be after bidding closes.")]
    # The gap, not ``bidding_deadline + days``: a date near datetime.max must be a 400, not a 500.
    elif delivery_deadline - bidding_deadline > days(settings.GIG_DELIVERY_MAX_DAYS):
        fields["delivery_deadline"] = [
            _("Delivery must be due within %(days)d days after bidding closes.")
            % {"days": settings.GIG_DELIVERY_MAX_DAYS}
        ]
    if fields:
        raise DomainError(
            _("Check these fields: %(fields)s.") % {"fields": ", ".join(fields)}, fields=fields
        )


def _needs_review(gig: Gig) -> bool:
    mode = settings.GIG_MODERATION
    if mode == "off":
        return False
    if mode == "all" or gig.content_flags:
        return True
    first_gig = not Gig.objects.filter(client_id=gig.client_id, published_at__isnull=False).exists()
    return first_gig


@atomic_with_retry
def gig_create(
    *,
    client: User,
    title: str,
    description: str,
    category: int,
    budget: int,
    bidding_deadline: datetime,
    delivery_deadline: datetime,
    skills: list[int] | None = None,
    visibility: str = Gig.Visibility.PUBLIC,
    publish: bool = False,
) -> Gig:
    """Post a gig as a draft, or straight to publishing (then as ``gig_submit``)."""
    ensure_not_suspended(client)
    category_obj = _resolve_category(category)
    skill_objs = _resolve_skills(skills or [])
    validate_gig_terms(
        category=category_obj,
        budget=budget,
        bidding_deadline=bidding_deadline,
        delivery_deadline=delivery_deadline,
    )
    gig = Gig(
        client=client,
        title=title,
        description=description,
        category=category_obj,
        budget=budget,
        bidding_deadline=bidding_deadline,
        delivery_deadline=delivery_deadline,
        visibility=visibility,
    )
    kinds = _mask(gig)
    gig.save()
    gig.skills.set(skill_objs)
    _record_hit(gig, kinds, author=client)
    if publish:
        _publish_or_queue(gig)
    return gig


def _mask(gig: Gig) -> list[str]:
    """Mask the gig's title and description for everyone but its client (stored with the gig)
    and set its moderation flags; returns the contact kinds found."""
    kinds = mask_texts(gig)
    gig.content_flags = [*kinds, *content_filter.prohibited(gig.title, gig.description)]
    return kinds


def _record_hit(gig: Gig, kinds: list[str], *, author: User) -> None:
    # Records the hit, tells the client why and counts it towards an automatic report.
    contact_hit_record(
        author=author,
        source=ContactHit.Source.GIG,
        source_id=gig.pk,
        kinds=kinds,
        link=reverse("api:gig-detail", kwargs={"gig_id": gig.pk}),
    )


def _publish_or_queue(gig: Gig) -> None:
    if _needs_review(gig):
        ensure_transition(gig, Gig.Status.PENDING_REVIEW)
        gig.status = Gig.Status.PENDING_REVIEW
    else:
        ensure_transition(gig, Gig.Status.OPEN)
        gig.status = Gig.Status.OPEN
        gig.published_at = timezone.now()
    gig.save(update_fields=["status", "published_at", "updated_at"])
    if gig.status == Gig.Status.OPEN:
        _went_live(gig)


@atomic_with_retry
def gig_update(*, gig_id: int, actor: User, **changes: Any) -> Gig:
    """Edit a gig that has no live bid yet (draft, pending review or open).

    The content filter runs again; an open gig whose new text it flags goes back to review.
    """
    gig = _lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    if gig.status not in (Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW, Gig.Status.OPEN):
        raise Conflict(_("Only a draft, pending or open gig can be edited."), code="invalid_state")
    if Bid.objects.filter(gig=gig, status__in=Bid.LIVE).exists():
        raise Conflict(
            _("This gig has bids, so it can no longer be edited. Cancel it and post a new one."),
            code="has_bids",
        )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:  # the API's serializer already refuses these; this guards other callers
        raise DomainError(_("These fields cannot be edited: %(f)s.") % {"f": ", ".join(unknown)})

    if "category" in changes:
        gig.category = _resolve_category(changes.pop("category"))
    skills = _resolve_skills(changes.pop("skills")) if "skills" in changes else None
    for name, value in changes.items():
        setattr(gig, name, value)
    validate_gig_terms(
        category=gig.category,
        budget=gig.budget,
        bidding_deadline=gig.bidding_deadline,
        delivery_deadline=gig.delivery_deadline,
    )
    kinds = _mask(gig)
    if gig.status == Gig.Status.OPEN and gig.content_flags and settings.GIG_MODERATION != "off":
        ensure_transition(gig, Gig.Status.PENDING_REVIEW)
        gig.status = Gig.Status.PENDING_REVIEW
    gig.save()
    if skills is not None:
        gig.skills.set(skills)
    _record_hit(gig, kinds, author=actor)
    return gig


@atomic_with_retry
def gig_submit(*, gig_id: int, actor: User) -> Gig:
    """Publish a draft: straight to open, or to a moderator first (``GIG_MODERATION``)."""
    gig = _lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    if gig.status != Gig.Status.DRAFT:
        raise Conflict(_("Only a draft can be submitted."), code="invalid_state")
    validate_gig_terms(
        category=gig.category,
        budget=gig.budget,
        bidding_deadline=gig.bidding_deadline,
        delivery_deadline=gig.delivery_deadline,
    )
    _publish_or_queue(gig)
    return gig


def close_open_bids(gig: Gig, *, kind: NoticeKind) -> None:
    """Reject every bid the client could still act on, and tell each bidder."""
    bids = list(
        Bid.objects.select_for_update(of=("self",), no_key=True)
        .filter(gig=gig, status__in=Bid.OPEN)
        .select_related("freelancer")
        .order_by("pk")
    )
    Bid.objects.filter(pk__in=[b.pk for b in bids]).update(
        status=Bid.Status.REJECTED, updated_at=timezone.now()
    )
    for bid in bids:
        notices.notify(
            bid.freelancer,
            kind,
            subject=bid,
            link_args={"bid_id": bid.pk},
            gig=text_of(gig, "title"),
        )


@atomic_with_retry
def gig_cancel(*, gig_id: int, actor: User) -> Gig:
    """The client withdraws a gig before it is awarded; open bids are closed and bidders told."""
    gig = _lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    if gig.status == Gig.Status.CANCELLED:
        return gig
    if gig.status == Gig.Status.AWARDED:
        raise Conflict(
            _("This gig has a contract; cancel the contract's milestones instead."),
            code="invalid_state",
        )
    ensure_transition(gig, Gig.Status.CANCELLED)
    gig.status = Gig.Status.CANCELLED
    gig.save(update_fields=["status", "updated_at"])
    close_open_bids(gig, kind=notices.GIG_CANCELLED)
    return gig


@atomic_with_retry
def gig_delete(*, gig_id: int, actor: User) -> None:
    """Drafts only: nobody else has seen them. A published gig is cancelled, never deleted."""
    gig = _lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    if gig.status != Gig.Status.DRAFT:
        raise Conflict(
            _("Only drafts can be deleted; cancel the gig instead."), code="invalid_state"
        )
    files = [attachment.file for attachment in gig.attachments.all()]
    gig.delete()
    # The cascade removes the rows only; the stored files go once the delete has committed.
    transaction.on_commit(lambda: _delete_stored(files))


def _delete_stored(files: list[FieldFile]) -> None:
    for file in files:
        if file.name:  # a stored file always has its name
            file.storage.delete(file.name)


def _ensure_moderator(user: User) -> None:
    if not is_moderator(user):
        raise PermissionDenied(_("Only moderators can review gigs."))


@records_refused_attempts
@atomic_with_retry
def gig_approve(*, gig_id: int, moderator: User) -> Gig:
    """A moderator publishes a gig waiting for review (never their own: ``StaffIsParty``)."""
    _ensure_moderator(moderator)
    gig = _lock_gig(gig_id)
    ensure_staff_not_party(staff=moderator, action=Action.APPROVE_GIG, obj=gig)
    if gig.status == Gig.Status.OPEN:
        return gig
    # The table lets a draft open (the client's own submit); a moderator approves only a gig
    # the client submitted for review, never a draft they are still writing.
    if gig.status != Gig.Status.PENDING_REVIEW:
        raise Conflict(_("Only a gig pending review can be approved."), code="invalid_state")
    if gig.bidding_deadline <= timezone.now():
        raise Conflict(
            _("The bidding deadline has passed. Reject the gig, or ask the client to move it."),
            code="bidding_closed",
        )
    ensure_transition(gig, Gig.Status.OPEN)
    gig.status = Gig.Status.OPEN
    gig.published_at = timezone.now()
    gig.rejection_reason = ""
    gig.save(update_fields=["status", "published_at", "rejection_reason", "updated_at"])
    audit_record(moderator=moderator, action=Action.APPROVE_GIG, target=gig)
    notices.notify(
        gig.client,
        notices.GIG_APPROVED,
        subject=gig,
        link_args={"gig_id": gig.pk},
        gig=text_of(gig, "title"),
    )
    _went_live(gig)
    return gig


@records_refused_attempts
@atomic_with_retry
def gig_reject(*, gig_id: int, moderator: User, reason: str) -> Gig:
    """A moderator turns a gig down with a reason the client reads (never their own)."""
    _ensure_moderator(moderator)
    if not reason.strip():
        raise DomainError(_("Give the client a reason."), fields={"reason": [_("Required.")]})
    gig = _lock_gig(gig_id)
    ensure_staff_not_party(staff=moderator, action=Action.REJECT_GIG, obj=gig)
    if gig.status == Gig.Status.REJECTED:
        return gig
    ensure_transition(gig, Gig.Status.REJECTED)
    gig.status = Gig.Status.REJECTED
    gig.rejection_reason = reason.strip()
    gig.save(update_fields=["status", "rejection_reason", "updated_at"])
    audit_record(
        moderator=moderator, action=Action.REJECT_GIG, target=gig, reason=gig.rejection_reason
    )
    notices.notify(
        gig.client,
        notices.GIG_REJECTED,
        subject=gig,
        link_args={"gig_id": gig.pk},
        gig=text_of(gig, "title"),
        reason=gig.rejection_reason,
    )
    return gig


def _notify_invited(gig: Gig, invitations: list[GigInvitation]) -> None:
    """Tell invited freelancers about a gig once it is live (an invitation to a draft or a gig
    awaiting review waits until then). The key makes a second call send nothing."""
    for invitation in invitations:
        notices.notify(
            invitation.freelancer,
            notices.GIG_INVITED,
            subject=gig,
            link_args={"gig_id": gig.pk},
            gig=text_of(gig, "title"),
            client=gig.client.public_name,
            budget=rupiah(gig.budget),
        )


def _went_live(gig: Gig) -> None:
    _notify_invited(gig, list(gig.invitations.select_related("freelancer")))


@atomic_with_retry
def gig_invite(*, gig_id: int, actor: User, freelancer_username: str) -> GigInvitation:
    """Invite a freelancer to bid; inviting the same person again changes nothing.

    At most ``INVITATION_RATE`` invitations per client (each one notifies and e-mails
    someone). Staff accounts cannot be invited: they are not freelancers, and a stream of
    invitations is a way to reach them outside the moderation tools — they answer as an
    unknown username does, so the invitation form tells nobody who is staff."""
    rate_limit(
        "invitations",
        actor.pk,
        settings.INVITATION_RATE,
        _("You sent many invitations in a short time. Wait %(seconds)d seconds and try again."),
    )
    gig = _lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    if gig.status not in (Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW, Gig.Status.OPEN):
        raise Conflict(
            _("Invitations are for gigs not yet awarded or closed."), code="invalid_state"
        )
    freelancer = User.objects.filter(
        username__iexact=freelancer_username, is_active=True, is_staff=False
    ).first()
    if freelancer is None:
        raise DomainError(
            _("No freelancer with that username."), fields={"freelancer": [_("Unknown username.")]}
        )
    if freelancer.pk == actor.pk:
        raise DomainError(
            _("You cannot invite yourself."), fields={"freelancer": [_("That is you.")]}
        )
    invitation, created = GigInvitation.objects.get_or_create(gig=gig, freelancer=freelancer)
    if created and gig.status == Gig.Status.OPEN:
        _notify_invited(gig, [invitation])
    return invitation


@removes_files_on_failure
@atomic_with_retry
def gig_attachment_add(*, gig_id: int, actor: User, upload: UploadedFile) -> GigAttachment:
    gig = _lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    if gig.status not in (Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW, Gig.Status.OPEN):
        raise Conflict(
            _("Files can be added only before the gig is awarded."), code="invalid_state"
        )
    if gig.attachments.count() >= settings.ATTACHMENTS_PER_GIG:
        raise Conflict(
            _("A gig has at most %(n)d files.") % {"n": settings.ATTACHMENTS_PER_GIG},
            code="too_many_files",
        )
    checked = check_document(upload)
    attachment = GigAttachment(
        gig=gig, original_name=checked.name, content_type=checked.content_type, size=checked.size
    )
    kinds = mask_texts(attachment)  # a file's name is text freelancers read
    save_file(attachment.file, checked.storage_name, upload)
    attachment.save()
    _record_hit(gig, kinds, author=actor)
    return attachment


@atomic_with_retry
def gig_attachment_remove(*, gig_id: int, attachment_id: int, actor: User) -> None:
    gig = _lock_own_gig(gig_id, actor)
    ensure_not_suspended(actor)
    ensure_gig_shown(gig)
    attachment = GigAttachment.objects.filter(gig=gig, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    if gig.status not in (Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW, Gig.Status.OPEN):
        raise Conflict(
            _("Files can be removed only before the gig is awarded."), code="invalid_state"
        )
    attachment.delete()
    transaction.on_commit(lambda: _delete_stored([attachment.file]))
