"""Contracts (with their milestones and trust signals), bids, contract messages and reviews:
read-only lists for moderators.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.admin_base import ReadOnlyInline
from marketplace.formatting import rupiah
from projects.admin.base import ReadOnlyAdmin, RemovedFilter, admin_link, flag_text
from projects.models import (
    Bid,
    Contract,
    ContractMessage,
    Milestone,
    Review,
    TrustCheck,
)
from projects.selectors import moderation as queues
from projects.selectors.trust import contract_trust_signals, signal_labels


class SuspendedPartyFilter(admin.SimpleListFilter):
    """Active contracts with a suspended party: the moderators' list to settle."""

    title = gettext_lazy("a party is suspended now")
    parameter_name = "suspended_party"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", _("Yes (active contracts)"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() == "yes":
            return queryset.filter(pk__in=queues.contracts_with_suspended_party().values("pk"))
        return queryset


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["position", "title", "amount", "status", "due_at", "funded_at", "closed_at"]
    readonly_fields = fields  # type: ignore[assignment]  # all of them: names only


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "gig_title",
        "client",
        "freelancer",
        "amount_idr",
        "status",
        "party_suspended",
        "created_at",
    ]
    list_filter = [SuspendedPartyFilter, "status", "created_at"]
    search_fields = ["client__username", "freelancer__username", "gig__title"]
    inlines = [MilestoneInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Everything is read-only here; the trust signals are computed for this contract now.
        return [*super().get_readonly_fields(request, obj), "trust_signals"]

    @admin.display(description=gettext_lazy("trust signals (the parties may be one person)"))
    def trust_signals(self, contract: Contract) -> str:
        found = signal_labels(contract_trust_signals(contract=contract))
        check = TrustCheck.objects.filter(contract=contract).first()
        status = (
            admin_link(self.admin_site, check, check.get_status_display()) if check else _("none")
        )
        return format_html(
            "{}<br>{}: {}",
            "; ".join(found) or _("none found now"),
            _("Review of its reviews"),
            status,
        )

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Contract]:
        return queues.contract_list_for_moderators()

    @admin.display(description=gettext_lazy("gig"), ordering="gig__title")
    def gig_title(self, contract: Contract) -> str:
        return contract.gig.title

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_idr(self, contract: Contract) -> str:
        return rupiah(contract.amount)

    @admin.display(description=gettext_lazy("to settle: a party is suspended"), boolean=True)
    def party_suspended(self, contract: Contract) -> bool:
        return contract.party_suspended  # type: ignore[attr-defined]  # annotated by get_queryset


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "gig_title",
        "freelancer",
        "amount_idr",
        "status",
        "flags",
        "removed",
        "created_at",
    ]
    list_select_related = ["gig", "freelancer"]
    list_filter = ["status", RemovedFilter, "created_at"]
    search_fields = ["freelancer__username", "gig__title"]

    @admin.display(description=gettext_lazy("gig"), ordering="gig__title")
    def gig_title(self, bid: Bid) -> str:
        return bid.gig.title

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_idr(self, bid: Bid) -> str:
        return rupiah(bid.amount)

    @admin.display(description=gettext_lazy("contact-filter hits"))
    def flags(self, bid: Bid) -> str:
        return flag_text(bid.contact_flags) or "–"

    @admin.display(description=gettext_lazy("removed"), boolean=True, ordering="removed_at")
    def removed(self, bid: Bid) -> bool:
        return bid.removed_at is not None


@admin.register(ContractMessage)
class ContractMessageAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "sender", "excerpt", "flags", "removed", "created_at"]
    list_select_related = ["sender"]
    list_filter = [RemovedFilter, "created_at"]
    search_fields = ["sender__username", "body"]

    @admin.display(description=gettext_lazy("message"))
    def excerpt(self, message: ContractMessage) -> str:
        return message.body[:80]

    @admin.display(description=gettext_lazy("contact-filter hits"))
    def flags(self, message: ContractMessage) -> str:
        return flag_text(message.contact_flags) or "–"

    @admin.display(description=gettext_lazy("removed"), boolean=True, ordering="removed_at")
    def removed(self, message: ContractMessage) -> bool:
        return message.removed_at is not None


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "author",
        "subject_role",
        "scores",
        "excerpt",
        "revealed_at",
        "removed",
        "created_at",
    ]
    list_select_related = ["author", "subject"]
    list_filter = [RemovedFilter, "subject_role", "created_at"]
    search_fields = ["author__username", "subject__username", "comment"]

    @admin.display(description=gettext_lazy("quality / communication / value"))
    def scores(self, review: Review) -> str:
        return f"{review.quality} / {review.communication} / {review.value}"

    @admin.display(description=gettext_lazy("comment"))
    def excerpt(self, review: Review) -> str:
        return review.comment[:80]

    @admin.display(description=gettext_lazy("removed"), boolean=True, ordering="removed_at")
    def removed(self, review: Review) -> bool:
        return review.removed_at is not None
