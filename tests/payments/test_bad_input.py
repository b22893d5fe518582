"""Bad input to everything that moves money: each a clear 4xx in the one error shape, and no
money moved.

Every case compares the rows before and after: no ledger transaction or entry is written, no
balance changes, no deposit, withdrawal, delivery, dispute or notice appears, no milestone or
contract changes state, and a refused request leaves no Idempotency-Key claimed.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accounts.models import Notification, Suspension
from marketplace.formatting import rupiah
from payments.gateways.sandbox import SIGNATURE_HEADER, sign, webhook_body
from payments.models import (
    Account,
    Deposit,
    Entry,
    IdempotencyRecord,
    LedgerTransaction,
    Withdrawal,
)
from projects.models import Contract, Delivery, Dispute, Milestone
from projects.services import milestones as services
from tests.accounts.factories import UserFactory
from tests.bad_input import REMOVE, apply, assert_refused, cases
from tests.conftest import client_for, english_client
from tests.payments.factories import verified
from tests.projects.factories import ContractFactory, top_up

WHOLE = "Must be a whole number."
TYPED_RUPIAH = "Enter whole rupiah, for example 150.000."
TYPED_CENTS = "Enter whole rupiah, for example 150.000. Amounts have no cents."
TEXT = "Must be text."
NULL = "This field may not be null."
REQUIRED = "This field is required."
BLANK = "This field may not be blank."
UNKNOWN = "Unknown field. Remove it from the request."
PATTERN = "This value does not match the required pattern."
# Amounts' bounds are said in rupiah, as the pages say them (marketplace/api/rupiah.py).
AT_LEAST_DEPOSIT = f"Enter at least {rupiah(settings.DEPOSIT_MIN_AMOUNT)}."
AT_MOST_DEPOSIT = f"Enter at most {rupiah(settings.DEPOSIT_MAX_AMOUNT)}."
AT_LEAST_WITHDRAWAL = f"Enter at least {rupiah(settings.WITHDRAWAL_MIN_AMOUNT)}."
WITHDRAWAL_MAX = settings.DEPOSIT_MAX_AMOUNT * 10
AT_MOST_WITHDRAWAL = f"Enter at most {rupiah(WITHDRAWAL_MAX)}."
SIGNATURE = "The webhook signature or body is invalid."
SIGNATURE_META = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")
WEBHOOK = "/api/v1/payments/webhooks/sandbox/"


def snapshot() -> dict:
    """Every row a refused money request could write or change."""
    return {
        "transactions": LedgerTransaction.objects.count(),
        "entries": Entry.objects.count(),
        "balances": list(Account.objects.order_by("reference").values_list("reference", "balance")),
        "deposits": list(Deposit.objects.order_by("pk").values()),
        "withdrawals": list(Withdrawal.objects.order_by("pk").values()),
        "idempotency": IdempotencyRecord.objects.count(),
        "contracts": list(Contract.objects.order_by("pk").values()),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "deliveries": Delivery.objects.count(),
        "disputes": list(Dispute.objects.order_by("pk").values()),
        "notices": Notification.objects.count(),
    }


def headers(keyed: bool) -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": "coba-lagi-1"} if keyed else {}


@pytest.fixture
def saver(db):
    """A user whose wallet holds Rp 300.000 (and whose identity is verified)."""
    user = verified(UserFactory())
    top_up(user, 300_000)
    return user


# --- deposits ---------------------------------------------------------------------------------

AMOUNT_CASES = [
    ("zero", {"amount": 0}),
    ("negative", {"amount": -100_000}),
    ("fraction", {"amount": 1.5}),
    ("float_whole", {"amount": 100_000.0}),
    # A string is read as typed ("100.000" → 100000, tests/marketplace/test_rupiah.py); junk is not.
    ("junk_string", {"amount": "seratus ribu"}),
    ("cents_string", {"amount": "100.000,50"}),
    ("true", {"amount": True}),
    ("list", {"amount": [100_000]}),
    ("null", {"amount": None}),
    ("missing", {"amount": REMOVE}),
    ("huge", {"amount": 2**64 + 1}),
]
AMOUNT_TYPE_FIELDS = {
    "fraction": WHOLE,
    "float_whole": WHOLE,
    "junk_string": TYPED_RUPIAH,
    "cents_string": TYPED_CENTS,
    "true": WHOLE,
    "list": WHOLE,
    "null": NULL,
    "missing": REQUIRED,
}

DEPOSIT_CASES = [
    (case_id, changes, {"amount": [AMOUNT_TYPE_FIELDS.get(case_id, AT_LEAST_DEPOSIT)]})
    for case_id, changes in AMOUNT_CASES
    if case_id != "huge"
] + [
    ("huge", {"amount": 2**64 + 1}, {"amount": [AT_MOST_DEPOSIT]}),
    ("under_min", {"amount": settings.DEPOSIT_MIN_AMOUNT - 1}, {"amount": [AT_LEAST_DEPOSIT]}),
    ("over_max", {"amount": settings.DEPOSIT_MAX_AMOUNT + 1}, {"amount": [AT_MOST_DEPOSIT]}),
    ("unknown_provider_field", {"provider": "sandbox"}, {"provider": [UNKNOWN]}),
    ("unknown_status_field", {"status": "paid"}, {"status": [UNKNOWN]}),
    (
        "two_unknown_fields",
        {"user": 1, "reference": "abc"},
        {"reference": [UNKNOWN], "user": [UNKNOWN]},
    ),
]


@pytest.mark.parametrize("keyed", [False, True], ids=["no_key", "idempotency_key"])
@pytest.mark.parametrize(("changes", "fields", "message"), cases(DEPOSIT_CASES))
def test_deposit_bad_input(saver, keyed, changes, fields, message):
    body = apply({"amount": 100_000}, changes)
    before = snapshot()
    response = client_for(saver).post(
        "/api/v1/wallet/deposits/", body, format="json", **headers(keyed)
    )
    assert_refused(response, 400, "invalid", fields, message)
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [[{"amount": 100_000}], "100000", 100_000],
    ids=["list", "string", "number"],
)
def test_deposit_body_not_an_object(saver, body):
    before = snapshot()
    response = client_for(saver).post("/api/v1/wallet/deposits/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert snapshot() == before


@pytest.mark.parametrize("keyed", [False, True], ids=["no_key", "idempotency_key"])
def test_deposit_malformed_json(saver, keyed):
    before = snapshot()
    response = client_for(saver).generic(
        "POST",
        "/api/v1/wallet/deposits/",
        b'{"amount": 100000',
        content_type="application/json",
        **headers(keyed),
    )
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "parse_error"
    assert response.json()["fields"] == {}
    assert snapshot() == before


def test_deposit_anonymous_is_refused(db):
    response = english_client().post("/api/v1/wallet/deposits/", {"amount": 100_000}, format="json")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "fields"}
    assert not Deposit.objects.exists()


@pytest.mark.parametrize(
    "amount", [settings.DEPOSIT_MIN_AMOUNT, settings.DEPOSIT_MAX_AMOUNT], ids=["min", "max"]
)
def test_deposit_at_the_bounds_is_accepted(saver, amount):
    # The edges of the refused ranges above: the bounds themselves are allowed.
    response = client_for(saver).post("/api/v1/wallet/deposits/", {"amount": amount}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["amount"], response.json()["status"]) == (amount, "pending")
    assert LedgerTransaction.objects.filter(kind="deposit").count() == 1  # only saver's top-up


# --- withdrawals ------------------------------------------------------------------------------

GOOD_WITHDRAWAL = {
    "amount": 100_000,
    "method": "bank",
    "bank_code": "BCA",
    "account_number": "1234567890",
    "holder_name": "Siti Rahayu",
}

WITHDRAWAL_CASES = [
    (case_id, changes, {"amount": [AMOUNT_TYPE_FIELDS.get(case_id, AT_LEAST_WITHDRAWAL)]})
    for case_id, changes in AMOUNT_CASES
    if case_id != "huge"
] + [
    ("huge", {"amount": 2**64 + 1}, {"amount": [AT_MOST_WITHDRAWAL]}),
    (
        "under_min",
        {"amount": settings.WITHDRAWAL_MIN_AMOUNT - 1},
        {"amount": [AT_LEAST_WITHDRAWAL]},
    ),
    ("over_max", {"amount": WITHDRAWAL_MAX + 1}, {"amount": [AT_MOST_WITHDRAWAL]}),
    # method
    ("method_unknown", {"method": "paypal"}, {"method": ['"paypal" is not a valid choice.']}),
    ("method_blank", {"method": ""}, {"method": ['"" is not a valid choice.']}),
    ("method_missing", {"method": REMOVE}, {"method": [REQUIRED]}),
    ("method_null", {"method": None}, {"method": [NULL]}),
    ("method_list", {"method": ["bank"]}, {"method": ["Must be one of the listed choices."]}),
    # bank_code
    ("bank_code_one_letter", {"bank_code": "B"}, {"bank_code": [PATTERN]}),
    ("bank_code_punctuation", {"bank_code": "BCA-01"}, {"bank_code": [PATTERN]}),
    ("bank_code_spaces_inside", {"bank_code": "BANK BCA"}, {"bank_code": [PATTERN]}),
    ("bank_code_too_long", {"bank_code": "B" * 21}, {"bank_code": [PATTERN]}),
    ("bank_code_blank", {"bank_code": "   "}, {"bank_code": [BLANK]}),
    ("bank_code_a_number", {"bank_code": 14}, {"bank_code": [TEXT]}),
    ("bank_code_missing", {"bank_code": REMOVE}, {"bank_code": [REQUIRED]}),
    # account_number
    ("account_letters", {"account_number": "12345ABCDE"}, {"account_number": [PATTERN]}),
    ("account_dashes", {"account_number": "123-456-7890"}, {"account_number": [PATTERN]}),
    ("account_too_short", {"account_number": "1234"}, {"account_number": [PATTERN]}),
    ("account_too_long", {"account_number": "1" * 35}, {"account_number": [PATTERN]}),
    ("account_a_number", {"account_number": 1234567890}, {"account_number": [TEXT]}),
    ("account_blank", {"account_number": ""}, {"account_number": [BLANK]}),
    # holder_name
    (
        "holder_one_letter",
        {"holder_name": "S"},
        {"holder_name": ["Ensure this field has at least 2 characters."]},
    ),
    (
        "holder_too_long",
        {"holder_name": "S" * 101},
        {"holder_name": ["Ensure this field has no more than 100 characters."]},
    ),
    ("holder_blank", {"holder_name": "  "}, {"holder_name": [BLANK]}),
    (
        "holder_nul",
        {"holder_name": "Siti\x00Rahayu"},
        {"holder_name": ["Null characters are not allowed."]},
    ),
    ("holder_a_list", {"holder_name": ["Siti"]}, {"holder_name": [TEXT]}),
    # fields that are not there to set
    ("unknown_status", {"status": "paid"}, {"status": [UNKNOWN]}),
    ("unknown_user", {"user": 1}, {"user": [UNKNOWN]}),
    (
        "several_problems",
        {"amount": 0, "bank_code": "B", "holder_name": "S"},
        {
            "amount": [AT_LEAST_WITHDRAWAL],
            "bank_code": [PATTERN],
            "holder_name": ["Ensure this field has at least 2 characters."],
        },
    ),
    # Unknown fields are reported first, alone: the request is not what the client meant.
    (
        "unknown_field_with_other_problems",
        {"amount": 0, "currency": "USD"},
        {"currency": [UNKNOWN]},
    ),
]


@pytest.mark.parametrize("keyed", [False, True], ids=["no_key", "idempotency_key"])
@pytest.mark.parametrize(("changes", "fields", "message"), cases(WITHDRAWAL_CASES))
def test_withdrawal_bad_input(saver, keyed, changes, fields, message):
    body = apply(GOOD_WITHDRAWAL, changes)
    before = snapshot()
    response = client_for(saver).post(
        "/api/v1/wallet/withdrawals/", body, format="json", **headers(keyed)
    )
    assert_refused(response, 400, "invalid", fields, message)
    assert snapshot() == before


@pytest.mark.parametrize("keyed", [False, True], ids=["no_key", "idempotency_key"])
@pytest.mark.parametrize("amount", [300_001, 5_000_000])
def test_withdrawal_of_more_than_the_balance_is_402(saver, keyed, amount):
    before = snapshot()
    response = client_for(saver).post(
        "/api/v1/wallet/withdrawals/",
        {**GOOD_WITHDRAWAL, "amount": amount},
        format="json",
        **headers(keyed),
    )
    assert_refused(
        response,
        402,
        "insufficient_funds",
        {"amount": ["More than your available balance of Rp 300.000."]},
        "You can withdraw at most Rp 300.000.",
    )
    assert snapshot() == before
    assert client_for(saver).get("/api/v1/wallet/").json()["available"] == 300_000


def test_withdrawal_of_the_minimum_and_of_the_whole_balance_is_accepted(saver):
    api = client_for(saver)
    for amount in (settings.WITHDRAWAL_MIN_AMOUNT, 300_000 - settings.WITHDRAWAL_MIN_AMOUNT):
        response = api.post(
            "/api/v1/wallet/withdrawals/", {**GOOD_WITHDRAWAL, "amount": amount}, format="json"
        )
        assert response.status_code == 201, response.json()
    assert api.get("/api/v1/wallet/").json() == {
        "currency": "IDR",
        "available": 0,
        "in_escrow": 0,
        "pending_withdrawal": 300_000,
    }


def test_withdrawal_from_an_empty_wallet_is_402(db):
    user = verified(UserFactory())
    before = snapshot()
    response = client_for(user).post("/api/v1/wallet/withdrawals/", GOOD_WITHDRAWAL, format="json")
    assert_refused(
        response,
        402,
        "insufficient_funds",
        {"amount": ["More than your available balance of Rp 0."]},
        "You can withdraw at most Rp 0.",
    )
    assert snapshot() == before


def test_withdrawal_while_suspended_is_403(saver):
    Suspension.objects.create(
        user=saver, reason="Penipuan", starts_at=timezone.now() - timedelta(hours=1)
    )
    before = snapshot()
    response = client_for(saver).post("/api/v1/wallet/withdrawals/", GOOD_WITHDRAWAL, format="json")
    assert_refused(
        response, 403, "suspended", {}, "Your account is suspended, so you cannot withdraw now."
    )
    assert snapshot() == before


def test_a_lifted_suspension_no_longer_blocks_withdrawals(saver):
    Suspension.objects.create(
        user=saver,
        reason="Salah paham",
        starts_at=timezone.now() - timedelta(days=2),
        lifted_at=timezone.now() - timedelta(days=1),
    )
    response = client_for(saver).post("/api/v1/wallet/withdrawals/", GOOD_WITHDRAWAL, format="json")
    assert response.status_code == 201, response.json()
    assert client_for(saver).get("/api/v1/wallet/").json()["available"] == 200_000


# --- milestone actions in the wrong state -----------------------------------------------------


@pytest.fixture
def contract(db):
    """A Rp 120.000 contract; the client's wallet holds Rp 200.000."""
    contract = ContractFactory(bid__amount=120_000)
    top_up(contract.client, 200_000)
    return contract


