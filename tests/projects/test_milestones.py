"""Milestones and their escrow, end to end: fund, submit, revise, approve, auto-release, cancel,
dispute and resolve — through the API where a person acts, through the services where the system
does — with the exact rupiah on every account after each step.

The figures: a Rp 120.000 milestone at the default 10 % fee pays the freelancer Rp 108.000 and
Garap Rp 12.000; Rp 149.995 (odd, so the fee has half a rupiah to round, half up) pays Rp 15.000
in fees and Rp 134.995 to the freelancer.
"""

from collections import Counter
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils.dateparse import parse_datetime
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Notification
from marketplace.storage import private_storage
from payments.fees import fee_basis_points, freelancer_receives, platform_fee
from payments.models import Account, Entry, LedgerTransaction
from projects.audit import ledger_problems
from projects.models import Contract, Delivery, DeliveryFile, Dispute, Gig, Milestone
from projects.services import milestones as services
from projects.services.contracts import milestones_split
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.contracts import NOTE, START, fresh, only
from tests.projects.factories import ContractFactory, top_up
from tests.samples import PDF

M = Milestone.Status
DUE = START + timedelta(days=5)  # ContractFactory's milestone is due 5 days after creation
TXT = b"Warna: #F4A7B9 dan #3B2F2F. Font: Poppins.\n"


# --- fixtures and helpers ---------------------------------------------------------------------


def rp(amount: int) -> str:
    return f"Rp {amount:,}".replace(",", ".")


@pytest.fixture
def moderator(db):
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(codename="moderate_gig", content_type__app_label="projects")
    )
    user = UserFactory(is_staff=True)
    user.groups.add(group)
    return user


def post(user, milestone: Milestone, action: str, body: dict | None = None, **kwargs):
    kwargs.setdefault("format", "json")
    return client_for(user).post(f"/api/v1/milestones/{milestone.pk}/{action}/", body, **kwargs)


def assert_error(response, status: int, code: str, message: str, fields: dict | None = None):
    body = response.json()
    assert response.status_code == status, body
    assert body == {"code": code, "message": message, "fields": fields or {}}


def balance(reference: str) -> int:
    found = Account.objects.filter(reference=reference).values_list("balance", flat=True).first()
    return found or 0


def books(contract: Contract) -> dict[str, int]:
    """Every balance the contract's money touches, in whole rupiah."""
    return {
        "client": balance(f"wallet:{contract.client_id}"),
        "escrow": sum(balance(f"escrow:milestone:{m.pk}") for m in contract.milestones.all()),
        "freelancer": balance(f"wallet:{contract.freelancer_id}"),
        "fees": balance("platform:fees"),
    }


def ledger_rows() -> tuple[int, int]:
    return LedgerTransaction.objects.count(), Entry.objects.count()


def entries(kind: str) -> list[tuple[str, int]]:
    """The entries of the one transaction of ``kind``, by account reference."""
    [txn] = LedgerTransaction.objects.filter(kind=kind)
    return sorted(txn.entries.values_list("account__reference", "amount"))


def kinds() -> list[str]:
    return list(LedgerTransaction.objects.order_by("pk").values_list("kind", flat=True))


def notices(contract: Contract) -> Counter:
    """(kind, "client" | "freelancer") → how many notices of that kind the party got."""
    who = {contract.client_id: "client", contract.freelancer_id: "freelancer"}
    return Counter(
        (kind, who.get(recipient, recipient))
        for kind, recipient in Notification.objects.exclude(
            kind__in=("deposit_paid", "deposit_failed")  # the wallet's own notices
        ).values_list("kind", "recipient_id")
    )


def two_milestones(contract: Contract, first: int, second: int) -> list[Milestone]:
    return milestones_split(
        contract_id=contract.pk,
        actor=contract.client,
        parts=[
            {"title": "Konsep", "amount": first, "due_at": DUE},
            {"title": "Final", "amount": second, "due_at": START + timedelta(days=7)},
        ],
    )


