"""The contract page and its forms: who sees it, which actions each party is offered, and that
every form acts through its service — money and state as the API would leave them — or shows
the service's refusal with nothing changed.

The figures: a Rp 120.000 milestone; the client's wallet holds Rp 200.000; at the 10 % fee the
freelancer receives Rp 108.000 and Garap Rp 12.000.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import Notification
from payments.models import Account, LedgerTransaction
from projects import content_filter
from projects.models import (
    Contract,
    ContractMessage,
    Delivery,
    DeliveryFile,
    Dispute,
    Milestone,
    Review,
    RevisionRequest,
)
from projects.pages.contracts.display import duration_text
from projects.policies.milestones import milestone_actions
from projects.services import milestones as services
from tests.accounts.factories import UserFactory
from tests.contracts import NOTE, START, fresh, only
from tests.pages.conftest import assert_login_redirect, browser
from tests.projects.factories import (
    ContractFactory,
    ContractMessageFactory,
    MessageAttachmentFactory,
    top_up,
)
from tests.samples import PDF

M = Milestone.Status
PHONE_MESSAGE = "Biar cepat, kita lanjut di nomor 0857 1234 5678 saja, bisa?"


@pytest.fixture
def completed(contract, submitted):
    services.milestone_approve(milestone_id=submitted.pk, actor=contract.client)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    return contract


def balance(reference: str) -> int:
    found = Account.objects.filter(reference=reference).values_list("balance", flat=True).first()
    return found or 0


def books(contract: Contract) -> dict[str, int]:
    return {
        "client": balance(f"wallet:{contract.client_id}"),
        "escrow": sum(balance(f"escrow:milestone:{m.pk}") for m in contract.milestones.all()),
        "freelancer": balance(f"wallet:{contract.freelancer_id}"),
        "fees": balance("platform:fees"),
    }


def page(contract: Contract) -> str:
    return f"/contracts/{contract.pk}/"


def act(user, milestone: Milestone, action: str, data: dict | None = None, **kwargs):
    return browser(user).post(f"/milestones/{milestone.pk}/{action}/", data or {}, **kwargs)


def text(response) -> str:
    return response.content.decode()


def action_urls(response) -> set[str]:
    """The milestone actions the page offers, by the path each form posts to."""
    return set(re.findall(r'action="(/milestones/\d+/[a-z-]+/)"', text(response)))


def urls(milestone: Milestone, *actions: str) -> set[str]:
    return {f"/milestones/{milestone.pk}/{action}/" for action in actions}


# --- who sees the page --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(contract):
    milestone = only(contract)
    for path in (
        page(contract),
        f"/contracts/{contract.pk}/messages/",
        f"/contracts/{contract.pk}/review/",
        f"/milestones/{milestone.pk}/fund/",
    ):
        assert_login_redirect(browser().get(path), path)
    response = browser().post(f"/milestones/{milestone.pk}/fund/")
    assert_login_redirect(response, f"/milestones/{milestone.pk}/fund/")
    assert fresh(milestone).status == M.PENDING


def test_a_stranger_gets_404_on_the_page_and_every_form(contract):
    stranger = UserFactory()
    milestone = only(contract)
    before = books(contract)

    assert browser(stranger).get(page(contract)).status_code == 404
    for action, data in [
        ("fund", {}),
        ("approve", {}),
        ("cancel", {}),
        ("dispute", {"reason": "Tidak dikerjakan."}),
        ("request-revision", {"note": "Ganti warna."}),
        ("submit", {"note": NOTE}),
    ]:
        assert act(stranger, milestone, action, data).status_code == 404, action
    client = browser(stranger)
    assert client.post(f"/contracts/{contract.pk}/messages/", {"body": "Halo"}).status_code == 404
    assert client.get("/contracts/999999/").status_code == 404
    assert act(stranger, Milestone(pk=999999), "fund").status_code == 404

    assert fresh(milestone).status == M.PENDING
    assert books(contract) == before
    assert not ContractMessage.objects.exists()
    assert not Dispute.objects.exists()


def test_the_client_sees_parties_amount_status_and_the_fund_button(contract):
    milestone = only(contract)

    response = browser(contract.client).get(page(contract))

    assert response.status_code == 200
    body = text(response)
    assert contract.gig.title in body
    assert contract.client.public_name in body
    assert contract.freelancer.public_name in body
    assert "Rp 120.000" in body
    assert "Fund Rp 120.000" in body
    assert "Pay Rp 120.000 by bank transfer, QRIS or e-wallet" in body
    assert "The freelancer receives Rp 108.000 after Garap's 10 % fee (Rp 12.000)." in body
    assert "due in 5 days" in body
    assert "Your wallet holds Rp 200.000." in body
    assert action_urls(response) == urls(milestone, "fund", "pay", "cancel")
    assert f'href="/gigs/{contract.gig_id}/"' in body


def test_the_freelancer_sees_the_contract_without_client_actions(contract):
    response = browser(contract.freelancer).get(page(contract))

    assert response.status_code == 200
    assert contract.gig.title in text(response)
    assert action_urls(response) == set()
    assert "Your wallet holds" not in text(response)


def test_the_page_renders_in_indonesian(contract):
    response = browser(contract.client, language="id").get(page(contract))

    assert response.status_code == 200
    assert '<html lang="id">' in text(response)


def test_the_page_renders_in_english(contract):
    response = browser(contract.client, language="en").get(page(contract))

    assert '<html lang="en">' in text(response)


# --- which actions: one helper, state × role ----------------------------------------------------


@pytest.mark.parametrize(
    ("status", "overdue", "revisions_used", "client", "freelancer"),
    [
        (M.PENDING, False, 0, ["fund", "cancel"], []),
        (M.FUNDED, False, 0, ["dispute"], ["submit", "cancel", "dispute"]),
        (M.FUNDED, True, 0, ["cancel", "dispute"], ["submit", "cancel", "dispute"]),
        (M.SUBMITTED, False, 0, ["approve", "request-revision", "dispute"], ["dispute"]),
        (M.SUBMITTED, False, 2, ["approve", "dispute"], ["dispute"]),
        (M.REVISION_REQUESTED, False, 1, ["dispute"], ["submit", "dispute"]),
        (M.DISPUTED, False, 0, [], []),
        (M.RELEASED, False, 0, [], []),
        (M.RESOLVED, False, 0, [], []),
        (M.CANCELLED, False, 0, [], []),
    ],
)
def test_milestone_actions_by_state_and_role(status, overdue, revisions_used, client, freelancer):
    now = START
    contract = Contract(client_id=1, freelancer_id=2, revisions_included=2)
    milestone = Milestone(
        status=status,
        revisions_used=revisions_used,
        due_at=now - timedelta(minutes=1) if overdue else now + timedelta(days=1),
    )

    def offered(viewer_id: int) -> list[str]:
        return milestone_actions(milestone, contract=contract, viewer_id=viewer_id, now=now)

    assert offered(1) == client
    assert offered(2) == freelancer
    assert offered(3) == []  # a moderator reading the contract acts in the admin


def test_a_closed_contract_offers_no_actions():
    contract = Contract(client_id=1, freelancer_id=2, status=Contract.Status.COMPLETED)
    milestone = Milestone(status=M.PENDING, due_at=START)

    assert milestone_actions(milestone, contract=contract, viewer_id=1, now=START) == []


def test_duration_text():
    hour, day = 3600, 86400
    with translation.override("id"):
        assert duration_text(2 * day + 3 * hour + 59) == "2 hari 3 jam"
    with translation.override("en"):
        assert duration_text(2 * day + 3 * hour + 59) == "2 days 3 hours"
        assert duration_text(day) == "1 day"
        assert duration_text(-(3 * hour + 5 * 60)) == "3 hours 5 minutes"
        assert duration_text(hour) == "1 hour"
        assert duration_text(61) == "1 minute"
        assert duration_text(30) == "less than a minute"


# --- fund ---------------------------------------------------------------------------------------


def test_fund_moves_the_money_into_escrow(contract):
    milestone = only(contract)

    client = browser(contract.client)

    response = client.post(f"/milestones/{milestone.pk}/fund/")

    assert response.status_code == 302
    assert response["Location"] == f"/contracts/{contract.pk}/#milestone-{milestone.pk}"
    assert fresh(milestone).status == M.FUNDED
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}
    after = client.get(response["Location"])
    assert "Funded: Rp 120.000 is held in escrow. The freelancer can start." in text(after)


def test_fund_without_the_money_shows_the_refusal_and_moves_nothing(db, clock):
    contract = ContractFactory(bid__amount=120_000)
    top_up(contract.client, 100_000)
    milestone = only(contract)
    transactions = LedgerTransaction.objects.count()

    response = act(contract.client, milestone, "fund")

    assert response.status_code == 400
    body = text(response)
    assert "Not enough money: Rp 20.000 more is needed." in body
    assert 'href="/wallet/"' in body
    assert "Top up your wallet" in body
    assert fresh(milestone).status == M.PENDING
    assert LedgerTransaction.objects.count() == transactions
    assert books(contract) == {"client": 100_000, "escrow": 0, "freelancer": 0, "fees": 0}


def test_the_freelancer_cannot_fund(contract):
    milestone = only(contract)

    response = act(contract.freelancer, milestone, "fund")

    assert response.status_code == 403
    assert "Only the client funds milestones." in text(response)
    assert fresh(milestone).status == M.PENDING
    assert books(contract) == {"client": 200_000, "escrow": 0, "freelancer": 0, "fees": 0}


def test_a_form_posted_without_the_csrf_token_is_refused(contract):
    milestone = only(contract)
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.force_login(contract.client)

    response = client.post(f"/milestones/{milestone.pk}/fund/")

    assert response.status_code == 403
    assert fresh(milestone).status == M.PENDING
    assert books(contract)["escrow"] == 0


def test_the_page_carries_a_csrf_token_in_every_form(contract, funded):
    response = browser(contract.freelancer).get(page(contract))

    body = text(response)
    forms = body.count('method="post"')
    assert forms >= 4  # submit, cancel, dispute, message (and the header's log out)
    assert body.count('name="csrfmiddlewaretoken"') == forms


def test_getting_an_action_url_is_not_allowed(contract):
    assert browser(contract.client).get(f"/milestones/{only(contract).pk}/fund/").status_code == 405


# --- submit -------------------------------------------------------------------------------------


def test_submit_with_a_file_creates_a_delivery(contract, funded):
    upload = SimpleUploadedFile("logo-final.pdf", PDF, content_type="application/pdf")

    response = act(contract.freelancer, funded, "submit", {"note": NOTE, "files": [upload]})

    assert response.status_code == 302
    assert fresh(funded).status == M.SUBMITTED
    [delivery] = Delivery.objects.filter(milestone=funded)
    assert delivery.note == NOTE
    [stored] = DeliveryFile.objects.filter(delivery=delivery)
    assert (stored.original_name, stored.content_type) == ("logo-final.pdf", "application/pdf")
    client_page = browser(contract.client).get(page(contract))
    seen = text(client_page)
    assert NOTE in seen
    assert "logo-final.pdf" in seen
    # The client downloads the delivered file from the page's link (the API's, with the session).
    link = f"/api/v1/contracts/{contract.pk}/deliveries/files/{stored.pk}/"
    assert f'href="{link}"' in client_page.content.decode()
    download = browser(contract.client).get(link)
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF)
    # Submitted at 10:00 on 3 March (Jakarta): paid automatically 3 days later.
    assert "6 Mar 2025, 10:00" in seen
    assert "paid automatically in 3 days" in seen


def test_submit_without_a_note_keeps_the_form_and_changes_nothing(contract, funded):
    response = act(contract.freelancer, funded, "submit", {"note": ""})

    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert fresh(funded).status == M.FUNDED
    assert not Delivery.objects.exists()


def test_the_client_cannot_submit(contract, funded):
    response = act(contract.client, funded, "submit", {"note": NOTE})

    assert response.status_code == 403
    assert fresh(funded).status == M.FUNDED
    assert not Delivery.objects.exists()


# --- request a revision, approve ----------------------------------------------------------------


def test_the_client_requests_a_revision(contract, submitted):
    page_before = browser(contract.client).get(page(contract))
    assert action_urls(page_before) == urls(submitted, "approve", "request-revision", "dispute")

    response = act(contract.client, submitted, "request-revision", {"note": "Warna lebih cerah."})

    assert response.status_code == 302
    milestone = fresh(submitted)
    assert (milestone.status, milestone.revisions_used) == (M.REVISION_REQUESTED, 1)
    offered = action_urls(browser(contract.freelancer).get(page(contract)))
    assert offered == urls(submitted, "submit", "dispute")


def test_the_freelancer_cannot_request_a_revision(contract, submitted):
    response = act(contract.freelancer, submitted, "request-revision", {"note": "Hmm."})

    assert response.status_code == 403
    assert fresh(submitted).status == M.SUBMITTED


def test_approve_releases_the_money_less_the_fee(contract, submitted):
    response = act(contract.client, submitted, "approve")

    assert response.status_code == 302
    assert fresh(submitted).status == M.RELEASED
    assert books(contract) == {"client": 80_000, "escrow": 0, "freelancer": 108_000, "fees": 12_000}
    assert fresh(contract).status == Contract.Status.COMPLETED


def test_the_freelancer_cannot_approve(contract, submitted):
    response = act(contract.freelancer, submitted, "approve")

    assert response.status_code == 403
    assert fresh(submitted).status == M.SUBMITTED
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}


# --- cancel, dispute ----------------------------------------------------------------------------


def test_the_client_cancels_a_pending_milestone(contract):
    milestone = only(contract)

    response = act(contract.client, milestone, "cancel")

    assert response.status_code == 302
    assert fresh(milestone).status == M.CANCELLED
    assert fresh(contract).status == Contract.Status.CANCELLED
    assert books(contract)["client"] == 200_000


def test_the_client_cannot_cancel_funded_work_before_it_is_overdue(contract, funded):
    response = act(contract.client, funded, "cancel")

    assert response.status_code == 400
    assert "The work is not overdue yet." in text(response)
    assert fresh(funded).status == M.FUNDED
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}


def test_overdue_work_shows_how_late_and_the_client_may_cancel_for_a_refund(
    contract, funded, clock
):
    clock.move_to(START + timedelta(days=6, hours=2))  # due 5 days after START
    seen = browser(contract.client).get(page(contract))
    assert "overdue by 1 day 2 hours" in text(seen)
    assert action_urls(seen) == urls(funded, "cancel", "dispute")

    response = act(contract.client, funded, "cancel")

    assert response.status_code == 302
    assert fresh(funded).status == M.CANCELLED
    assert books(contract) == {"client": 200_000, "escrow": 0, "freelancer": 0, "fees": 0}


def test_the_freelancer_cancels_funded_work_and_the_client_is_refunded(contract, funded):
    response = act(contract.freelancer, funded, "cancel")

    assert response.status_code == 302
    assert fresh(funded).status == M.CANCELLED
    assert books(contract) == {"client": 200_000, "escrow": 0, "freelancer": 0, "fees": 0}


def test_the_freelancer_cannot_cancel_an_unfunded_milestone(contract):
    milestone = only(contract)

    response = act(contract.freelancer, milestone, "cancel")

    assert response.status_code == 403
    assert fresh(milestone).status == M.PENDING


def test_either_party_opens_a_dispute_with_a_reason(contract, funded):
    response = act(contract.freelancer, funded, "dispute", {"reason": "Klien tidak membalas."})

    assert response.status_code == 302
    assert fresh(funded).status == M.DISPUTED
    dispute = Dispute.objects.get(milestone=funded)
    assert (dispute.opened_by, dispute.reason) == (contract.freelancer, "Klien tidak membalas.")
    seen = browser(contract.client).get(page(contract))
    assert "Klien tidak membalas." in text(seen)
    assert action_urls(seen) == set()
    assert books(contract)["escrow"] == 120_000


def test_a_dispute_needs_a_reason(contract, funded):
    response = act(contract.client, funded, "dispute", {"reason": ""})

    assert response.status_code == 400
    assert fresh(funded).status == M.FUNDED
    assert not Dispute.objects.exists()


# --- messages -----------------------------------------------------------------------------------


def test_posting_a_message_with_a_file(contract):
    upload = SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf")

    response = browser(contract.client).post(
        f"/contracts/{contract.pk}/messages/", {"body": "Ini brief lengkapnya.", "files": [upload]}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/contracts/{contract.pk}/#thread"
    [message] = ContractMessage.objects.filter(contract=contract)
    assert (message.sender, message.body) == (contract.client, "Ini brief lengkapnya.")
    [attachment] = message.attachments.all()
    assert attachment.original_name == "brief.pdf"
    seen = text(browser(contract.freelancer).get(page(contract)))
    assert "Ini brief lengkapnya." in seen
    link = f"/api/v1/contracts/{contract.pk}/messages/attachments/{attachment.pk}/"
    assert f'href="{link}"' in seen
    assert browser(contract.freelancer).get(link).status_code == 200


def test_an_empty_message_is_refused_with_the_services_words(contract):
    response = browser(contract.client).post(f"/contracts/{contract.pk}/messages/", {"body": " "})

    assert response.status_code == 400
    assert "Write a message or attach a file." in text(response)
    assert not ContractMessage.objects.exists()


def test_contact_details_are_masked_for_the_other_party_as_in_the_api(contract):
    browser(contract.freelancer).post(
        f"/contracts/{contract.pk}/messages/", {"body": PHONE_MESSAGE}
    )
    [message] = ContractMessage.objects.all()
    assert message.contact_flags == ["phone"]
    masked = content_filter.mask_contacts(PHONE_MESSAGE)

    as_client = text(browser(contract.client).get(page(contract)))
    as_author = text(browser(contract.freelancer).get(page(contract)))

    assert "0857 1234 5678" not in as_client
    assert masked in as_client
    assert PHONE_MESSAGE in as_author
    assert "hidden from the other party" in as_author


def test_a_removed_message_shows_only_that_it_was_removed(contract):
    message = ContractMessageFactory(contract=contract, body="Transfer langsung saja ke rekening.")
    MessageAttachmentFactory(message=message, original_name="rekening.pdf")
    ContractMessage.objects.filter(pk=message.pk).update(removed_at=timezone.now())

    seen = text(browser(contract.freelancer).get(page(contract)))

    assert "This message was removed by a moderator." in seen
    assert "Transfer langsung" not in seen
    assert "rekening.pdf" not in seen


def test_the_thread_is_oldest_first(contract, clock):
    ContractMessageFactory(contract=contract, body="Pesan pertama.")
    clock.shift(timedelta(minutes=1))
    ContractMessageFactory(contract=contract, body="Pesan kedua.")

    seen = text(browser(contract.client).get(page(contract)))

    assert seen.index("Pesan pertama.") < seen.index("Pesan kedua.")


# --- reviews ------------------------------------------------------------------------------------

REVIEW = {"quality": "5", "communication": "4", "value": "5", "comment": "Cepat dan rapi."}


def test_no_review_form_before_the_contract_completes(contract, submitted):
    assert "/review/" not in text(browser(contract.client).get(page(contract)))


def test_a_review_is_sealed_until_the_other_party_reviews(completed):
    contract = completed
    assert f'action="/contracts/{contract.pk}/review/"' in text(
        browser(contract.client).get(page(contract))
    )

    response = browser(contract.client).post(f"/contracts/{contract.pk}/review/", REVIEW)

    assert response.status_code == 302
    review = Review.objects.get(contract=contract, author=contract.client)
    assert (review.quality, review.communication, review.value) == (5, 4, 5)
    assert review.revealed_at is None
    as_client = text(browser(contract.client).get(page(contract)))
    assert "Your review is sealed until" in as_client
    assert f'action="/contracts/{contract.pk}/review/"' not in as_client
    as_freelancer = text(browser(contract.freelancer).get(page(contract)))
    assert "Cepat dan rapi." not in as_freelancer
    assert "has reviewed you. Write your review to see theirs." in as_freelancer

    browser(contract.freelancer).post(
        f"/contracts/{contract.pk}/review/", {**REVIEW, "comment": "Brief jelas, bayar cepat."}
    )

    assert Review.objects.filter(contract=contract, revealed_at__isnull=False).count() == 2
    as_freelancer = text(browser(contract.freelancer).get(page(contract)))
    assert "Cepat dan rapi." in as_freelancer
    assert "Brief jelas, bayar cepat." in as_freelancer


def test_a_review_score_out_of_range_keeps_the_form(completed):
    response = browser(completed.client).post(
        f"/contracts/{completed.pk}/review/", {**REVIEW, "quality": "9"}
    )

    assert response.status_code == 400
    assert "Cepat dan rapi." in text(response)  # what they typed is kept
    assert not Review.objects.exists()


def test_a_review_before_completion_is_refused(contract, submitted):
    response = browser(contract.client).post(f"/contracts/{contract.pk}/review/", REVIEW)

    assert response.status_code == 400
    assert "Reviews open once the contract is completed with paid work." in text(response)
    assert not Review.objects.exists()


def test_a_stranger_cannot_review(completed):
    response = browser(UserFactory()).post(f"/contracts/{completed.pk}/review/", REVIEW)

    assert response.status_code == 404
    assert not Review.objects.exists()


# --- query count --------------------------------------------------------------------------------


def _contract_with(milestones: int, messages: int) -> Contract:
    """A contract whose milestones each have a delivery sent back with a revision request and
    one after it with a file, and a thread of messages with an attachment each."""
    contract = ContractFactory(bid__amount=120_000 * milestones)
    Milestone.objects.filter(contract=contract).update(amount=120_000, status=M.SUBMITTED)
    for position in range(2, milestones + 1):
        Milestone.objects.create(
            contract=contract,
            position=position,
            title=f"Bagian {position}",
            amount=120_000,
            due_at=timezone.now() + timedelta(days=position),
            status=M.SUBMITTED,
            submitted_at=timezone.now(),
        )
    for milestone in contract.milestones.all():
        sent_back = Delivery.objects.create(milestone=milestone, note=NOTE)
        RevisionRequest.objects.create(delivery=sent_back, note="Warna lebih cerah.", number=1)
        delivery = Delivery.objects.create(milestone=milestone, note=NOTE)
        DeliveryFile.objects.create(
            delivery=delivery,
            file=f"milestones/{milestone.pk}/deliveries/logo.pdf",
            original_name="logo.pdf",
            content_type="application/pdf",
            size=2048,
        )
    for n in range(messages):
        message = ContractMessageFactory(
            contract=contract,
            sender=contract.client if n % 2 else contract.freelancer,
            body=PHONE_MESSAGE,
            contact_flags=["phone"],
        )
        MessageAttachmentFactory(message=message)
    return contract


def _queries(user, path: str) -> int:
    client = browser(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_with_1_or_5_milestones_and_2_or_20_messages(db, clock):
    small = _contract_with(milestones=1, messages=2)
    large = _contract_with(milestones=5, messages=20)

    for viewer in ("client", "freelancer"):
        assert _queries(getattr(small, viewer), page(small)) == _queries(
            getattr(large, viewer), page(large)
        ), viewer


def test_the_completed_page_with_reviews_costs_the_same(completed, db):
    Review.objects.create(
        contract=completed,
        author=completed.client,
        subject=completed.freelancer,
        subject_role=Review.Subject.FREELANCER,
        quality=5,
        communication=5,
        value=5,
        comment="Mantap.",
    )
    ContractMessageFactory(contract=completed, body="Sudah saya setujui.")
    small = _queries(completed.client, page(completed))
    for n in range(10):
        ContractMessageFactory(contract=completed, body=f"Terima kasih {n}.")

    assert _queries(completed.client, page(completed)) == small


# --- a dispute settled by a split ---------------------------------------------------------------


def test_after_a_split_the_page_shows_what_each_party_really_got(contract, submitted):
    from django.contrib.auth.models import Group, Permission

    moderator = UserFactory(is_staff=True)
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=["moderate_gig", "resolve_dispute"], content_type__app_label="projects"
        )
    )
    moderator.groups.add(group)
    services.milestone_dispute(milestone_id=submitted.pk, actor=contract.client, reason="Kurang.")
    services.milestone_resolve(
        milestone_id=submitted.pk, moderator=moderator, freelancer_amount=50_000, note="Separuh."
    )
    # The ledger's own figures: 50.000 awarded, 10 % fee 5.000, 45.000 received, 70.000 back.
    assert books(contract) == {
        "client": 200_000 - 120_000 + 70_000,
        "escrow": 0,
        "freelancer": 45_000,
        "fees": 5_000,
    }

    for who in (contract.client, contract.freelancer):
        seen = text(browser(who).get(page(contract)))
        settled = seen[seen.index('class="meta settlement"') :]
        settled = settled[: settled.index("</p>")]
        assert "the freelancer received Rp 45.000" in settled
        assert "Rp 50.000 awarded" in settled
        assert "Rp 5.000" in settled
        assert "Rp 70.000 went back to the client" in settled
        # Not the full payout the milestone would have paid without the dispute.
        assert "Rp 108.000" not in seen
        assert "before Garap's fee and received Rp 45.000 after it" in seen
    assert browser(contract.client, language="id").get(page(contract)).status_code == 200

    # Written in the freelancer's language (the factory's users read Bahasa Indonesia).
    [notice] = Notification.objects.filter(kind="dispute_resolved", recipient=contract.freelancer)
    assert contract.freelancer.preferred_language == "id"
    assert notice.body == (
        "Freelancer diberi Rp 50.000 dari Rp 120.000 sebelum biaya Garap, dan menerima "
        "Rp 45.000 setelah dipotong biaya Rp 5.000; Rp 70.000 kembali ke klien."
    )
