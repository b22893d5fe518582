"""The dashboard (as a client and as a freelancer) and the contract page: milestones with the
actions the viewer may take, deliveries, the message thread and the reviews.

Every write goes through the same service the API calls (``projects.services.milestones``,
``.contracts``, ``.reviews``); every read through the API's selectors. A refusal the person can
act on (not enough money, no revisions left, an empty note) re-renders the contract page with
the service's message on the form that failed (status 400); a stranger's request is the 404
page, a party acting out of turn the 403 page (``marketplace.pages``).

One module per part: ``display`` (state pills, time left), ``actions`` (the milestone actions'
forms and labels), ``contract_page`` with its ``milestone_views`` and ``thread``, ``payment``
("Pay" on a milestone), ``dashboard``; their URLs are here.
"""

from __future__ import annotations

from typing import Any

from django.urls import path

from projects.pages.contracts.actions import ACTIONS
from projects.pages.contracts.contract_page import (
    contract_detail,
    contract_message,
    contract_review,
    milestone_action,
)
from projects.pages.contracts.dashboard import dashboard
from projects.pages.contracts.payment import milestone_pay_page


def _milestone_path(action: str) -> Any:
    return path(
        f"milestones/<int:milestone_id>/{action}/",
        milestone_action,
        {"action": action},
        name=f"milestone-{action}",
    )


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("contracts/<int:contract_id>/", contract_detail, name="contract-detail"),
    path("contracts/<int:contract_id>/messages/", contract_message, name="contract-message"),
    path("contracts/<int:contract_id>/review/", contract_review, name="contract-review"),
    *[_milestone_path(action) for action in ACTIONS],
    path("milestones/<int:milestone_id>/pay/", milestone_pay_page, name="milestone-pay"),
]