# --- fund -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_wallet", "missing"),
    [(0, "Rp 120.000"), (100_000, "Rp 20.000"), (119_999, "Rp 1")],
)
def test_fund_short_is_402_naming_the_top_up_and_moves_nothing(clock, db, in_wallet, missing):
    contract = ContractFactory(bid__amount=120_000)
    if in_wallet:
        top_up(contract.client, in_wallet)
    milestone = only(contract)
    before = ledger_rows()

    response = post(contract.client, milestone, "fund")

    assert_error(
        response,
        402,
        "insufficient_funds",
        f"Not enough money: {missing} more is needed.",
        {"amount": [f"Top up at least {missing}."]},
    )
    assert fresh(milestone).status == M.PENDING
    assert milestone.funded_at is None
    assert ledger_rows() == before
    assert books(contract) == {"client": in_wallet, "escrow": 0, "freelancer": 0, "fees": 0}
    assert notices(contract) == Counter()


def test_fund_after_topping_up_the_missing_amount_works(clock, db):
    contract = ContractFactory(bid__amount=120_000)
    top_up(contract.client, 100_000)
    assert post(contract.client, only(contract), "fund").status_code == 402
    top_up(contract.client, 20_000)

    response = post(contract.client, only(contract), "fund")

    assert response.status_code == 200, response.json()
    assert books(contract) == {"client": 0, "escrow": 120_000, "freelancer": 0, "fees": 0}


def test_fund_moves_the_amount_from_wallet_to_escrow_once(contract):
    milestone = only(contract)

    response = post(contract.client, milestone, "fund")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["amount"]) == ("funded", 120_000)
    assert (body["platform_fee"], body["freelancer_receives"]) == (12_000, 108_000)
    assert parse_datetime(body["funded_at"]) == START
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}
    assert entries("fund") == sorted(
        [(f"wallet:{contract.client_id}", -120_000), (f"escrow:milestone:{milestone.pk}", 120_000)]
    )
    assert client_for(contract.client).get("/api/v1/wallet/").json() == {
        "currency": "IDR",
        "available": 80_000,
        "in_escrow": 120_000,
        "pending_withdrawal": 0,
    }
    assert client_for(contract.freelancer).get("/api/v1/wallet/").json()["in_escrow"] == 0

    again = post(contract.client, milestone, "fund")

    assert again.status_code == 200
    assert again.json()["status"] == "funded"
    assert kinds() == ["deposit", "fund"]
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}
    assert notices(contract) == Counter({("milestone_funded", "freelancer"): 1})
    assert ledger_problems() == []


def test_only_the_client_funds(contract):
    top_up(contract.freelancer, 200_000)
    response = post(contract.freelancer, only(contract), "fund")
    assert_error(response, 403, "permission_denied", "Only the client funds milestones.")
    assert fresh(only(contract)).status == M.PENDING
    assert kinds() == ["deposit", "deposit"]


def test_a_stranger_gets_404(contract):
    response = post(UserFactory(), only(contract), "fund")
    assert_error(response, 404, "not_found", "Milestone not found.")
    assert kinds() == ["deposit"]


# --- submit -----------------------------------------------------------------------------------


def test_submit_with_a_json_note_records_one_delivery_without_files(contract, funded):
    response = post(contract.freelancer, funded, "submit", {"note": f"  {NOTE}  "})

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert parse_datetime(response.json()["submitted_at"]) == START
    [delivery] = Delivery.objects.filter(milestone=funded)
    assert delivery.note == NOTE
    assert not delivery.files.exists()
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}
    assert notices(contract) == Counter(
        {("milestone_funded", "freelancer"): 1, ("milestone_submitted", "client"): 1}
    )


