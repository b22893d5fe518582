"""Payout destinations: the bank accounts and e-wallets a freelancer's withdrawals go to.

Money may leave only to an account in the freelancer's own name: a destination's holder name
must match the legal name of their approved identity check (``payments.names``), and where the
payout gateway can ask the bank for the account's holder (``offers_name_check``) that name must
match too — a gateway that cannot answer is a 503, nothing is saved.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from marketplace.errors import Conflict, DomainError, NotFound
from marketplace.outages import Outage, Unavailable
from marketplace.transactions import atomic_with_retry
from payments import gateways
from payments.gateways.base import GatewayUnavailable
from payments.gateways.payouts import NameCheckUnavailable, NoSuchAccount, PayoutChannel
from payments.models import IdentityCheck, PayoutDestination
from payments.names import names_match
from payments.services.identity import ensure_identity_approved

# At most this many destinations per user: a few banks and e-wallets, not a directory.
MAX_DESTINATIONS = 10


class NameCheckDown(Unavailable):
    """The payout gateway could not tell whose the account is just now: nothing was saved."""

    outage = Outage(
        retry_after=60,
        message=_(
            "We could not check the account holder's name with the bank just now. Nothing was "
            "saved; please try again in a minute."
        ),
    )


def destination_list(*, user: User) -> QuerySet[PayoutDestination]:
    return PayoutDestination.objects.filter(user=user).order_by("created_at", "id")


def channel_for(code: str) -> PayoutChannel | None:
    return next((c for c in gateways.payout_channels() if c.code == code), None)


def _verified_name(user: User) -> str:
    check = IdentityCheck.objects.filter(user=user, status=IdentityCheck.Status.APPROVED).first()
    if check is None:
        ensure_identity_approved(user=user)  # raises: the one refusal for an unverified user
    return check.legal_name if check is not None else ""


def _not_your_name() -> DomainError:
    return DomainError(
        _("The account must be in your own name, as on your verified KTP."),
        fields={"holder_name": [_("Not the name on your verified identity.")]},
        code="holder_name_mismatch",
    )


@atomic_with_retry
def destination_add(
    *, user: User, channel_code: str, account_number: str, holder_name: str, label: str = ""
) -> PayoutDestination:
    """Add a bank account or e-wallet. 403 without an approved identity; 400 for a channel the
    payout gateway does not pay to, or a holder who is not the user; 409 for one added already;
    503 when the gateway's name check cannot be asked."""
    legal_name = _verified_name(user)
    channel = channel_for(channel_code)
    if channel is None:
        raise DomainError(
            _("We cannot pay out to this bank or e-wallet."),
            fields={"channel_code": [_("Not one of the listed banks and e-wallets.")]},
        )
    holder_name = " ".join(holder_name.split())
    if not names_match(holder_name, legal_name):
        raise _not_your_name()
    gateway = gateways.payout_gateway()
    if gateway is not None and gateway.offers_name_check:
        try:
            bank_says = gateway.check_account_name(
                channel_code=channel.code, account_number=account_number
            )
        except (NameCheckUnavailable, GatewayUnavailable):
            raise NameCheckDown from None
        except NoSuchAccount:
            raise DomainError(
                _("The bank or e-wallet has no open account with this number."),
                fields={"account_number": [_("No such account.")]},
                code="no_such_account",
            ) from None
        if not names_match(bank_says, legal_name):
            raise _not_your_name()
    # The user's row serialises adding: the limit and the duplicate check hold under races.
    User.objects.select_for_update(of=("self",), no_key=True).filter(pk=user.pk).first()
    existing = destination_list(user=user)
    if existing.filter(channel_code=channel.code, account_number=account_number).exists():
        raise Conflict(
            _("You have added this account already."),
            fields={"account_number": [_("Already added.")]},
            code="destination_exists",
        )
    if existing.count() >= MAX_DESTINATIONS:
        raise DomainError(
            _("You can keep at most %(count)d payout accounts. Remove one first.")
            % {"count": MAX_DESTINATIONS}
        )
    return PayoutDestination.objects.create(
        user=user,
        channel_code=channel.code,
        kind=channel.kind,
        account_number=account_number,
        holder_name=holder_name,
        label=label.strip(),
    )


def destination_remove(*, user: User, destination_id: int) -> None:
    """Remove one of the user's own (404 for anyone else's); its withdrawals keep a copy."""
    deleted, _counts = destination_list(user=user).filter(pk=destination_id).delete()
    if not deleted:
        raise NotFound(_("Payout account not found."))


def destination_of(*, user: User, destination_id: int) -> PayoutDestination:
    """One of the user's own destinations, still payable to with today's channels (400)."""
    destination = destination_list(user=user).filter(pk=destination_id).first()
    if destination is None:
        raise DomainError(
            _("Choose one of your payout accounts."),
            fields={"destination": [_("Not one of your payout accounts.")]},
        )
    if channel_for(destination.channel_code) is None:
        raise DomainError(
            _("We cannot pay out to this account any more. Add it again."),
            fields={"destination": [_("No longer supported.")]},
        )
    return destination