@pytest.fixture
def milestone(contract):
    return contract.milestones.get()


def fund(contract, milestone):
    return services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)


def submit(contract, milestone):
    return services.milestone_submit(
        milestone_id=milestone.pk, actor=contract.freelancer, note="Logo final terlampir."
    )


def dispute(contract, milestone):
    return services.milestone_dispute(
        milestone_id=milestone.pk, actor=contract.client, reason="Bukan format vektor."
    )


@pytest.fixture
def moderator(db):
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        Permission.objects.get(codename="moderate_gig", content_type__app_label="projects")
    )
    user = UserFactory(is_staff=True)
    user.groups.add(group)
    return user


def act(user, milestone, action: str, body: dict | None = None, **extra):
    return client_for(user).post(
        f"/api/v1/milestones/{milestone.pk}/{action}/", body, format="json", **extra
    )


def state(current: str, target: str) -> str:
    return f"This milestone is {current}; it cannot become {target}."


# (id, steps to reach the state, who acts, action, body, expected message)
WRONG_STATE_CASES = [
    ("approve_pending", [], "client", "approve", None, state("pending", "released")),
    ("approve_before_submit", [fund], "client", "approve", None, state("funded", "released")),
    (
        "approve_after_revision_request",
        [fund, submit, "revise"],
        "client",
        "approve",
        None,
        state("revision requested", "released"),
    ),
    ("submit_pending", [], "freelancer", "submit", {"note": "Ini"}, state("pending", "submitted")),
    (
        "submit_twice",
        [fund, submit],
        "freelancer",
        "submit",
        {"note": "Sekali lagi."},
        state("submitted", "submitted"),
    ),
    (
        "revision_on_funded",
        [fund],
        "client",
        "request-revision",
        {"note": "Ganti warna."},
        state("funded", "revision requested"),
    ),
    (
        "revision_on_pending",
        [],
        "client",
        "request-revision",
        {"note": "Ganti warna."},
        state("pending", "revision requested"),
    ),
    ("dispute_pending", [], "client", "dispute", {"reason": "Belum"}, state("pending", "disputed")),
    (
        "dispute_released",
        [fund, submit, "approve"],
        "freelancer",
        "dispute",
        {"reason": "Terlambat"},
        state("released", "disputed"),
    ),
    (
        "cancel_released",
        [fund, submit, "approve"],
        "client",
        "cancel",
        None,
        state("released", "cancelled"),
    ),
    ("fund_submitted", [fund, submit], "client", "fund", None, state("submitted", "funded")),
    (
        "fund_disputed",
        [fund, dispute],
        "client",
        "fund",
        None,
        state("disputed", "funded"),
    ),
    (
        "resolve_not_disputed",
        [fund, submit],
        "moderator",
        "resolve",
        {"freelancer_amount": 0},
        state("submitted", "resolved"),
    ),
]


