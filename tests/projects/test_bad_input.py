"""Bad input through the API: each a clear 4xx in the one error shape, and nothing written.

Every case names the field at fault (or none, for a refusal about state) with its exact message,
and compares the rows before and after: a refused request leaves no gig, bid, contract,
milestone, message or notice behind, and changes none of the existing ones.
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Notification, Suspension
from projects.models import (
    Bid,
    Contract,
    ContractMessage,
    Gig,
    GigInvitation,
    Milestone,
)
from tests.accounts.factories import UserFactory
from tests.bad_input import REMOVE, apply, assert_refused, cases
from tests.conftest import client_for
from tests.projects.factories import (
    BidFactory,
    CategoryFactory,
    ContractFactory,
    GigFactory,
    SkillFactory,
)

MAX = settings.GIG_MAX_BUDGET

AT_LEAST_1 = "Ensure this value is greater than or equal to 1."
# A rupiah amount's bounds are said in rupiah, never as a bare number ("100000000").
ABOVE_0 = "Enter an amount above Rp 0."
AT_MOST_MAX = "Enter at most Rp 100.000.000."
assert MAX == 100_000_000
WHOLE = "Must be a whole number."
TYPED_RUPIAH = "Enter whole rupiah, for example 150.000."
TYPED_CENTS = "Enter whole rupiah, for example 150.000. Amounts have no cents."
TYPED_NEGATIVE = "Enter an amount without a minus sign."
TEXT = "Must be text."
NULL = "This field may not be null."
REQUIRED = "This field is required."
UNKNOWN = "Unknown field. Remove it from the request."
BIDDING_WINDOW = "Bidding must close between 1 and 14 days from now."
SUSPENDED = "Your account is suspended, so you cannot do this now. Contact support."
SPLIT = "The milestones do not add up; see the fields."
DATETIME_FORMAT = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)


def terms(field: str) -> str:
    """How the service's check of a gig's money and dates sums up a refusal."""
    return f"Check these fields: {field}."


def snapshot() -> dict:
    """Every row a refused request could write or change."""
    return {
        "gigs": list(Gig.objects.order_by("pk").values()),
        "gig_skills": list(Gig.skills.through.objects.order_by("pk").values()),
        "invitations": GigInvitation.objects.count(),
        "bids": list(Bid.objects.order_by("pk").values()),
        "contracts": list(Contract.objects.order_by("pk").values()),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "messages": ContractMessage.objects.count(),
        "notices": Notification.objects.count(),
    }


def iso(delta: timedelta) -> str:
    return (timezone.now() + delta).isoformat()


@pytest.fixture
def frozen(time_machine):
    """Time stands still, so "23 hours from now" stays 23 hours from now."""
    time_machine.move_to(timezone.now(), tick=False)


@pytest.fixture
def ctx(db, frozen):
    category = CategoryFactory(name_en="Logo design", min_price=50_000)
    return {
        "category": category,
        "pricey": CategoryFactory(name_en="Video editing", min_price=200_000),
        "inactive": CategoryFactory(is_active=False),
        "skills": [SkillFactory(category=category) for _ in range(11)],
        "client": UserFactory(),
    }


def gig_body(ctx) -> dict:
    return {
        "title": "Desain logo toko kue",
        "description": "Logo sederhana warna pastel untuk kemasan dan Instagram.",
        "category": ctx["category"].pk,
        "skills": [ctx["skills"][0].pk],
        "budget": 150_000,
        "bidding_deadline": iso(timedelta(days=3)),
        "delivery_deadline": iso(timedelta(days=10)),
    }


# --- gigs: create and edit ---------------------------------------------------------------------

# (id, changes — a dict or a function of ctx — and the expected ``fields``)
GIG_FIELD_CASES = [
    # budget
    ("budget_zero", {"budget": 0}, {"budget": [ABOVE_0]}),
    ("budget_negative", {"budget": -150_000}, {"budget": [ABOVE_0]}),
    ("budget_over_max", {"budget": MAX + 1}, {"budget": [AT_MOST_MAX]}),
    ("budget_2_63", {"budget": 2**63}, {"budget": [AT_MOST_MAX]}),
    ("budget_2_64_plus", {"budget": 2**64 + 1}, {"budget": [AT_MOST_MAX]}),
    ("budget_fraction", {"budget": 1.5}, {"budget": [WHOLE]}),
    ("budget_float_whole", {"budget": 150_000.0}, {"budget": [WHOLE]}),
    # A string is read as typed ("150.000" → 150000, tests/marketplace/test_rupiah.py); junk is not.
    ("budget_junk_string", {"budget": "seratus ribu"}, {"budget": [TYPED_RUPIAH]}),
    ("budget_cents_string", {"budget": "150.000,50"}, {"budget": [TYPED_CENTS]}),
    ("budget_negative_string", {"budget": "-150.000"}, {"budget": [TYPED_NEGATIVE]}),
    ("budget_true", {"budget": True}, {"budget": [WHOLE]}),
    ("budget_list", {"budget": [150_000]}, {"budget": [WHOLE]}),
    ("budget_null", {"budget": None}, {"budget": [NULL]}),
    (
        "budget_under_category_minimum",
        {"budget": 49_999},
        {"budget": ["The minimum for Logo design is Rp 50.000."]},
        terms("budget"),
    ),
    (
        "budget_under_new_category_minimum",
        lambda c: {"category": c["pricey"].pk},
        {"budget": ["The minimum for Video editing is Rp 200.000."]},
        terms("budget"),
    ),
    # dates
    (
        "bidding_in_the_past",
        lambda c: {"bidding_deadline": iso(timedelta(hours=-1))},
        {"bidding_deadline": [BIDDING_WINDOW]},
        terms("bidding_deadline"),
    ),
    (
        "bidding_under_24h",
        lambda c: {"bidding_deadline": iso(timedelta(hours=23, minutes=59))},
        {"bidding_deadline": [BIDDING_WINDOW]},
        terms("bidding_deadline"),
    ),
    (
        "bidding_over_14_days",
        lambda c: {
            "bidding_deadline": iso(timedelta(days=14, minutes=1)),
            "delivery_deadline": iso(timedelta(days=20)),
        },
        {"bidding_deadline": [BIDDING_WINDOW]},
        terms("bidding_deadline"),
    ),
    (
        "delivery_before_bidding",
        lambda c: {"delivery_deadline": iso(timedelta(days=2))},
        {"delivery_deadline": ["The delivery deadline must be after bidding closes."]},
        terms("delivery_deadline"),
    ),
    (
        "delivery_at_bidding",
        lambda c: {"delivery_deadline": iso(timedelta(days=3))},
        {"delivery_deadline": ["The delivery deadline must be after bidding closes."]},
        terms("delivery_deadline"),
    ),
    (
        "delivery_over_60_days_after_bidding",
        lambda c: {"delivery_deadline": iso(timedelta(days=63, minutes=1))},
        {"delivery_deadline": ["Delivery must be due within 60 days after bidding closes."]},
        terms("delivery_deadline"),
    ),
    (
        # Was a 500: adding 60 days to a date near datetime.max overflowed.
        "dates_at_the_end_of_time",
        {"bidding_deadline": "9999-12-30T00:00:00Z", "delivery_deadline": "9999-12-31T00:00:00Z"},
        {"bidding_deadline": [BIDDING_WINDOW]},
        terms("bidding_deadline"),
    ),
    (
        "bidding_out_of_range",
        {"bidding_deadline": "9999-12-31T23:59:59-12:00"},
        {"bidding_deadline": ["Datetime value out of range."]},
    ),
    ("bidding_not_a_date", {"bidding_deadline": "besok"}, {"bidding_deadline": [DATETIME_FORMAT]}),
    (
        "bidding_a_number",
        {"bidding_deadline": 1_900_000_000},
        {"bidding_deadline": [DATETIME_FORMAT]},
    ),
    # category and skills
    (
        "category_unknown",
        {"category": 999_999},
        {"category": ["Unknown category."]},
        "Choose one of the listed categories.",
    ),
    (
        "category_inactive",
        lambda c: {"category": c["inactive"].pk},
        {"category": ["Unknown category."]},
        "Choose one of the listed categories.",
    ),
    ("category_zero", {"category": 0}, {"category": [AT_LEAST_1]}),
    (
        "category_over_int",
        {"category": 2**31},
        {"category": ["Ensure this value is less than or equal to 2147483647."]},
    ),
    ("category_string", lambda c: {"category": str(c["category"].pk)}, {"category": [WHOLE]}),
    (
        "skill_unknown",
        {"skills": [999_999]},
        {"skills": ["Unknown skill."]},
        "Unknown skills: 999999.",
    ),
    (
        "skills_over_10",
        lambda c: {"skills": [s.pk for s in c["skills"]]},
        {"skills": ["Ensure this field has no more than 10 elements."]},
    ),
    ("skills_a_string", {"skills": "1,2"}, {"skills": ["Must be a list."]}),
    ("skill_zero", {"skills": [0]}, {"skills.0": [AT_LEAST_1]}),
    ("skill_string", lambda c: {"skills": [str(c["skills"][0].pk)]}, {"skills": [WHOLE]}),
    ("skill_true", {"skills": [True]}, {"skills": [WHOLE]}),
    # text
    (
        "title_too_long",
        {"title": "L" * 121},
        {"title": ["Ensure this field has no more than 120 characters."]},
    ),
    (
        "title_too_short",
        {"title": "Logo"},
        {"title": ["Ensure this field has at least 5 characters."]},
    ),
    ("title_blank", {"title": "   "}, {"title": ["This field may not be blank."]}),
    ("title_nul", {"title": "Logo\x00toko kue"}, {"title": ["Null characters are not allowed."]}),
    ("title_a_number", {"title": 12345}, {"title": [TEXT]}),
    (
        "description_too_long",
        {"description": "d" * 5001},
        {"description": ["Ensure this field has no more than 5000 characters."]},
    ),
    (
        "description_too_short",
        {"description": "Logo saja."},
        {"description": ["Ensure this field has at least 20 characters."]},
    ),
    (
        "visibility_unknown",
        {"visibility": "secret"},
        {"visibility": ['"secret" is not a valid choice.']},
    ),
    # fields that are not there to set
    ("unknown_field_typo", {"budjet": 150_000}, {"budjet": [UNKNOWN]}),
    ("unknown_field_status", {"status": "open"}, {"status": [UNKNOWN]}),
    ("unknown_field_client", {"client": 1}, {"client": [UNKNOWN]}),
    ("unknown_field_bid_count", {"bid_count": 99}, {"bid_count": [UNKNOWN]}),
    (
        "two_unknown_fields",
        {"published_at": iso(timedelta()), "content_flags": []},
        {"content_flags": [UNKNOWN], "published_at": [UNKNOWN]},
    ),
]

CREATE_ONLY_CASES = [
    ("budget_missing", {"budget": REMOVE}, {"budget": [REQUIRED]}),
    ("category_missing", {"category": REMOVE}, {"category": [REQUIRED]}),
    ("publish_not_a_bool", {"publish": "yes"}, {"publish": ["Must be true or false."]}),
    (
        "multiple_problems",
        {"budget": 0, "title": "L" * 121},
        {
            "title": ["Ensure this field has no more than 120 characters."],
            "budget": [ABOVE_0],
        },
    ),
]


def changes_for(changes, ctx) -> dict:
    return changes(ctx) if callable(changes) else changes


@pytest.mark.parametrize("publish", [False, True], ids=["draft", "publish"])
@pytest.mark.parametrize(
    ("changes", "fields", "message"), cases(GIG_FIELD_CASES + CREATE_ONLY_CASES)
)
def test_create_gig_bad_input(ctx, publish, changes, fields, message):
    body = apply(gig_body(ctx), {"publish": publish, **changes_for(changes, ctx)})
    before = snapshot()
    response = client_for(ctx["client"]).post("/api/v1/gigs/", body, format="json")
    assert_refused(response, 400, "invalid", fields, message)
    assert snapshot() == before


@pytest.mark.django_db
def test_create_gig_body_not_an_object(ctx):
    before = snapshot()
    response = client_for(ctx["client"]).post("/api/v1/gigs/", [gig_body(ctx)], format="json")
    assert_refused(
        response,
        400,
        "invalid",
        {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
        message="Invalid data. Expected a dictionary, but got list.",
    )
    assert snapshot() == before


def test_create_gig_while_suspended(ctx):
    Suspension.objects.create(
        user=ctx["client"], reason="Spam", starts_at=timezone.now() - timedelta(days=1)
    )
    before = snapshot()
    response = client_for(ctx["client"]).post("/api/v1/gigs/", gig_body(ctx), format="json")
    assert_refused(response, 403, "suspended", {}, message=SUSPENDED)
    assert snapshot() == before


EDIT_ONLY_CASES = [
    ("publish_on_edit", {"publish": True}, {"publish": [UNKNOWN]}),
    ("rejection_reason", {"rejection_reason": ""}, {"rejection_reason": [UNKNOWN]}),
    (
        # Only the bidding deadline moves: past the delivery deadline the gig already has.
        "bidding_after_existing_delivery",
        lambda c: {"bidding_deadline": iso(timedelta(days=13, hours=1))},
        {"delivery_deadline": ["The delivery deadline must be after bidding closes."]},
        terms("delivery_deadline"),
    ),
]


@pytest.mark.parametrize("status", [Gig.Status.DRAFT, Gig.Status.OPEN])
@pytest.mark.parametrize(("changes", "fields", "message"), cases(GIG_FIELD_CASES + EDIT_ONLY_CASES))
def test_edit_gig_bad_input(ctx, status, changes, fields, message):
    gig = GigFactory(
        client=ctx["client"],
        category=ctx["category"],
        status=status,
        bidding_deadline=timezone.now() + timedelta(days=3),
        delivery_deadline=timezone.now() + timedelta(days=10),
    )
    gig.skills.set(ctx["skills"][:2])
    body = changes_for(changes, ctx)
    before = snapshot()
    response = client_for(ctx["client"]).patch(f"/api/v1/gigs/{gig.pk}/", body, format="json")
    assert_refused(response, 400, "invalid", fields, message)
    assert snapshot() == before


def test_edit_gig_with_a_live_bid_is_refused(ctx):
    gig = GigFactory(client=ctx["client"], bid_count=1)
    BidFactory(gig=gig, status=Bid.Status.SHORTLISTED)
    before = snapshot()
    response = client_for(ctx["client"]).patch(
        f"/api/v1/gigs/{gig.pk}/", {"budget": 200_000}, format="json"
    )
    assert_refused(
        response,
        409,
        "has_bids",
        {},
        message="This gig has bids, so it can no longer be edited. Cancel it and post a new one.",
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    "status",
    [
        Gig.Status.AWARDED,
        Gig.Status.COMPLETED,
        Gig.Status.EXPIRED,
        Gig.Status.CANCELLED,
        Gig.Status.REJECTED,
    ],
)
def test_edit_gig_after_it_closed_is_refused(ctx, status):
    gig = GigFactory(client=ctx["client"], status=status)
    before = snapshot()
    response = client_for(ctx["client"]).patch(
        f"/api/v1/gigs/{gig.pk}/", {"budget": 200_000}, format="json"
    )
    assert_refused(
        response,
        409,
        "invalid_state",
        {},
        message="Only a draft, pending or open gig can be edited.",
    )
    assert snapshot() == before


def test_edit_someone_elses_gig_is_not_found(ctx):
    gig = GigFactory()
    before = snapshot()
    response = client_for(ctx["client"]).patch(
        f"/api/v1/gigs/{gig.pk}/", {"budget": 200_000}, format="json"
    )
    assert_refused(response, 404, "not_found", {}, message="Gig not found.")
    assert snapshot() == before


# --- bids ----------------------------------------------------------------------------------------

BID_FIELD_CASES = [
    ("amount_zero", {"amount": 0}, {"amount": [ABOVE_0]}),
    ("amount_negative", {"amount": -120_000}, {"amount": [ABOVE_0]}),
    ("amount_over_max", {"amount": MAX + 1}, {"amount": [AT_MOST_MAX]}),
    ("amount_2_63", {"amount": 2**63}, {"amount": [AT_MOST_MAX]}),
    ("amount_fraction", {"amount": 1.5}, {"amount": [WHOLE]}),
    ("amount_junk_string", {"amount": "150rb"}, {"amount": [TYPED_RUPIAH]}),
    ("amount_cents_string", {"amount": "1,5"}, {"amount": [TYPED_CENTS]}),
    ("amount_true", {"amount": True}, {"amount": [WHOLE]}),
    ("amount_null", {"amount": None}, {"amount": [NULL]}),
    (
        "amount_under_category_minimum",
        {"amount": 49_999},
        {"amount": ["Below the category minimum of Rp 50.000."]},
        "The minimum for this category is Rp 50.000.",
    ),
    ("delivery_days_zero", {"delivery_days": 0}, {"delivery_days": [AT_LEAST_1]}),
    ("delivery_days_negative", {"delivery_days": -3}, {"delivery_days": [AT_LEAST_1]}),
    (
        "delivery_days_over_90",
        {"delivery_days": 91},
        {"delivery_days": ["Ensure this value is less than or equal to 90."]},
    ),
    ("delivery_days_string", {"delivery_days": "5"}, {"delivery_days": [WHOLE]}),
    ("delivery_days_fraction", {"delivery_days": 2.5}, {"delivery_days": [WHOLE]}),
    (
        "cover_letter_too_long",
        {"cover_letter": "c" * 3001},
        {"cover_letter": ["Ensure this field has no more than 3000 characters."]},
    ),
    (
        "cover_letter_too_short",
        {"cover_letter": "Bisa, kak."},
        {"cover_letter": ["Ensure this field has at least 20 characters."]},
    ),
    ("cover_letter_a_number", {"cover_letter": 42}, {"cover_letter": [TEXT]}),
    (
        "revisions_over_10",
        {"revisions_included": 11},
        {"revisions_included": ["Ensure this value is less than or equal to 10."]},
    ),
    (
        "revisions_negative",
        {"revisions_included": -1},
        {"revisions_included": ["Ensure this value is greater than or equal to 0."]},
    ),
    ("unknown_field_status", {"status": "accepted"}, {"status": [UNKNOWN]}),
    ("unknown_field_freelancer", {"freelancer": 1}, {"freelancer": [UNKNOWN]}),
    ("unknown_field_gig", {"gig": 1}, {"gig": [UNKNOWN]}),
]

BID_BODY = {
    "amount": 120_000,
    "delivery_days": 5,
    "cover_letter": "Saya sudah membuat puluhan logo untuk UMKM di Bandung.",
}


@pytest.fixture
def open_gig(ctx):
    return GigFactory(category=ctx["category"], client=ctx["client"])


@pytest.mark.parametrize(
    ("changes", "fields", "message"),
    cases([*BID_FIELD_CASES, ("amount_missing", {"amount": REMOVE}, {"amount": [REQUIRED]})]),
)
def test_place_bid_bad_input(open_gig, changes, fields, message):
    before = snapshot()
    response = client_for(UserFactory()).post(
        f"/api/v1/gigs/{open_gig.pk}/bids/", apply(BID_BODY, changes), format="json"
    )
    assert_refused(response, 400, "invalid", fields, message)
    assert snapshot() == before


@pytest.mark.parametrize("typed", ["150.000", "Rp 150.000", "150000"])
def test_a_bid_amount_may_be_sent_as_typed(open_gig, typed):
    response = client_for(UserFactory()).post(
        f"/api/v1/gigs/{open_gig.pk}/bids/", {**BID_BODY, "amount": typed}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == 150_000  # answered as an integer, as always
    assert Bid.objects.get().amount == 150_000


def test_a_gig_budget_may_be_sent_as_typed(ctx):
    body = {**gig_body(ctx), "budget": "Rp 1.500.000"}

    response = client_for(ctx["client"]).post("/api/v1/gigs/", body, format="json")

    assert response.status_code == 201, response.json()
    assert Gig.objects.get().budget == 1_500_000


def _own_gig(gig):
    return gig.client, gig, 409, "own_gig", "You cannot bid on your own gig."


def _status(status, code_status, code, message):
    def arrange(gig):
        Gig.objects.filter(pk=gig.pk).update(status=status)
        return UserFactory(), gig, code_status, code, message

    arrange.__name__ = f"gig_{status}"
    return arrange


NOT_FOUND = (404, "not_found", "Gig not found.")
NOT_OPEN = (409, "gig_not_open", "This gig is not open for bids.")


def _after_deadline(gig):
    Gig.objects.filter(pk=gig.pk).update(bidding_deadline=timezone.now() - timedelta(seconds=1))
    return UserFactory(), gig, 409, "bidding_closed", "Bidding on this gig has closed."


def _second_live_bid(status):
    def arrange(gig):
        first = BidFactory(gig=gig, status=status)
        Gig.objects.filter(pk=gig.pk).update(bid_count=1)
        return (
            first.freelancer,
            gig,
            409,
            "duplicate_bid",
            "You already have a bid on this gig; edit it instead.",
        )

    arrange.__name__ = f"second_bid_while_{status}"
    return arrange


def _at_capacity(gig):
    freelancer = UserFactory(display_name="Budi Santoso")
    for _ in range(3):
        ContractFactory(bid__freelancer=freelancer)
    return (
        freelancer,
        gig,
        409,
        "at_capacity",
        "Budi Santoso already has 3 active contracts, their limit. Finish one first.",
    )


def _suspended(gig):
    freelancer = UserFactory()
    Suspension.objects.create(
        user=freelancer, reason="Spam", starts_at=timezone.now() - timedelta(hours=1)
    )
    return (
        freelancer,
        gig,
        403,
        "suspended",
        SUSPENDED,
    )


def _invite_only_uninvited(gig):
    Gig.objects.filter(pk=gig.pk).update(visibility=Gig.Visibility.INVITE_ONLY)
    return (UserFactory(), gig, *NOT_FOUND)


def _unknown_gig(gig):
    return UserFactory(), Gig(pk=999_999), *NOT_FOUND


@pytest.mark.parametrize(
    "arrange",
    [
        _own_gig,
        _status(Gig.Status.DRAFT, *NOT_FOUND),
        _status(Gig.Status.PENDING_REVIEW, *NOT_FOUND),
        _status(Gig.Status.REJECTED, *NOT_FOUND),
        _status(Gig.Status.CANCELLED, *NOT_FOUND),
        _status(Gig.Status.AWARDED, *NOT_OPEN),
        _status(Gig.Status.COMPLETED, *NOT_OPEN),
        _status(Gig.Status.EXPIRED, *NOT_OPEN),
        _after_deadline,
        _second_live_bid(Bid.Status.PENDING),
        _second_live_bid(Bid.Status.SHORTLISTED),
        _second_live_bid(Bid.Status.ACCEPTED),
        _at_capacity,
        _suspended,
        _invite_only_uninvited,
        _unknown_gig,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_place_bid_refused(open_gig, arrange):
    freelancer, gig, status, code, message = arrange(open_gig)
    before = snapshot()
    response = client_for(freelancer).post(f"/api/v1/gigs/{gig.pk}/bids/", BID_BODY, format="json")
    assert_refused(response, status, code, {}, message=message)
    assert snapshot() == before


def test_place_bid_after_the_deadline_passes(open_gig, time_machine):
    freelancer = UserFactory()
    api = client_for(freelancer)
    time_machine.move_to(open_gig.bidding_deadline, tick=False)  # at the deadline: closed
    before = snapshot()
    response = api.post(f"/api/v1/gigs/{open_gig.pk}/bids/", BID_BODY, format="json")
    assert_refused(response, 409, "bidding_closed", {}, message="Bidding on this gig has closed.")
    assert snapshot() == before

    time_machine.move_to(open_gig.bidding_deadline - timedelta(seconds=1), tick=False)
    assert api.post(f"/api/v1/gigs/{open_gig.pk}/bids/", BID_BODY, format="json").status_code == 201


@pytest.mark.parametrize(("changes", "fields", "message"), cases(BID_FIELD_CASES))
def test_edit_bid_bad_input(open_gig, changes, fields, message):
    bid = BidFactory(gig=open_gig)
    before = snapshot()
    response = client_for(bid.freelancer).patch(f"/api/v1/bids/{bid.pk}/", changes, format="json")
    assert_refused(response, 400, "invalid", fields, message)
    assert snapshot() == before


@pytest.mark.parametrize(
    "status",
    [Bid.Status.SHORTLISTED, Bid.Status.ACCEPTED, Bid.Status.REJECTED, Bid.Status.WITHDRAWN],
)
def test_edit_bid_that_is_not_pending_is_refused(open_gig, status):
    bid = BidFactory(gig=open_gig, status=status)
    before = snapshot()
    response = client_for(bid.freelancer).patch(
        f"/api/v1/bids/{bid.pk}/", {"amount": 100_000}, format="json"
    )
    assert_refused(response, 409, "invalid_state", {}, message="Only a pending bid can be edited.")
    assert snapshot() == before


def test_edit_bid_by_someone_else_is_refused(open_gig):
    bid = BidFactory(gig=open_gig)
    before = snapshot()
    by_client = client_for(open_gig.client).patch(
        f"/api/v1/bids/{bid.pk}/", {"amount": 100_000}, format="json"
    )
    assert_refused(
        by_client,
        403,
        "permission_denied",
        {},
        message="Only the freelancer who placed the bid can do this.",
    )
    by_stranger = client_for(UserFactory()).patch(
        f"/api/v1/bids/{bid.pk}/", {"amount": 100_000}, format="json"
    )
    assert_refused(by_stranger, 404, "not_found", {}, message="Bid not found.")
    assert snapshot() == before


# --- milestones ------------------------------------------------------------------------------
# The contract's bid promised delivery in 5 days: a split's due dates are 6 and 8 days out.


@pytest.fixture
def contract(ctx):
    return ContractFactory(bid__amount=300_000, bid__gig__category=ctx["category"])


def part(title: str, amount, days) -> dict:
    return {"title": title, "amount": amount, "due_at": iso(timedelta(days=days))}


MILESTONE_CASES = [
    (
        "sum_under_total",
        [part("Konsep", 100_000, 6), part("Final", 100_000, 8)],
        {
            "milestones": [
                "The amounts add up to Rp 200.000; they must add up to the contract's Rp 300.000."
            ]
        },
        SPLIT,
    ),
    (
        "sum_over_total",
        [part("Konsep", 200_000, 6), part("Final", 200_000, 8)],
        {
            "milestones": [
                "The amounts add up to Rp 400.000; they must add up to the contract's Rp 300.000."
            ]
        },
        SPLIT,
    ),
    (
        "part_under_minimum",
        [part("Konsep", 9_999, 6), part("Final", 290_001, 8)],
        {"milestones.0.amount": ["At least Rp 10.000."]},
        SPLIT,
    ),
    (
        "part_zero",
        [part("Konsep", 0, 6), part("Final", 300_000, 8)],
        {"milestones.0.amount": [ABOVE_0]},
    ),
    (
        "part_negative",
        [part("Konsep", -100_000, 6), part("Final", 400_000, 8)],
        {"milestones.0.amount": [ABOVE_0]},
    ),
    (
        "part_over_max",
        [part("Konsep", 2**63, 6)],
        {"milestones.0.amount": [AT_MOST_MAX]},
    ),
    (
        "part_amount_junk_string",
        [part("Konsep", "100.000.0", 6), part("Final", 200_000, 8)],
        {"milestones.0.amount": [TYPED_RUPIAH]},
    ),
    (
        "part_amount_fraction",
        [part("Konsep", 100_000.5, 6), part("Final", 199_999.5, 8)],
        {"milestones.0.amount": [WHOLE], "milestones.1.amount": [WHOLE]},
    ),
    (
        "due_in_the_past",
        [part("Konsep", 100_000, 6), part("Final", 200_000, -1)],
        {"milestones.1.due_at": ["Must be in the future."]},
        SPLIT,
    ),
    (
        "due_before_the_previous",
        [part("Konsep", 100_000, 8), part("Final", 200_000, 6)],
        {"milestones.1.due_at": ["Must not be before the previous one."]},
        SPLIT,
    ),
    (
        "no_parts",
        [],
        {"milestones.non_field_errors": ["Ensure this field has at least 1 elements."]},
    ),
    (
        "eleven_parts",
        [part(f"Bagian {i}", 30_000, i + 1) for i in range(11)],
        {"milestones.non_field_errors": ["Ensure this field has no more than 10 elements."]},
    ),
    (
        "title_blank",
        [part("", 300_000, 6)],
        {"milestones.0.title": ["This field may not be blank."]},
    ),
    (
        "unknown_field_in_part",
        [{**part("Konsep", 300_000, 6), "status": "funded"}],
        {"milestones.0.status": [UNKNOWN]},
    ),
    (
        "not_a_list",
        "Konsep 100000, Final 200000",
        {"milestones.non_field_errors": ['Expected a list of items but got type "str".']},
    ),
]


def milestone_split(api, contract, milestones):
    return api.post(
        f"/api/v1/contracts/{contract.pk}/milestones/", {"milestones": milestones}, format="json"
    )


@pytest.mark.parametrize(("milestones", "fields", "message"), cases(MILESTONE_CASES))
def test_split_milestones_bad_input(contract, milestones, fields, message):
    before = snapshot()
    response = milestone_split(client_for(contract.client), contract, milestones)
    assert_refused(response, 400, "invalid", fields, message)
    assert snapshot() == before


def test_split_milestones_unknown_top_level_field(contract):
    before = snapshot()
    response = client_for(contract.client).post(
        f"/api/v1/contracts/{contract.pk}/milestones/",
        {"milestones": [part("Semua", 300_000, 6)], "amount": 300_000},
        format="json",
    )
    assert_refused(response, 400, "invalid", {"amount": [UNKNOWN]})
    assert snapshot() == before


GOOD_SPLIT = [("Konsep", 100_000, 6), ("Final", 200_000, 8)]


@pytest.mark.parametrize(
    "status",
    [s for s in Milestone.Status if s != Milestone.Status.PENDING],
)
def test_split_after_a_milestone_left_pending_is_refused(contract, status):
    Milestone.objects.filter(contract=contract).update(status=status)
    before = snapshot()
    response = milestone_split(
        client_for(contract.client), contract, [part(*p) for p in GOOD_SPLIT]
    )
    assert_refused(
        response,
        409,
        "already_funded",
        {},
        message="Milestones can be changed only before any is funded.",
    )
    assert snapshot() == before


@pytest.mark.parametrize("status", [Contract.Status.COMPLETED, Contract.Status.CANCELLED])
def test_split_on_a_closed_contract_is_refused(contract, status):
    Contract.objects.filter(pk=contract.pk).update(status=status)
    before = snapshot()
    response = milestone_split(
        client_for(contract.client), contract, [part(*p) for p in GOOD_SPLIT]
    )
    assert_refused(response, 409, "invalid_state", {}, message="This contract is closed.")
    assert snapshot() == before


def test_split_by_anyone_but_the_client_is_refused(contract):
    before = snapshot()
    by_freelancer = milestone_split(
        client_for(contract.freelancer), contract, [part(*p) for p in GOOD_SPLIT]
    )
    assert_refused(
        by_freelancer,
        403,
        "permission_denied",
        {},
        message="Only the client can change the milestones.",
    )
    by_stranger = milestone_split(
        client_for(UserFactory()), contract, [part(*p) for p in GOOD_SPLIT]
    )
    assert_refused(by_stranger, 404, "not_found", {}, message="Contract not found.")
    assert snapshot() == before


# --- messages --------------------------------------------------------------------------------


EMPTY = "Write a message or attach a file."


@pytest.mark.parametrize(
    ("body", "fields", "message"),
    [
        pytest.param({"body": ""}, {"body": ["Empty message."]}, EMPTY, id="empty"),
        pytest.param({"body": "   \n\t"}, {"body": ["Empty message."]}, EMPTY, id="whitespace"),
        pytest.param({}, {"body": ["Empty message."]}, EMPTY, id="missing"),
        pytest.param(
            {"body": "m" * 5001},
            {"body": ["Ensure this field has no more than 5000 characters."]},
            None,
            id="too_long",
        ),
        pytest.param({"body": 42}, {"body": [TEXT]}, None, id="a_number"),
        pytest.param({"body": None}, {"body": [NULL]}, None, id="null"),
        pytest.param(
            {"body": "a\x00b"}, {"body": ["Null characters are not allowed."]}, None, id="nul"
        ),
        pytest.param({"text": "Halo"}, {"text": [UNKNOWN]}, None, id="unknown_field"),
    ],
)
def test_post_message_bad_input(contract, body, fields, message):
    before = snapshot()
    response = client_for(contract.freelancer).post(
        f"/api/v1/contracts/{contract.pk}/messages/", body, format="json"
    )
    assert_refused(response, 400, "invalid", fields, message)
    assert snapshot() == before


def test_post_message_refused_for_strangers_and_the_suspended(contract):
    before = snapshot()
    stranger = client_for(UserFactory()).post(
        f"/api/v1/contracts/{contract.pk}/messages/", {"body": "Halo"}, format="json"
    )
    assert_refused(stranger, 404, "not_found", {}, message="Contract not found.")
    Suspension.objects.create(
        user=contract.client, reason="Spam", starts_at=timezone.now() - timedelta(hours=1)
    )
    before = snapshot()
    suspended = client_for(contract.client).post(
        f"/api/v1/contracts/{contract.pk}/messages/", {"body": "Halo"}, format="json"
    )
    assert_refused(suspended, 403, "suspended", {}, message=SUSPENDED)
    assert snapshot() == before


# --- browsing: query parameters ----------------------------------------------------------------

INVALID_SKILLS = "Give 1 to 20 skill ids separated by commas."


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        pytest.param(
            [("sort", "unknown")], {"sort": ['"unknown" is not a valid choice.']}, id="sort_unknown"
        ),
        pytest.param(
            [("sort", "newest"), ("sort", "budget_low")],
            {"sort": ["Give this parameter once."]},
            id="sort_repeated",
        ),
        pytest.param(
            [("budget_min", "abc")],
            {"budget_min": [TYPED_RUPIAH]},
            id="budget_min_abc",
        ),
        pytest.param(
            [("budget_min", "1.5")],
            {"budget_min": [TYPED_CENTS]},
            id="budget_min_fraction",
        ),
        pytest.param(
            [("budget_min", "-1")],
            {"budget_min": [TYPED_NEGATIVE]},
            id="budget_min_negative",
        ),
        pytest.param(
            [("budget_max", str(2**63))],
            {"budget_max": ["This amount is too long: enter at most 15 digits."]},
            id="budget_max_2_63",
        ),
        pytest.param(
            [("q", "logo"), ("q", "kue")], {"q": ["Give this parameter once."]}, id="q_repeated"
        ),
        pytest.param(
            [("q", "")], {"q": ["Give a value or leave the parameter out."]}, id="q_empty"
        ),
        pytest.param([("q", "logo\x00")], {"q": ["Null characters are not allowed."]}, id="q_nul"),
        pytest.param(
            [("q", "k" * 201)],
            {"q": ["Ensure this field has no more than 200 characters."]},
            id="q_too_long",
        ),
        pytest.param(
            [("skills", "abc")],
            {"skills": ["Give skill ids separated by commas."]},
            id="skills_abc",
        ),
        pytest.param(
            [("skills", "1,x")],
            {"skills": ["Give skill ids separated by commas."]},
            id="skills_partly_abc",
        ),
        pytest.param([("skills", ",,")], {"skills": [INVALID_SKILLS]}, id="skills_only_commas"),
        pytest.param([("skills", "0")], {"skills": [INVALID_SKILLS]}, id="skills_zero"),
        pytest.param([("skills", str(2**31))], {"skills": [INVALID_SKILLS]}, id="skills_over_int"),
        pytest.param(
            [("skills", ",".join(str(i) for i in range(1, 22)))],
            {"skills": [INVALID_SKILLS]},
            id="skills_21",
        ),
        pytest.param(
            [("category", "logo design!")],
            {
                "category": [
                    'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
                ]
            },
            id="category_not_a_slug",
        ),
        pytest.param(
            [("closes_before", "besok")],
            {"closes_before": [DATETIME_FORMAT]},
            id="closes_before_abc",
        ),
        pytest.param(
            [("closes_before", "9999-12-31T23:59:59-12:00")],
            {"closes_before": ["Datetime value out of range."]},
            id="closes_before_out_of_range",
        ),
        pytest.param([("mine", "maybe")], {"mine": ["Must be a valid boolean."]}, id="mine_maybe"),
        pytest.param(
            [("mine", "true"), ("status", "bogus")],
            {"status": ['"bogus" is not a valid choice.']},
            id="status_unknown",
        ),
        pytest.param([("page_size", "0")], {"page_size": [AT_LEAST_1]}, id="page_size_zero"),
        pytest.param(
            [("cursor", "not-a-cursor")],
            {"cursor": ["Invalid cursor. Start again from the first page."]},
            id="cursor_garbage",
        ),
    ],
)
def test_browse_gigs_bad_query(ctx, params, fields):
    GigFactory(category=ctx["category"])
    before = snapshot()
    response = client_for(ctx["client"]).get(f"/api/v1/gigs/?{urlencode(params)}")
    assert_refused(response, 400, "invalid", fields)
    assert snapshot() == before