def test_submit_with_files_via_multipart_stores_them_on_the_delivery(contract, funded):
    files = [
        SimpleUploadedFile("logo-final.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("palet warna.txt", TXT, content_type="text/plain"),
    ]

    response = post(
        contract.freelancer, funded, "submit", {"note": NOTE, "files": files}, format="multipart"
    )

    assert response.status_code == 200, response.json()
    [delivery] = Delivery.objects.filter(milestone=funded)
    assert delivery.note == NOTE
    stored = list(delivery.files.order_by("pk"))
    assert [(f.original_name, f.content_type, f.size) for f in stored] == [
        ("logo-final.pdf", "application/pdf", len(PDF)),
        ("palet_warna.txt", "text/plain", len(TXT)),
    ]
    for row, content in zip(stored, [PDF, TXT], strict=True):
        assert row.file.name.startswith(f"milestones/{funded.pk}/deliveries/")
        with private_storage().open(row.file.name) as handle:
            assert handle.read() == content
    assert fresh(funded).status == M.SUBMITTED


def test_submit_with_a_file_of_a_refused_type_writes_nothing(contract, funded):
    bad = SimpleUploadedFile("logo.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = post(
        contract.freelancer, funded, "submit", {"note": NOTE, "files": [bad]}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"files": ["Unsupported file type."]}
    assert fresh(funded).status == M.FUNDED
    assert not Delivery.objects.exists()
    assert not DeliveryFile.objects.exists()


def test_only_the_freelancer_submits(contract, funded):
    response = post(contract.client, funded, "submit", {"note": NOTE})
    assert_error(response, 403, "permission_denied", "Only the freelancer submits work.")
    assert fresh(funded).status == M.FUNDED
    assert not Delivery.objects.exists()


# --- revisions --------------------------------------------------------------------------------


def test_revisions_up_to_the_included_number_then_409(contract, funded, clock):
    freelancer, client = contract.freelancer, contract.client
    for used in (1, 2):
        assert post(freelancer, funded, "submit", {"note": f"Versi {used}."}).status_code == 200
        clock.shift(timedelta(hours=1))
        response = post(client, funded, "request-revision", {"note": "Hurufnya lebih tebal."})
        assert response.status_code == 200, response.json()
        assert (response.json()["status"], response.json()["revisions_used"]) == (
            "revision_requested",
            used,
        )
    resubmitted = post(freelancer, funded, "submit", {"note": "Versi 3."})
    assert resubmitted.status_code == 200
    assert parse_datetime(resubmitted.json()["submitted_at"]) == START + timedelta(hours=2)

    response = post(client, funded, "request-revision", {"note": "Satu lagi ya."})

    assert_error(
        response,
        409,
        "no_revisions_left",
        "All 2 included revisions are used. Approve, or open a dispute.",
    )
    assert (fresh(funded).status, funded.revisions_used) == (M.SUBMITTED, 2)
    assert list(Delivery.objects.order_by("pk").values_list("note", flat=True)) == [
        "Versi 1.",
        "Versi 2.",
        "Versi 3.",
    ]
    assert notices(contract) == Counter(
        {
            ("milestone_funded", "freelancer"): 1,
            ("milestone_submitted", "client"): 3,
            ("revision_requested", "freelancer"): 2,
        }
    )
    # The client can still approve the third delivery.
    assert post(client, funded, "approve").status_code == 200
    assert books(contract) == {"client": 80_000, "escrow": 0, "freelancer": 108_000, "fees": 12_000}


def test_no_revisions_included_refuses_the_first_request(clock, db):
    contract = ContractFactory(bid__amount=120_000, bid__revisions_included=0)
    top_up(contract.client, 120_000)
    milestone = services.milestone_fund(milestone_id=only(contract).pk, actor=contract.client)
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)

    response = post(contract.client, milestone, "request-revision", {"note": "Ganti warna."})

    assert response.status_code == 409
    assert response.json()["code"] == "no_revisions_left"
    assert (fresh(milestone).status, milestone.revisions_used) == (M.SUBMITTED, 0)


def test_the_revision_note_reaches_the_freelancer(contract, submitted):
    post(contract.client, submitted, "request-revision", {"note": "Latar belakang putih saja."})
    [notice] = Notification.objects.filter(kind="revision_requested")
    assert notice.recipient_id == contract.freelancer_id
    assert "Latar belakang putih saja." in notice.body