def reach(contract, milestone, steps):
    for step in steps:
        if step == "revise":
            services.milestone_request_revision(
                milestone_id=milestone.pk, actor=contract.client, note="Ganti warna."
            )
        elif step == "approve":
            services.milestone_approve(milestone_id=milestone.pk, actor=contract.client)
        else:
            step(contract, milestone)


@pytest.mark.parametrize(
    ("steps", "who", "action", "body", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in WRONG_STATE_CASES],
)
def test_milestone_action_in_the_wrong_state_is_409(
    contract, milestone, moderator, steps, who, action, body, message
):
    reach(contract, milestone, steps)
    actor = moderator if who == "moderator" else getattr(contract, who)
    before = snapshot()
    response = act(actor, milestone, action, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert_refused(response, 409, "invalid_state", {}, message)
    assert snapshot() == before


def test_fund_twice_is_a_no_op_200(contract, milestone):
    assert act(contract.client, milestone, "fund").status_code == 200
    before = snapshot()

    response = act(contract.client, milestone, "fund")

    assert response.status_code == 200
    assert response.json()["status"] == "funded"
    assert snapshot() == before


def test_fund_short_with_an_idempotency_key_releases_the_key(db):
    contract = ContractFactory(bid__amount=120_000)
    milestone = contract.milestones.get()
    before = snapshot()
    response = act(contract.client, milestone, "fund", HTTP_IDEMPOTENCY_KEY="dana-1")
    assert response.status_code == 402
    assert snapshot() == before
    top_up(contract.client, 120_000)
    again = act(contract.client, milestone, "fund", HTTP_IDEMPOTENCY_KEY="dana-1")
    assert again.status_code == 200, again.json()
    assert again.json()["status"] == "funded"


@pytest.mark.parametrize("who", ["client", "freelancer"])
def test_resolve_by_a_party_is_403(contract, milestone, who):
    fund(contract, milestone)
    dispute(contract, milestone)
    before = snapshot()
    response = act(getattr(contract, who), milestone, "resolve", {"freelancer_amount": 60_000})
    assert_refused(response, 403, "permission_denied", {}, "Only moderators settle disputes.")
    assert snapshot() == before


@pytest.mark.parametrize("staff", [False, True], ids=["stranger", "staff_without_permission"])
def test_resolve_by_someone_who_may_not_see_the_milestone_is_404(contract, milestone, staff):
    fund(contract, milestone)
    dispute(contract, milestone)
    before = snapshot()
    response = act(UserFactory(is_staff=staff), milestone, "resolve", {"freelancer_amount": 0})
    assert_refused(response, 404, "not_found", {}, "Milestone not found.")
    assert snapshot() == before


RESOLVE_CASES = [
    (
        "split_over_amount",
        {"freelancer_amount": 120_001},
        {"freelancer_amount": ["Out of range."]},
        "The freelancer's share must be between Rp 0 and Rp 120.000.",
    ),
    (
        "split_far_over_amount",
        {"freelancer_amount": settings.GIG_MAX_BUDGET},
        {"freelancer_amount": ["Out of range."]},
        "The freelancer's share must be between Rp 0 and Rp 120.000.",
    ),
    (
        "split_negative",
        {"freelancer_amount": -1},
        {"freelancer_amount": [f"Enter at least {rupiah(0)}."]},
    ),
    (
        "split_over_max",
        {"freelancer_amount": settings.GIG_MAX_BUDGET + 1},
        {"freelancer_amount": [f"Enter at most {rupiah(settings.GIG_MAX_BUDGET)}."]},
    ),
    ("split_fraction", {"freelancer_amount": 60_000.5}, {"freelancer_amount": [WHOLE]}),
    ("split_junk_string", {"freelancer_amount": "60rb"}, {"freelancer_amount": [TYPED_RUPIAH]}),
    ("split_true", {"freelancer_amount": True}, {"freelancer_amount": [WHOLE]}),
    ("split_null", {"freelancer_amount": None}, {"freelancer_amount": [NULL]}),
    ("split_missing", {"note": "Separuh."}, {"freelancer_amount": [REQUIRED]}),
    (
        "unknown_field",
        {"freelancer_amount": 60_000, "client_amount": 60_000},
        {"client_amount": [UNKNOWN]},
    ),
]


@pytest.mark.parametrize(("body", "fields", "message"), cases(RESOLVE_CASES))
def test_resolve_bad_split_is_400(contract, milestone, moderator, body, fields, message):
    fund(contract, milestone)
    dispute(contract, milestone)
    before = snapshot()
    response = act(moderator, milestone, "resolve", body, HTTP_IDEMPOTENCY_KEY="putusan-1")
    assert_refused(response, 400, "invalid", fields, message)
    assert snapshot() == before


DISPUTE_CASES = [
    ("reason_empty", {"reason": ""}, {"reason": [BLANK]}),
    ("reason_spaces", {"reason": "   \n\t "}, {"reason": [BLANK]}),
    ("reason_missing", {}, {"reason": [REQUIRED]}),
    ("reason_null", {"reason": None}, {"reason": [NULL]}),
    ("reason_a_number", {"reason": 404}, {"reason": [TEXT]}),
    (
        "reason_too_long",
        {"reason": "x" * 3001},
        {"reason": ["Ensure this field has no more than 3000 characters."]},
    ),
    ("unknown_field", {"reason": "Terlambat.", "amount": 0}, {"amount": [UNKNOWN]}),
]


@pytest.mark.parametrize("who", ["client", "freelancer"])
@pytest.mark.parametrize(("body", "fields", "message"), cases(DISPUTE_CASES))
def test_dispute_bad_reason_is_400(contract, milestone, who, body, fields, message):
    fund(contract, milestone)
    before = snapshot()
    response = act(getattr(contract, who), milestone, "dispute", body)
    assert_refused(response, 400, "invalid", fields, message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("submit", {"note": ""}),
        ("submit", {"note": "   "}),
        ("submit", {}),
    ],
    ids=["empty", "spaces", "missing"],
)
def test_submit_without_a_note_is_400(contract, milestone, action, body):
    fund(contract, milestone)
    before = snapshot()
    response = act(contract.freelancer, milestone, action, body)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["note"]
    assert snapshot() == before


