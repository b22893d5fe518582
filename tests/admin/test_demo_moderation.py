"""The demo's moderator works through every queue of the running demo's admin (issue: "A
moderator, created by the demo data, can work through the queues in the admin")."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import ModeratorAction, Notification, Suspension, User
from payments.models import Account
from projects.models import Dispute, Gig, Report


@pytest.fixture
def demo_moderator(db) -> Client:
    call_command("load_demo_data")
    client = Client(headers={"accept-language": "en"})
    client.force_login(User.objects.get(username="moderator"))
    return client


def wallet(username: str) -> int:
    user = User.objects.get(username=username)
    account = Account.objects.filter(reference=f"wallet:{user.pk}").first()
    return account.balance if account else 0  # a wallet is opened by its first movement


def test_every_queue_opens_for_the_demo_moderator(demo_moderator):
    for path in (
        "/admin/",
        "/admin/projects/gig/",
        "/admin/projects/report/",
        "/admin/projects/dispute/",
        "/admin/projects/contract/",
        "/admin/accounts/user/",
        "/admin/accounts/suspension/",
        "/admin/accounts/moderatoraction/",
        "/admin/payments/withdrawal/",
        f"/admin/projects/gig/{Gig.objects.filter(status='pending_review').first().pk}/change/",
        f"/admin/projects/report/{Report.objects.first().pk}/change/",
        f"/admin/projects/dispute/{Dispute.objects.get().pk}/change/",
    ):
        assert demo_moderator.get(path).status_code == 200, path


def test_the_demo_moderator_clears_the_queues(demo_moderator):
    changelist = "/admin/projects/gig/"
    bakso, followers = (
        Gig.objects.get(client__username=name, status="pending_review")
        for name in ("warung.bakso", "akun.promo")
    )
    demo_moderator.post(changelist, {"action": "approve_selected", "_selected_action": [bakso.pk]})
    demo_moderator.post(
        changelist,
        {
            "action": "reject_selected",
            "_selected_action": [followers.pk],
            "apply": "1",
            "reason": "Jasa followers palsu dilarang di Garap.",
        },
    )
    assert Gig.objects.get(pk=bakso.pk).status == "open"
    assert Gig.objects.get(pk=followers.pk).status == "rejected"

    bid_report = Report.objects.get(target_type="bid")
    demo_moderator.post(
        "/admin/projects/report/",
        {
            "action": "suspend_user",
            "_selected_action": [bid_report.pk],
            "apply": "1",
            "note": "Meminta pembayaran di luar Garap.",
        },
    )
    joko = User.objects.get(username="joko.cepat")
    assert Suspension.objects.filter(user=joko, lifted_at__isnull=True).count() == 1
    assert Report.objects.get(pk=bid_report.pk).outcome == "user_suspended"
    assert Notification.objects.filter(recipient__username="toko_sari", kind="report_actioned")

    dispute = Dispute.objects.get()
    before = wallet("budi.desain"), wallet("kopi.nusantara")
    demo_moderator.post(
        f"/admin/projects/dispute/{dispute.pk}/change/",
        {"freelancer_amount": "190000", "note": "Separuh: video dikirim, tapi 12 detik."},
    )
    dispute.refresh_from_db()
    assert dispute.status == "resolved"
    # Rp 380.000 in escrow: Rp 190.000 less the 10 % fee to Budi, Rp 190.000 back to Kopi.
    assert (wallet("budi.desain") - before[0], wallet("kopi.nusantara") - before[1]) == (
        171_000,
        190_000,
    )
    assert Counter(ModeratorAction.objects.values_list("action", flat=True)) >= Counter(
        {
            "approve_gig": 1,
            "reject_gig": 1,
            "suspend_user": 1,
            "resolve_report": 1,
            "resolve_dispute": 1,
        }
    )