# --- approve and release ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        (120_000, 12_000),
        (149_995, 15_000),  # 14 999,5 rounds half up
        (149_994, 14_999),  # 14 999,4 rounds down
    ],
)
def test_approve_pays_exactly_and_completes_contract_and_gig(clock, db, amount, fee):
    contract = ContractFactory(bid__amount=amount)
    top_up(contract.client, 200_000)
    milestone = services.milestone_fund(milestone_id=only(contract).pk, actor=contract.client)
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)
    clock.shift(timedelta(hours=5))

    response = post(contract.client, milestone, "approve")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "released"
    assert books(contract) == {
        "client": 200_000 - amount,
        "escrow": 0,
        "freelancer": amount - fee,
        "fees": fee,
    }
    assert entries("release") == sorted(
        [
            (f"escrow:milestone:{milestone.pk}", -amount),
            (f"wallet:{contract.freelancer_id}", amount - fee),
            ("platform:fees", fee),
        ]
    )
    assert fresh(milestone).closed_at == START + timedelta(hours=5)
    assert (fresh(contract).status, contract.completed_at) == (
        Contract.Status.COMPLETED,
        START + timedelta(hours=5),
    )
    assert fresh(contract.gig).status == Gig.Status.COMPLETED
    assert client_for(contract.freelancer).get("/api/v1/wallet/").json()["available"] == (
        amount - fee
    )

    again = post(contract.client, milestone, "approve")

    assert again.status_code == 200
    assert kinds() == ["deposit", "fund", "release"]
    assert books(contract)["freelancer"] == amount - fee
    assert notices(contract) == Counter(
        {
            ("milestone_funded", "freelancer"): 1,
            ("milestone_submitted", "client"): 1,
            ("milestone_released", "freelancer"): 1,
            # Paid work completed the contract: both are invited to review.
            ("contract_completed", "client"): 1,
            ("contract_completed", "freelancer"): 1,
        }
    )
    assert ledger_problems() == []


def test_only_the_client_approves(contract, submitted):
    response = post(contract.freelancer, submitted, "approve")
    assert_error(response, 403, "permission_denied", "Only the client approves work.")
    assert fresh(submitted).status == M.SUBMITTED
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}


def test_with_two_milestones_the_contract_completes_only_after_both(contract):
    first, second = two_milestones(contract, 70_000, 50_000)
    for milestone in (first, second):
        assert post(contract.client, milestone, "fund").status_code == 200
        assert post(contract.freelancer, milestone, "submit", {"note": NOTE}).status_code == 200
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}

    assert post(contract.client, first, "approve").status_code == 200

    assert books(contract) == {
        "client": 80_000,
        "escrow": 50_000,
        "freelancer": 63_000,
        "fees": 7_000,
    }
    assert fresh(contract).status == Contract.Status.ACTIVE
    assert contract.completed_at is None
    assert fresh(contract.gig).status == Gig.Status.AWARDED

    assert post(contract.client, second, "approve").status_code == 200

    assert books(contract) == {"client": 80_000, "escrow": 0, "freelancer": 108_000, "fees": 12_000}
    assert fresh(contract).status == Contract.Status.COMPLETED
    assert fresh(contract.gig).status == Gig.Status.COMPLETED
    assert notices(contract)[("milestone_released", "freelancer")] == 2
    assert ledger_problems() == []


# --- auto-release -----------------------------------------------------------------------------


@pytest.mark.parametrize("days", [3, 5])
def test_auto_release_pays_only_once_the_days_have_passed(
    contract, submitted, clock, settings, days
):
    settings.AUTO_RELEASE_DAYS = days
    clock.move_to(START + timedelta(days=days) - timedelta(seconds=1))

    assert services.milestone_auto_release(milestone_id=submitted.pk) is None

    assert fresh(submitted).status == M.SUBMITTED
    assert kinds() == ["deposit", "fund"]
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}

    clock.move_to(START + timedelta(days=days))
    released = services.milestone_auto_release(milestone_id=submitted.pk)

    assert released is not None
    assert (released.status, released.closed_at) == (M.RELEASED, START + timedelta(days=days))
    assert books(contract) == {"client": 80_000, "escrow": 0, "freelancer": 108_000, "fees": 12_000}
    assert fresh(contract).status == Contract.Status.COMPLETED
    assert fresh(contract.gig).status == Gig.Status.COMPLETED

    clock.shift(timedelta(days=1))
    assert services.milestone_auto_release(milestone_id=submitted.pk) is None
    assert kinds() == ["deposit", "fund", "release"]
    assert notices(contract)[("milestone_released", "freelancer")] == 1
    # The client did not approve it: they are told it was paid, once.
    assert notices(contract)[("milestone_auto_released", "client")] == 1
    assert notices(contract)[("milestone_auto_released", "freelancer")] == 0
    assert ledger_problems() == []


