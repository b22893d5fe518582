"""Pay and fund in one step: "Pay Rp 150.000" on a pending milestone.

The wallet is used first: when it holds the milestone's amount, the milestone is funded at once,
as ``milestone_fund`` does. Otherwise the client pays what is missing at the gateway (at least
the gateway's minimum, the rest staying in the wallet), through a deposit whose purpose is the
milestone. When the gateway confirms the payment, ``fund_on_payment`` credits the wallet and
funds the milestone in the same transaction — or, when the milestone can no longer be funded
(cancelled meanwhile, funded from the wallet, the client suspended), keeps the money in the
wallet and tells the client why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.masking import text_of
from accounts.models import User
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.formatting import rupiah
from payments import purposes
from payments.models import Deposit
from payments.selectors.wallet import wallet_summary
from payments.services.deposits import deposit_create
from projects import notices
from projects.access import is_moderator
from projects.models import Contract, Milestone
from projects.policies import milestones as policy
from projects.services import milestones as milestone_services
from projects.services.gigs import ensure_not_suspended
from projects.services.milestones.steps import lock

PURPOSE = "milestone"


@dataclass(frozen=True)
class MilestonePayment:
    milestone: Milestone
    # The payment opened at the gateway (pay at its ``checkout_url``); None when the wallet
    # covered the amount and the milestone is funded already.
    deposit: Deposit | None


def milestone_pay(*, milestone_id: int, actor: User, return_url: str = "") -> MilestonePayment:
    """Fund the milestone from the wallet, or open the payment of what the wallet lacks.

    Checked without row locks: the gateway is asked outside any lock a sweep or the other
    party may need, and ``fund_on_payment`` checks everything again when the money lands. A
    payment already open for this milestone and amount is offered again rather than a second.
    """
    milestone = Milestone.objects.select_related("contract").filter(pk=milestone_id).first()
    contract = milestone.contract if milestone else None
    parties = (contract.client_id, contract.freelancer_id) if contract else ()
    if milestone is None or contract is None or not (actor.pk in parties or is_moderator(actor)):
        # Who may see the milestone but not pay for it is told no by the policy (403).
        raise NotFound(_("Milestone not found."))
    policy.ensure_role(policy.FUND, contract=contract, actor_id=actor.pk)
    if milestone.status == Milestone.Status.FUNDED:
        return MilestonePayment(milestone=milestone, deposit=None)
    ensure_not_suspended(actor)
    policy.ensure_state(
        policy.FUND, milestone, contract=contract, actor_id=actor.pk, now=timezone.now()
    )
    available = wallet_summary(user=actor).available
    if available >= milestone.amount:
        funded = milestone_services.milestone_fund(milestone_id=milestone.pk, actor=actor)
        return MilestonePayment(milestone=funded, deposit=None)
    charge = max(milestone.amount - available, settings.DEPOSIT_MIN_AMOUNT)
    purpose = purposes.purpose(PURPOSE, milestone.pk)
    open_payment = (
        _reusable(actor).filter(purpose=purpose, amount=charge).order_by("-created_at").first()
    )
    if open_payment is not None:
        return MilestonePayment(milestone=milestone, deposit=open_payment)
    deposit = deposit_create(user=actor, amount=charge, purpose=purpose, return_url=return_url)
    return MilestonePayment(milestone=milestone, deposit=deposit)


def open_payments(*, user: User, milestone_ids: Iterable[int]) -> dict[int, Deposit]:
    """The payments ``user`` opened for these milestones that "Pay" would take up again rather
    than open another, by milestone (the newest of each), in one query."""
    by_purpose = {purposes.purpose(PURPOSE, pk): pk for pk in milestone_ids}
    if not by_purpose:
        return {}
    found: dict[int, Deposit] = {}
    for deposit in _reusable(user).filter(purpose__in=by_purpose).order_by("created_at", "pk"):
        found[by_purpose[deposit.purpose]] = deposit  # a newer one replaces an older
    return found


def _reusable(user: User) -> QuerySet[Deposit]:
    """``user``'s payments still open at the gateway and recent enough to be offered again: a
    second "Pay" within ``PAYMENT_REUSE_HOURS`` continues the first one."""
    return Deposit.objects.filter(
        user=user,
        status=Deposit.Status.PENDING,
        created_at__gte=timezone.now() - timedelta(hours=settings.PAYMENT_REUSE_HOURS),
    )


def fund_on_payment(deposit: Deposit, milestone_id: int, credit: Callable[[], None]) -> None:
    """The gateway confirmed a payment made for this milestone (``payments.purposes``' settler,
    inside ``deposit_complete``'s transaction): credit the wallet and fund the milestone — the
    contract and milestone locked first, as every service locks them before ledger accounts."""
    client = deposit.user
    # A refusal's reason goes into the client's notice: in the client's language, not the
    # webhook request's.
    with translation.override(client.preferred_language):
        _fund_or_keep(deposit, milestone_id, credit, client)


def _fund_or_keep(
    deposit: Deposit, milestone_id: int, credit: Callable[[], None], client: User
) -> None:
    milestone_name: object = _("the milestone")
    try:
        with transaction.atomic():  # a savepoint: a refusal undoes the funding, not the deposit
            contract = Contract.objects.filter(milestones__pk=milestone_id).first()
            if contract is None or contract.client_id != client.pk:
                raise NotFound(_("Milestone not found."))
            milestone = lock(milestone_id, client)[1]
            milestone_name = text_of(milestone, "title")
            credit()
            if milestone.status == Milestone.Status.FUNDED:
                raise Conflict(_("The milestone was already funded."))
            milestone_services.milestone_fund(milestone_id=milestone_id, actor=client)
    except DomainError as refusal:
        credit()
        notices.notify(
            client,
            notices.MILESTONE_PAYMENT_KEPT,
            subject=deposit,
            amount=rupiah(deposit.amount),
            milestone=milestone_name,
            reason=refusal.message,
        )
