"""The admin's queues and consoles, checked with axe-core as a moderator and finance staff see
them on a laptop (1280 px) in Bahasa Indonesia: no serious or critical WCAG 2.1 A/AA
violation on any of them (tests/browser/axe.py)."""

from __future__ import annotations

import pytest

from projects.models import Dispute, Gig, Report
from projects.services import milestones as services
from projects.services.reports import report_create
from tests.accounts.factories import UserFactory
from tests.admin.test_payments_admin import request_withdrawal
from tests.browser.axe import assert_accessible
from tests.projects.factories import ContractFactory, GigFactory, top_up

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1280, "height": 800}


def disputed() -> Dispute:
    contract = ContractFactory(bid__amount=120_000)
    top_up(contract.client, 200_000)
    milestone = services.milestone_fund(
        milestone_id=contract.milestones.get().pk, actor=contract.client
    )
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note="Logo.")
    services.milestone_dispute(
        milestone_id=milestone.pk, actor=contract.client, reason="Bukan vektor."
    )
    return Dispute.objects.get(milestone=milestone)


def test_the_admins_queues_and_consoles_pass_axe(phone_page, login_in_browser):
    staff = UserFactory(username="root1", is_staff=True, is_superuser=True)
    gig = GigFactory(
        status=Gig.Status.PENDING_REVIEW, published_at=None, title="Desain logo warung kopi"
    )
    report, _created = report_create(
        reporter=UserFactory(),
        target_type="gig",
        target_id=GigFactory(title="Bayar di luar aplikasi").pk,
        reason=Report.Reason.OFF_PLATFORM_PAYMENT,
    )
    dispute = disputed()
    withdrawal = request_withdrawal()
    pages = {
        "index": "/admin/",
        "gig queue": "/admin/projects/gig/?status__exact=pending_review",
        "gig review": f"/admin/projects/gig/{gig.pk}/change/",
        "report queue": "/admin/projects/report/",
        "report": f"/admin/projects/report/{report.pk}/change/",
        "dispute queue": "/admin/projects/dispute/",
        "dispute console": f"/admin/projects/dispute/{dispute.pk}/change/",
        "trust queue": "/admin/projects/trustcheck/",
        "withdrawals": "/admin/payments/withdrawal/",
        "withdrawal": f"/admin/payments/withdrawal/{withdrawal.pk}/change/",
        "users": "/admin/accounts/user/",
    }
    page = phone_page("id")
    page.set_viewport_size(LAPTOP)
    login_in_browser(page, staff)

    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, f"{name}: {response.status}"
        assert_accessible(page, f"admin {name}")