def test_auto_release_counts_from_the_latest_submission(contract, submitted, clock):
    clock.shift(timedelta(days=1))
    services.milestone_request_revision(
        milestone_id=submitted.pk, actor=contract.client, note="Ganti font."
    )
    clock.shift(timedelta(days=1))
    services.milestone_submit(milestone_id=submitted.pk, actor=contract.freelancer, note="Versi 2.")

    clock.move_to(START + timedelta(days=3))  # 3 days after the first delivery, 1 after the second
    assert services.milestone_auto_release(milestone_id=submitted.pk) is None
    assert fresh(submitted).status == M.SUBMITTED

    clock.move_to(START + timedelta(days=5))
    assert services.milestone_auto_release(milestone_id=submitted.pk).status == M.RELEASED
    assert books(contract)["freelancer"] == 108_000


@pytest.mark.parametrize("status", ["pending", "funded", "revision_requested"])
def test_auto_release_of_a_milestone_not_submitted_does_nothing(contract, clock, status):
    milestone = only(contract)
    if status != "pending":
        services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    if status == "revision_requested":
        services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)
        services.milestone_request_revision(
            milestone_id=milestone.pk, actor=contract.client, note="Ganti warna."
        )
    before_books, before_rows = books(contract), ledger_rows()
    before_notices = notices(contract)
    clock.shift(timedelta(days=30))

    assert services.milestone_auto_release(milestone_id=milestone.pk) is None

    assert fresh(milestone).status == status
    assert (books(contract), ledger_rows()) == (before_books, before_rows)
    assert notices(contract) == before_notices
    assert fresh(contract).status == Contract.Status.ACTIVE


# --- cancel -----------------------------------------------------------------------------------


def test_client_cancels_a_pending_milestone_no_money_and_the_contract_closes(contract):
    milestone = only(contract)

    response = post(contract.client, milestone, "cancel")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    assert fresh(milestone).closed_at == START
    assert kinds() == ["deposit"]
    assert books(contract) == {"client": 200_000, "escrow": 0, "freelancer": 0, "fees": 0}
    # Its only milestone is cancelled: the contract and the gig are cancelled with it.
    assert fresh(contract).status == Contract.Status.CANCELLED
    assert fresh(contract.gig).status == Gig.Status.CANCELLED

    assert post(contract.client, milestone, "cancel").status_code == 200
    assert notices(contract) == Counter({("milestone_cancelled", "freelancer"): 1})


def test_the_freelancer_cannot_cancel_a_pending_milestone(contract):
    response = post(contract.freelancer, only(contract), "cancel")
    assert_error(
        response, 403, "permission_denied", "Only the client cancels an unfunded milestone."
    )
    assert fresh(only(contract)).status == M.PENDING
    assert fresh(contract).status == Contract.Status.ACTIVE


def test_client_cannot_cancel_a_funded_milestone_before_it_is_overdue(contract, funded, clock):
    clock.move_to(DUE - timedelta(seconds=1))
    before = books(contract), ledger_rows()

    response = post(contract.client, funded, "cancel")

    assert_error(
        response,
        409,
        "not_overdue",
        "The work is not overdue yet. Ask the freelancer to cancel, or wait until "
        "8 March 2025 10:00 WIB.",
    )
    assert fresh(funded).status == M.FUNDED
    assert (books(contract), ledger_rows()) == before
    assert fresh(contract).status == Contract.Status.ACTIVE


def test_client_cancels_a_funded_milestone_once_overdue_and_is_refunded(contract, funded, clock):
    clock.move_to(DUE)

    response = post(contract.client, funded, "cancel")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    assert books(contract) == {"client": 200_000, "escrow": 0, "freelancer": 0, "fees": 0}
    assert entries("refund") == sorted(
        [(f"escrow:milestone:{funded.pk}", -120_000), (f"wallet:{contract.client_id}", 120_000)]
    )
    assert fresh(contract).status == Contract.Status.CANCELLED
    assert fresh(contract.gig).status == Gig.Status.CANCELLED

    assert post(contract.client, funded, "cancel").status_code == 200
    assert kinds() == ["deposit", "fund", "refund"]
    assert notices(contract) == Counter(
        {("milestone_funded", "freelancer"): 1, ("milestone_cancelled", "freelancer"): 1}
    )
    assert ledger_problems() == []


