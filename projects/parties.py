"""Who the parties of the marketplace's objects are, for ``accounts.staff_policy`` (staff never
act on what they are a party to). Registered when the app starts (``ProjectsConfig.ready``).

Each filter selects the rows one user is a party to:

- a gig: its client; a service: its freelancer; a bid: its freelancer and the gig's client; a
  contract, its milestones and their disputes: the client and the freelancer; a message: its
  sender and the contract's parties; a review: its author and its subject; a portfolio item:
  its owner;
- a user: themselves, and whoever has an active contract with them (a moderator does not
  suspend or warn the other side of their own live deal); a suspension: the same, for the
  suspended user;
- a report: its reporter, the user it is about, anyone who reported the same object (one
  resolution settles every open report on it), and the parties of the reported object.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts.models import PortfolioItem, Suspension, User
from accounts.staff_policy import register_parties
from projects.models import (
    Bid,
    Contract,
    ContractMessage,
    Dispute,
    Gig,
    Milestone,
    Report,
    Review,
    Service,
)


def _contract(user_id: int, path: str = "") -> Q:
    return Q(**{f"{path}client_id": user_id}) | Q(**{f"{path}freelancer_id": user_id})


def _dealing_with(user_id: int, other: str) -> Exists:
    """An active contract between ``user_id`` and the user the outer row names by ``other``."""
    active = Contract.objects.filter(status=Contract.Status.ACTIVE)
    return Exists(
        active.filter(
            Q(client_id=user_id, freelancer_id=OuterRef(other))
            | Q(freelancer_id=user_id, client_id=OuterRef(other))
        )
    )


def gig(user_id: int) -> Q:
    return Q(client_id=user_id)


def service(user_id: int) -> Q:
    return Q(freelancer_id=user_id)


def bid(user_id: int) -> Q:
    return Q(freelancer_id=user_id) | Q(gig__client_id=user_id)


def message(user_id: int) -> Q:
    return Q(sender_id=user_id) | _contract(user_id, "contract__")


def review(user_id: int) -> Q:
    return Q(author_id=user_id) | Q(subject_id=user_id)


def portfolio_item(user_id: int) -> Q:
    return Q(owner_id=user_id)


def user(user_id: int) -> Q:
    return Q(pk=user_id) | Q(_dealing_with(user_id, "pk"))


def suspension(user_id: int) -> Q:
    return Q(user_id=user_id) | Q(_dealing_with(user_id, "user_id"))


# What a report's target_type names, and who the parties of such an object are.
REPORTED = {
    Report.TargetType.GIG: (Gig, gig),
    Report.TargetType.BID: (Bid, bid),
    Report.TargetType.PROFILE: (User, user),
    Report.TargetType.PORTFOLIO_ITEM: (PortfolioItem, portfolio_item),
    Report.TargetType.REVIEW: (Review, review),
    Report.TargetType.MESSAGE: (ContractMessage, message),
    Report.TargetType.SERVICE: (Service, service),
}


def report(user_id: int) -> Q:
    same_object_by_them = Report.objects.filter(
        target_type=OuterRef("target_type"), target_id=OuterRef("target_id"), reporter_id=user_id
    )
    theirs = Q()
    for kind, (model, parties) in REPORTED.items():
        theirs |= Q(
            target_type=kind,
            target_id__in=model._default_manager.filter(parties(user_id)).values("pk"),
        )
    return (
        Q(reporter_id=user_id) | Q(target_user_id=user_id) | Q(Exists(same_object_by_them)) | theirs
    )


def register() -> None:
    for model, parties in (
        (Gig, gig),
        (Service, service),
        (Bid, bid),
        (Contract, lambda user_id: _contract(user_id)),
        (Milestone, lambda user_id: _contract(user_id, "contract__")),
        (Dispute, lambda user_id: _contract(user_id, "milestone__contract__")),
        (ContractMessage, message),
        (Review, review),
        (PortfolioItem, portfolio_item),
        (User, user),
        (Suspension, suspension),
        (Report, report),
    ):
        register_parties(model, parties)