def test_request_revision_without_a_note_is_400(contract, milestone):
    fund(contract, milestone)
    submit(contract, milestone)
    before = snapshot()
    response = act(contract.client, milestone, "request-revision", {"note": " "})
    assert_refused(response, 400, "invalid", {"note": [BLANK]})
    assert snapshot() == before


STRANGER_BODIES = {
    "fund": None,
    "submit": {"note": "Sudah saya kirim."},
    "request-revision": {"note": "Ganti warna."},
    "approve": None,
    "cancel": None,
    "dispute": {"reason": "Terlambat."},
}


@pytest.mark.parametrize(("action", "body"), STRANGER_BODIES.items(), ids=list(STRANGER_BODIES))
def test_milestone_action_by_a_stranger_is_404(contract, milestone, action, body):
    if action != "fund":
        fund(contract, milestone)
    before = snapshot()
    response = act(UserFactory(), milestone, action, body)
    assert_refused(response, 404, "not_found", {}, "Milestone not found.")
    assert snapshot() == before


# --- gateway webhooks -------------------------------------------------------------------------


@pytest.fixture
def deposit(saver):
    """A pending Rp 100.000 top-up of ``saver`` through the sandbox."""
    response = client_for(saver).post(
        "/api/v1/wallet/deposits/", {"amount": 100_000}, format="json"
    )
    assert response.status_code == 201, response.json()
    return Deposit.objects.get(pk=response.json()["id"])