def test_the_freelancer_cancelling_a_funded_milestone_refunds_the_client(contract, funded):
    response = post(contract.freelancer, funded, "cancel")

    assert response.status_code == 200, response.json()
    assert books(contract) == {"client": 200_000, "escrow": 0, "freelancer": 0, "fees": 0}
    assert kinds() == ["deposit", "fund", "refund"]
    assert fresh(contract).status == Contract.Status.CANCELLED
    assert notices(contract) == Counter(
        {("milestone_funded", "freelancer"): 1, ("milestone_cancelled", "client"): 1}
    )


@pytest.mark.parametrize("actor", ["client", "freelancer"])
def test_a_submitted_milestone_cannot_be_cancelled(contract, submitted, clock, actor):
    clock.move_to(DUE + timedelta(days=1))
    response = post(getattr(contract, actor), submitted, "cancel")
    assert_error(
        response,
        409,
        "invalid_state",
        "This milestone is submitted; it cannot become cancelled.",
    )
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}


def test_a_contract_with_one_released_and_one_cancelled_milestone_completes(contract):
    first, second = two_milestones(contract, 70_000, 50_000)
    post(contract.client, first, "fund")
    post(contract.freelancer, first, "submit", {"note": NOTE})
    post(contract.client, first, "approve")
    assert fresh(contract).status == Contract.Status.ACTIVE

    assert post(contract.client, second, "cancel").status_code == 200

    assert fresh(contract).status == Contract.Status.COMPLETED
    assert fresh(contract.gig).status == Gig.Status.COMPLETED
    assert books(contract) == {"client": 130_000, "escrow": 0, "freelancer": 63_000, "fees": 7_000}


def test_a_contract_closes_as_cancelled_only_when_every_milestone_is(contract):
    first, second = two_milestones(contract, 70_000, 50_000)
    post(contract.client, second, "fund")

    assert post(contract.client, first, "cancel").status_code == 200
    assert fresh(contract).status == Contract.Status.ACTIVE
    assert fresh(contract.gig).status == Gig.Status.AWARDED

    assert post(contract.freelancer, second, "cancel").status_code == 200
    assert fresh(contract).status == Contract.Status.CANCELLED
    assert fresh(contract.gig).status == Gig.Status.CANCELLED
    assert books(contract) == {"client": 200_000, "escrow": 0, "freelancer": 0, "fees": 0}


# --- dispute ----------------------------------------------------------------------------------


def test_a_dispute_freezes_the_escrow(contract, submitted, clock):
    response = post(contract.client, submitted, "dispute", {"reason": "  Logonya bukan vektor.  "})

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "disputed"
    dispute = Dispute.objects.get(milestone=submitted)
    assert (dispute.opened_by, dispute.reason, dispute.status) == (
        contract.client,
        "Logonya bukan vektor.",
        Dispute.Status.OPEN,
    )
    frozen = books(contract), ledger_rows()
    assert frozen[0] == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}

    clock.move_to(DUE + timedelta(days=30))  # overdue, and long past auto-release
    refusals = [
        (contract.client, "approve", None),
        (contract.client, "cancel", None),
        (contract.freelancer, "cancel", None),
        (contract.client, "request-revision", {"note": "Ganti warna."}),
        (contract.freelancer, "submit", {"note": NOTE}),
    ]
    for actor, action, body in refusals:
        refused = post(actor, submitted, action, body)
        assert refused.status_code == 409, (action, refused.json())
        assert refused.json()["code"] == "invalid_state"
    assert services.milestone_auto_release(milestone_id=submitted.pk) is None

    # Opening it again, by either party, changes nothing.
    assert post(
        contract.freelancer, submitted, "dispute", {"reason": "Saya juga."}
    ).status_code == (200)
    assert Dispute.objects.count() == 1
    assert fresh(submitted).status == M.DISPUTED
    assert (books(contract), ledger_rows()) == frozen
    assert fresh(contract).status == Contract.Status.ACTIVE
    assert notices(contract) == Counter(
        {
            ("milestone_funded", "freelancer"): 1,
            ("milestone_submitted", "client"): 1,
            ("milestone_disputed", "freelancer"): 1,
        }
    )


