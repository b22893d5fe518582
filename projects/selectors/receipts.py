"""What a receipt of payments says a milestone payment was for (``payments.purposes``)."""

from __future__ import annotations

from payments.purposes import Described
from projects.models import Milestone


def milestone_described(milestone_id: int) -> Described | None:
    """The contract's gig title, its client (who pays) and freelancer (who is paid). One
    query. The receipt goes to a party of the contract, who sees these unmasked anyway."""
    milestone = (
        Milestone.objects.select_related(
            "contract__gig", "contract__client", "contract__freelancer"
        )
        .filter(pk=milestone_id)
        .first()
    )
    if milestone is None:
        return None
    contract = milestone.contract
    return Described(
        title=contract.gig.title,
        payer=contract.client.public_name,
        payee=contract.freelancer.public_name,
    )