def deliver(body: bytes, signature: str | None, path: str = WEBHOOK):
    extra = {SIGNATURE_META: signature} if signature is not None else {}
    return english_client().generic("POST", path, body, content_type="application/json", **extra)


def paid(deposit, **changes) -> bytes:
    values = {"reference": deposit.reference, "status": "paid", "amount": deposit.amount}
    return webhook_body(**{**values, **changes})


def assert_no_credit(before, deposit):
    assert snapshot() == before
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.PENDING
    assert client_for(deposit.user).get("/api/v1/wallet/").json()["available"] == 300_000


WEBHOOK_SIGNATURE_CASES = [
    pytest.param(lambda body: "sha256=" + "0" * 64, id="wrong_signature"),
    pytest.param(lambda body: sign(body + b" "), id="signature_of_another_body"),
    pytest.param(lambda body: sign(body).removeprefix("sha256="), id="signature_without_prefix"),
    pytest.param(lambda body: sign(body).upper(), id="signature_in_upper_case"),
    pytest.param(lambda body: "", id="empty_signature"),
    pytest.param(lambda body: None, id="missing_signature"),
]


@pytest.mark.parametrize("signature", WEBHOOK_SIGNATURE_CASES)
def test_webhook_with_a_bad_signature_credits_nothing(deposit, signature):
    body = paid(deposit)
    before = snapshot()
    response = deliver(body, signature(body))
    assert_refused(response, 400, "invalid_signature", {}, SIGNATURE)
    assert_no_credit(before, deposit)