@pytest.mark.parametrize("status", ["funded", "submitted", "revision_requested"])
def test_the_freelancer_may_dispute_and_the_client_is_told(contract, funded, status):
    if status != "funded":
        services.milestone_submit(milestone_id=funded.pk, actor=contract.freelancer, note=NOTE)
    if status == "revision_requested":
        services.milestone_request_revision(
            milestone_id=funded.pk, actor=contract.client, note="Ganti semuanya."
        )

    response = post(
        contract.freelancer, funded, "dispute", {"reason": "Klien minta di luar brief."}
    )

    assert response.status_code == 200, response.json()
    assert fresh(funded).status == M.DISPUTED
    assert notices(contract)[("milestone_disputed", "client")] == 1
    assert notices(contract)[("milestone_disputed", "freelancer")] == 0


def test_a_pending_milestone_cannot_be_disputed(contract):
    response = post(contract.client, only(contract), "dispute", {"reason": "Belum mulai."})
    assert_error(
        response, 409, "invalid_state", "This milestone is pending; it cannot become disputed."
    )
    assert not Dispute.objects.exists()


# --- resolve ----------------------------------------------------------------------------------

AMOUNT = 149_995  # odd: a fee on the full amount has half a rupiah to round

RESOLVE_CASES = [
    # (fee percent, freelancer_amount, fee, the freelancer receives, back to the client)
    pytest.param("10", 0, 0, 0, AMOUNT, id="all_back_to_the_client"),
    pytest.param("10", AMOUNT, 15_000, 134_995, 0, id="all_to_the_freelancer"),
    pytest.param("10", 75_005, 7_501, 67_504, 74_990, id="middle_fee_rounds_up"),
    pytest.param("10", 75_004, 7_500, 67_504, 74_991, id="middle_fee_rounds_down"),
    pytest.param("10", 5, 1, 4, 149_990, id="half_a_rupiah_rounds_up"),
    pytest.param("7.5", 75_005, 5_625, 69_380, 74_990, id="middle_at_7_5_percent"),
]


@pytest.mark.parametrize(("percent", "share", "fee", "receives", "back"), RESOLVE_CASES)
def test_resolve_splits_the_escrow_with_the_fee_only_on_the_freelancers_share(
    clock, db, settings, moderator, percent, share, fee, receives, back
):
    settings.PLATFORM_FEE_PERCENT = percent
    contract = ContractFactory(bid__amount=AMOUNT)
    top_up(contract.client, 200_000)
    milestone = services.milestone_fund(milestone_id=only(contract).pk, actor=contract.client)
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)
    services.milestone_dispute(milestone_id=milestone.pk, actor=contract.freelancer, reason="?")
    clock.shift(timedelta(days=2))

    response = post(
        moderator, milestone, "resolve", {"freelancer_amount": share, "note": " Separuh sesuai. "}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "resolved"
    assert receives + fee + back == AMOUNT
    assert books(contract) == {
        "client": 200_000 - AMOUNT + back,
        "escrow": 0,
        "freelancer": receives,
        "fees": fee,
    }
    expected = [(f"escrow:milestone:{milestone.pk}", -AMOUNT)]
    expected += [(f"wallet:{contract.freelancer_id}", receives)] if receives else []
    expected += [("platform:fees", fee)] if fee else []
    expected += [(f"wallet:{contract.client_id}", back)] if back else []
    assert entries("resolve") == sorted(expected)
    dispute = Dispute.objects.get(milestone=milestone)
    assert (
        dispute.status,
        dispute.freelancer_amount,
        dispute.resolved_by,
        dispute.resolution_note,
        dispute.resolved_at,
    ) == (Dispute.Status.RESOLVED, share, moderator, "Separuh sesuai.", START + timedelta(days=2))
    # The contract completes when the freelancer was paid something; a dispute settled wholly
    # for the client ends it as cancelled, as if the milestone had been refunded.
    closed = (
        (Contract.Status.COMPLETED, Gig.Status.COMPLETED)
        if share
        else (Contract.Status.CANCELLED, Gig.Status.CANCELLED)
    )
    assert (fresh(contract).status, fresh(contract.gig).status) == closed

    again = post(moderator, milestone, "resolve", {"freelancer_amount": AMOUNT - share})

    assert again.status_code == 200
    assert kinds() == ["deposit", "fund", "resolve"]
    assert books(contract)["freelancer"] == receives
    assert Dispute.objects.get().freelancer_amount == share
    resolved = Notification.objects.filter(kind="dispute_resolved")
    assert sorted(n.recipient_id for n in resolved) == sorted(
        [contract.client_id, contract.freelancer_id]
    )
    share_text = f"Rp {share:,}".replace(",", ".")
    for notice in resolved:
        assert share_text in notice.body
        assert "Rp 149.995" in notice.body
        # Both sides of the fee, said as such, and what the client got back — in the
        # recipient's language (the factory's users read Bahasa Indonesia).
        assert notice.body == (
            f"Freelancer diberi {share_text} dari Rp 149.995 sebelum biaya Garap, dan menerima "
            f"{rp(receives)} setelah dipotong biaya {rp(fee)}; {rp(back)} kembali ke klien."
        )
    assert ledger_problems() == []


def test_resolve_refuses_a_milestone_that_is_not_disputed(contract, submitted, moderator):
    response = post(moderator, submitted, "resolve", {"freelancer_amount": 0})
    assert_error(
        response, 409, "invalid_state", "This milestone is submitted; it cannot become resolved."
    )
    assert books(contract) == {"client": 80_000, "escrow": 120_000, "freelancer": 0, "fees": 0}


# --- the whole loop's notices -----------------------------------------------------------------


def test_each_notice_goes_once_to_the_other_party_and_repeats_add_none(contract):
    milestone = only(contract)
    client, freelancer = contract.client, contract.freelancer
    steps = [
        (client, "fund", None),
        (client, "fund", None),
        (freelancer, "submit", {"note": "Versi 1."}),
        (client, "request-revision", {"note": "Warna lebih cerah."}),
        (freelancer, "submit", {"note": "Versi 2."}),
        (client, "approve", None),
        (client, "approve", None),
    ]
    for actor, action, body in steps:
        assert post(actor, milestone, action, body).status_code == 200, action

    assert notices(contract) == Counter(
        {
            ("milestone_funded", "freelancer"): 1,
            ("milestone_submitted", "client"): 2,
            ("revision_requested", "freelancer"): 1,
            ("milestone_released", "freelancer"): 1,
            ("contract_completed", "client"): 1,
            ("contract_completed", "freelancer"): 1,
        }
    )
    assert kinds() == ["deposit", "fund", "release"]


# --- the fee rule (payments.fees) -------------------------------------------------------------

FEE_TABLE = [
    # (PLATFORM_FEE_PERCENT, amount, fee): amount × percent / 100, rounded half up
    ("10", 1, 0),
    ("10", 4, 0),
    ("10", 5, 1),  # 0,5 → 1
    ("10", 15, 2),  # 1,5 → 2
    ("10", 149_995, 15_000),  # 14 999,5 → 15 000
    ("10", 250_000, 25_000),
    ("7.5", 1, 0),
    ("7.5", 4, 0),  # 0,3
    ("7.5", 5, 0),  # 0,375
    ("7.5", 15, 1),  # 1,125
    ("7.5", 20, 2),  # 1,5 → 2
    ("7.5", 149_995, 11_250),  # 11 249,625
    ("7.5", 250_000, 18_750),
    ("0", 250_000, 0),
]


@pytest.mark.parametrize(("percent", "amount", "fee"), FEE_TABLE)
def test_platform_fee_rounds_half_up(settings, percent, amount, fee):
    settings.PLATFORM_FEE_PERCENT = percent
    assert platform_fee(amount) == fee
    assert freelancer_receives(amount) == amount - fee


@pytest.mark.parametrize(
    ("percent", "basis_points"), [("10", 1000), ("7.5", 750), ("0", 0), ("12.25", 1225)]
)
def test_fee_basis_points(settings, percent, basis_points):
    settings.PLATFORM_FEE_PERCENT = percent
    assert fee_basis_points() == basis_points


@given(
    amount=st.integers(min_value=0, max_value=10**15),
    percent=st.sampled_from(["0", "2.5", "7.5", "10", "12.25", "33.33", "100"]),
)
def test_fee_and_payout_always_add_up_to_the_amount(amount, percent):
    with override_settings(PLATFORM_FEE_PERCENT=percent):
        fee = platform_fee(amount)
        assert fee + freelancer_receives(amount) == amount
        assert 0 <= fee <= amount
        exact = Decimal(amount) * Decimal(percent) / 100
        assert fee == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