def test_webhook_signed_with_another_secret_credits_nothing(deposit, settings):
    body = paid(deposit)
    settings.SANDBOX_WEBHOOK_SECRET = "a-guessed-secret"
    forged = sign(body)
    settings.SANDBOX_WEBHOOK_SECRET = "garap-sandbox-webhook-secret"
    before = snapshot()
    response = deliver(body, forged)
    assert_refused(response, 400, "invalid_signature", {}, SIGNATURE)
    assert_no_credit(before, deposit)


MALFORMED_BODIES = [
    pytest.param(lambda d: b'{"reference": "', id="truncated_json"),
    pytest.param(lambda d: b"", id="empty_body"),
    pytest.param(lambda d: b"not json at all", id="not_json"),
    pytest.param(lambda d: b"[]", id="a_list"),
    pytest.param(lambda d: b'"paid"', id="a_string"),
    pytest.param(
        lambda d: f'{{"event_id":"e1","reference":"{d.reference}","status":"paid"}}'.encode(),
        id="amount_missing",
    ),
    pytest.param(lambda d: paid(d, amount="100000"), id="amount_a_string"),
    pytest.param(lambda d: paid(d, amount=100_000.0), id="amount_a_float"),
    pytest.param(lambda d: paid(d, amount=True), id="amount_true"),
    pytest.param(lambda d: paid(d, amount=0), id="amount_zero"),
    pytest.param(lambda d: paid(d, amount=-100_000), id="amount_negative"),
    pytest.param(lambda d: paid(d, status="refunded"), id="status_unknown"),
    pytest.param(lambda d: paid(d, status=None), id="status_null"),
]


@pytest.mark.parametrize("make_body", MALFORMED_BODIES)
def test_webhook_with_a_malformed_body_validly_signed_credits_nothing(deposit, make_body):
    body = make_body(deposit)
    before = snapshot()
    response = deliver(body, sign(body))
    assert_refused(response, 400, "invalid_signature", {}, SIGNATURE)
    assert_no_credit(before, deposit)


def test_webhook_for_an_unknown_reference_is_404(deposit):
    body = paid(deposit, reference="f" * 32)
    before = snapshot()
    response = deliver(body, sign(body))
    assert_refused(response, 404, "unknown_reference", {}, "Unknown deposit reference.")
    assert_no_credit(before, deposit)


@pytest.mark.parametrize("amount", [99_999, 100_001, 10_000_000])
def test_webhook_with_another_amount_is_409(deposit, amount):
    body = paid(deposit, amount=amount)
    before = snapshot()
    response = deliver(body, sign(body))
    assert_refused(response, 409, "amount_mismatch", {}, "The amount does not match the deposit.")
    assert_no_credit(before, deposit)


@pytest.mark.parametrize("provider", ["midtrans", "xendit", "Sandbox"])
def test_webhook_for_an_unknown_provider_is_404(deposit, provider):
    body = paid(deposit)
    before = snapshot()
    response = deliver(body, sign(body), path=f"/api/v1/payments/webhooks/{provider}/")
    assert_refused(response, 404, "not_found", {}, "Unknown payment gateway.")
    assert_no_credit(before, deposit)


def test_webhook_paid_after_failed_is_409_and_credits_nothing(deposit):
    failed = paid(deposit, status="failed")
    assert deliver(failed, sign(failed)).status_code == 200
    deposit.refresh_from_db()
    assert deposit.status == Deposit.Status.FAILED
    body = paid(deposit)
    before = snapshot()
    response = deliver(body, sign(body))
    assert_refused(
        response, 409, "invalid_state", {}, "This deposit is failed; it cannot become paid."
    )
    assert snapshot() == before
    assert client_for(deposit.user).get("/api/v1/wallet/").json()["available"] == 300_000
