"""The state machines of gigs, bids, contracts and milestones, and the services that drive them.

The legal moves are written out here by hand from DESIGN.md §2, so changing a transition table
takes a deliberate change to this file too. Every refused move is checked for having changed
nothing: the row's status, the contracts and the notices.
"""

from datetime import timedelta
from itertools import product

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone, translation

from accounts.models import FreelancerProfile, Notification, Suspension, User
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from marketplace.state import ensure_transition
from projects.models import Bid, Contract, Gig, Milestone
from projects.services import bids as bid_services
from projects.services import gigs as gig_services
from tests.accounts.factories import UserFactory
from tests.projects.factories import BidFactory, CategoryFactory, ContractFactory, GigFactory

G, B, C, M = Gig.Status, Bid.Status, Contract.Status, Milestone.Status

# --- the tables, as DESIGN.md §2 states them -------------------------------------------------

GIG_MOVES = {
    # draft → pending_review → open; "trusted posts go live at once": draft → open.
    (G.DRAFT, G.PENDING_REVIEW),
    (G.DRAFT, G.OPEN),
    (G.PENDING_REVIEW, G.OPEN),
    # open → awarded → completed; open → expired.
    (G.OPEN, G.AWARDED),
    (G.AWARDED, G.COMPLETED),
    (G.OPEN, G.EXPIRED),
    # draft | pending_review | open → cancelled by the client.
    (G.DRAFT, G.CANCELLED),
    (G.PENDING_REVIEW, G.CANCELLED),
    (G.OPEN, G.CANCELLED),
    # pending_review → rejected by a moderator.
    (G.PENDING_REVIEW, G.REJECTED),
    # Not in §2: an open gig (no live bids) whose edited text the content filter flags goes
    # back to a moderator (gig_update).
    (G.OPEN, G.PENDING_REVIEW),
    # Not in §2: the gig follows its contract when that is cancelled (never through gig_cancel,
    # which refuses an awarded gig; see test_cancel_an_awarded_gig_is_refused).
    (G.AWARDED, G.CANCELLED),
}
BID_MOVES = {
    # pending → shortlisted → accepted | rejected; a client may also decide on a pending bid.
    (B.PENDING, B.SHORTLISTED),
    (B.PENDING, B.ACCEPTED),
    (B.PENDING, B.REJECTED),
    (B.SHORTLISTED, B.ACCEPTED),
    (B.SHORTLISTED, B.REJECTED),
    # pending | shortlisted → withdrawn by the freelancer.
    (B.PENDING, B.WITHDRAWN),
    (B.SHORTLISTED, B.WITHDRAWN),
}
CONTRACT_MOVES = {
    (C.ACTIVE, C.COMPLETED),
    (C.ACTIVE, C.CANCELLED),
}
MILESTONE_MOVES = {
    # pending → funded → submitted → released
    (M.PENDING, M.FUNDED),
    (M.FUNDED, M.SUBMITTED),
    (M.SUBMITTED, M.RELEASED),
    # submitted → revision_requested → submitted
    (M.SUBMITTED, M.REVISION_REQUESTED),
    (M.REVISION_REQUESTED, M.SUBMITTED),
    # funded | submitted | revision_requested → disputed → resolved
    (M.FUNDED, M.DISPUTED),
    (M.SUBMITTED, M.DISPUTED),
    (M.REVISION_REQUESTED, M.DISPUTED),
    (M.DISPUTED, M.RESOLVED),
    # pending | funded → cancelled
    (M.PENDING, M.CANCELLED),
    (M.FUNDED, M.CANCELLED),
}
MACHINES = [
    (Gig, GIG_MOVES),
    (Bid, BID_MOVES),
    (Contract, CONTRACT_MOVES),
    (Milestone, MILESTONE_MOVES),
]


def table_moves(model) -> set[tuple[str, str]]:
    return {(source, target) for source, targets in model.TRANSITIONS.items() for target in targets}


@pytest.mark.parametrize(("model", "expected"), MACHINES, ids=lambda v: getattr(v, "__name__", ""))
def test_transition_table_is_the_documented_lifecycle(model, expected):
    assert table_moves(model) == expected
    # Every status has a row, terminal ones an empty one: no state is forgotten.
    assert set(model.TRANSITIONS) == set(model.Status)


def every_pair():
    for model, moves in MACHINES:
        for source, target in product(model.Status, model.Status):
            legal = (source, target) in moves
            yield pytest.param(
                model,
                source,
                target,
                legal,
                id=f"{model.__name__}:{source}->{target}:{'legal' if legal else 'illegal'}",
            )


@pytest.mark.parametrize(("model", "source", "target", "legal"), list(every_pair()))
def test_ensure_transition_for_every_pair(model, source, target, legal):
    obj = model(status=source)
    if legal:
        assert ensure_transition(obj, target) is None
    else:
        with translation.override("en"), pytest.raises(Conflict) as refused:
            ensure_transition(obj, target)
        assert refused.value.code == "invalid_state"
        assert refused.value.status_code == 409
        assert refused.value.fields == {}
        with translation.override("en"):
            labels = {value: str(label) for value, label in model.Status.choices}
            thing = str(model._meta.verbose_name)
        assert refused.value.message == (
            f"This {thing} is {labels[source]}; it cannot become {labels[target]}."
        )
    assert obj.status == source  # checking never moves the object


# --- helpers ---------------------------------------------------------------------------------


def moderator() -> User:
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="moderate_gig"))
    return User.objects.get(pk=user.pk)  # a fresh instance: no stale permission cache


def notices() -> list[tuple[str, int]]:
    return list(
        Notification.objects.order_by("kind", "recipient_id").values_list("kind", "recipient_id")
    )


def world() -> dict:
    """What a refused move must leave as it was."""
    return {
        "gigs": list(
            Gig.objects.order_by("pk").values_list(
                "pk", "status", "bid_count", "published_at", "rejection_reason"
            )
        ),
        "bids": list(Bid.objects.order_by("pk").values_list("pk", "status")),
        "contracts": list(Contract.objects.order_by("pk").values_list("pk", "status")),
        "milestones": list(Milestone.objects.order_by("pk").values_list("pk", "status", "amount")),
        "notices": notices(),
    }


def draft_for(client: User, *, description: str = "", category=None) -> Gig:
    """A draft written through the service, so the content filter has scanned it."""
    now = timezone.now()
    return gig_services.gig_create(
        client=client,
        title="Desain logo toko kue",
        description=description or "Logo sederhana warna pastel untuk kemasan dan Instagram.",
        category=(category or CategoryFactory()).pk,
        budget=150_000,
        bidding_deadline=now + timedelta(days=3),
        delivery_deadline=now + timedelta(days=10),
    )


def suspend(user: User) -> None:
    Suspension.objects.create(
        user=user, reason="Spam", starts_at=timezone.now() - timedelta(hours=1)
    )


# --- gig_submit and the moderation setting ---------------------------------------------------

CLEAN = "Logo sederhana warna pastel untuk kemasan dan Instagram."
PHONE = "Logo sederhana; hubungi saya di 0812 3456 7890 untuk detail."


@pytest.mark.django_db
@pytest.mark.parametrize("via", ["submit", "create_publish"])
@pytest.mark.parametrize(
    ("mode", "history", "description", "expected", "flags"),
    [
        ("off", "none", CLEAN, G.OPEN, []),
        ("off", "none", PHONE, G.OPEN, ["phone"]),  # flagged, but moderation is off
        ("all", "published", CLEAN, G.PENDING_REVIEW, []),
        ("all", "none", CLEAN, G.PENDING_REVIEW, []),
        ("new_clients", "none", CLEAN, G.PENDING_REVIEW, []),  # a client's first gig
        ("new_clients", "published", CLEAN, G.OPEN, []),  # a returning client is trusted
        ("new_clients", "published", PHONE, G.PENDING_REVIEW, ["phone"]),  # the filter hit
        (
            "new_clients",
            "published",
            "Butuh jasa joki skripsi cepat dan murah sekali.",
            G.PENDING_REVIEW,
            ["prohibited"],
        ),
        # A first gig that was rejected never went live: the next one is still a first gig.
        ("new_clients", "rejected", CLEAN, G.PENDING_REVIEW, []),
        # One that went live and was later cancelled counts as a record.
        ("new_clients", "cancelled_after_live", CLEAN, G.OPEN, []),
    ],
)
def test_submit_follows_the_moderation_setting(
    settings, time_machine, via, mode, history, description, expected, flags
):
    settings.GIG_MODERATION = mode
    time_machine.move_to(timezone.now(), tick=False)
    client = UserFactory()
    if history == "published":
        GigFactory(client=client, status=G.OPEN)
    elif history == "rejected":
        GigFactory(client=client, status=G.REJECTED, published_at=None)
    elif history == "cancelled_after_live":
        GigFactory(client=client, status=G.CANCELLED)

    if via == "submit":
        gig = draft_for(client, description=description)
        assert gig.status == G.DRAFT
        gig_services.gig_submit(gig_id=gig.pk, actor=client)
    else:
        now = timezone.now()
        gig = gig_services.gig_create(
            client=client,
            title="Desain logo toko kue",
            description=description,
            category=CategoryFactory().pk,
            budget=150_000,
            bidding_deadline=now + timedelta(days=3),
            delivery_deadline=now + timedelta(days=10),
            publish=True,
        )

    gig.refresh_from_db()
    assert gig.status == expected
    assert gig.content_flags == flags
    assert gig.published_at == (timezone.now() if expected == G.OPEN else None)
    # A contact-filter hit tells the client why the details are hidden (services/contact.py).
    told = [("contact_details_hidden", client.pk)] if "phone" in flags else []
    assert notices() == told


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in G if s != G.DRAFT])
def test_submit_anything_but_a_draft_is_refused(status):
    gig = GigFactory(status=status)
    before = world()
    with pytest.raises(Conflict) as refused:
        gig_services.gig_submit(gig_id=gig.pk, actor=gig.client)
    assert refused.value.code == "invalid_state"
    assert world() == before


@pytest.mark.django_db
def test_submit_someone_elses_draft_is_not_found():
    gig = draft_for(UserFactory())
    before = world()
    with pytest.raises(NotFound):
        gig_services.gig_submit(gig_id=gig.pk, actor=UserFactory())
    assert world() == before


@pytest.mark.django_db
def test_submit_while_suspended_is_refused():
    client = UserFactory()
    gig = draft_for(client)
    suspend(client)
    before = world()
    with pytest.raises(PermissionDenied) as refused:
        gig_services.gig_submit(gig_id=gig.pk, actor=client)
    assert refused.value.code == "suspended"
    assert world() == before


@pytest.mark.django_db
def test_submit_a_draft_whose_deadline_passed_is_refused(time_machine):
    client = UserFactory()
    gig = draft_for(client)
    time_machine.move_to(timezone.now() + timedelta(days=4), tick=False)
    before = world()
    with pytest.raises(DomainError) as refused:
        gig_services.gig_submit(gig_id=gig.pk, actor=client)
    assert refused.value.code == "invalid"
    assert set(refused.value.fields) == {"bidding_deadline"}
    assert world() == before


# --- gig_approve / gig_reject -----------------------------------------------------------------


@pytest.mark.django_db
def test_approve_opens_a_pending_gig_once_and_tells_the_client(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    gig = GigFactory(status=G.PENDING_REVIEW, published_at=None, rejection_reason="old")
    mod = moderator()

    gig_services.gig_approve(gig_id=gig.pk, moderator=mod)
    gig.refresh_from_db()
    assert (gig.status, gig.published_at, gig.rejection_reason) == (G.OPEN, timezone.now(), "")
    assert notices() == [("gig_approved", gig.client_id)]

    before = world()
    gig_services.gig_approve(gig_id=gig.pk, moderator=mod)  # a repeat is a no-op
    assert world() == before


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in G if s not in (G.PENDING_REVIEW, G.OPEN)])
def test_approve_from_any_other_state_is_refused(status):
    # A draft included: the table lets a draft open, but only through the client's submit.
    gig = GigFactory(status=status, published_at=None)
    before = world()
    with pytest.raises(Conflict) as refused:
        gig_services.gig_approve(gig_id=gig.pk, moderator=moderator())
    assert refused.value.code == "invalid_state"
    assert world() == before


@pytest.mark.django_db
def test_reject_needs_a_reason_and_tells_the_client_once():
    gig = GigFactory(status=G.PENDING_REVIEW, published_at=None, client__preferred_language="en")
    mod = moderator()

    gig_services.gig_reject(gig_id=gig.pk, moderator=mod, reason="  Ada nomor telepon.  ")
    gig.refresh_from_db()
    assert (gig.status, gig.rejection_reason, gig.published_at) == (
        G.REJECTED,
        "Ada nomor telepon.",
        None,
    )
    assert notices() == [("gig_rejected", gig.client_id)]
    assert Notification.objects.get().body == "Reason: Ada nomor telepon."

    before = world()
    gig_services.gig_reject(gig_id=gig.pk, moderator=mod, reason="Lagi.")  # a repeat is a no-op
    assert world() == before


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_reject_without_a_reason_is_refused(reason):
    gig = GigFactory(status=G.PENDING_REVIEW, published_at=None)
    before = world()
    with translation.override("en"), pytest.raises(DomainError) as refused:
        gig_services.gig_reject(gig_id=gig.pk, moderator=moderator(), reason=reason)
    assert (refused.value.code, refused.value.status_code) == ("invalid", 400)
    assert refused.value.fields == {"reason": ["Required."]}
    assert world() == before


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in G if s not in (G.PENDING_REVIEW, G.REJECTED)])
def test_reject_from_any_other_state_is_refused(status):
    gig = GigFactory(status=status)
    before = world()
    with pytest.raises(Conflict) as refused:
        gig_services.gig_reject(gig_id=gig.pk, moderator=moderator(), reason="Tidak jelas.")
    assert refused.value.code == "invalid_state"
    assert world() == before


def _plain_user(gig):
    return UserFactory()


def _staff_without_permission(gig):
    return UserFactory(is_staff=True)


def _permission_without_staff(gig):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="moderate_gig"))
    return User.objects.get(pk=user.pk)


def _the_client(gig):
    return gig.client


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["approve", "reject"])
@pytest.mark.parametrize(
    "who", [_plain_user, _staff_without_permission, _permission_without_staff, _the_client]
)
def test_only_moderators_review_gigs(action, who):
    gig = GigFactory(status=G.PENDING_REVIEW, published_at=None)
    actor = who(gig)
    before = world()
    review = {
        "approve": lambda: gig_services.gig_approve(gig_id=gig.pk, moderator=actor),
        "reject": lambda: gig_services.gig_reject(
            gig_id=gig.pk, moderator=actor, reason="Tidak jelas."
        ),
    }[action]
    with pytest.raises(PermissionDenied) as refused:
        review()
    assert refused.value.code == "permission_denied"
    assert world() == before


# --- gig_cancel / gig_delete ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", [G.DRAFT, G.PENDING_REVIEW, G.OPEN])
def test_cancel_before_award(status):
    gig = GigFactory(status=status)
    gig_services.gig_cancel(gig_id=gig.pk, actor=gig.client)
    gig.refresh_from_db()
    assert gig.status == G.CANCELLED
    assert notices() == []


@pytest.mark.django_db
def test_cancel_an_open_gig_closes_its_open_bids_and_tells_those_bidders_once():
    gig = GigFactory(bid_count=3)
    pending = BidFactory(gig=gig)
    shortlisted = BidFactory(gig=gig, status=B.SHORTLISTED)
    withdrawn = BidFactory(gig=gig, status=B.WITHDRAWN)
    rejected = BidFactory(gig=gig, status=B.REJECTED)

    gig_services.gig_cancel(gig_id=gig.pk, actor=gig.client)
    gig.refresh_from_db()
    assert gig.status == G.CANCELLED
    assert dict(Bid.objects.values_list("pk", "status")) == {
        pending.pk: B.REJECTED,
        shortlisted.pk: B.REJECTED,
        withdrawn.pk: B.WITHDRAWN,
        rejected.pk: B.REJECTED,
    }
    assert notices() == sorted(
        [("gig_cancelled", pending.freelancer_id), ("gig_cancelled", shortlisted.freelancer_id)]
    )
    assert Contract.objects.count() == 0

    before = world()
    gig_services.gig_cancel(gig_id=gig.pk, actor=gig.client)  # a repeat is a no-op
    assert world() == before


@pytest.mark.django_db
def test_cancel_an_awarded_gig_is_refused():
    contract = ContractFactory()
    other = BidFactory(gig=contract.gig, status=B.REJECTED)
    before = world()
    with translation.override("en"), pytest.raises(Conflict) as refused:
        gig_services.gig_cancel(gig_id=contract.gig_id, actor=contract.client)
    assert refused.value.code == "invalid_state"
    assert (
        refused.value.message
        == "This gig has a contract; cancel the contract's milestones instead."
    )
    assert world() == before
    assert Bid.objects.get(pk=other.pk).status == B.REJECTED


@pytest.mark.django_db
@pytest.mark.parametrize("status", [G.COMPLETED, G.EXPIRED, G.REJECTED])
def test_cancel_a_closed_gig_is_refused(status):
    gig = GigFactory(status=status)
    BidFactory(gig=gig, status=B.REJECTED)
    before = world()
    with pytest.raises(Conflict) as refused:
        gig_services.gig_cancel(gig_id=gig.pk, actor=gig.client)
    assert refused.value.code == "invalid_state"
    assert world() == before


@pytest.mark.django_db
def test_cancel_someone_elses_gig_is_not_found():
    gig = GigFactory()
    BidFactory(gig=gig)
    before = world()
    with pytest.raises(NotFound):
        gig_services.gig_cancel(gig_id=gig.pk, actor=UserFactory())
    assert world() == before


@pytest.mark.django_db
def test_delete_a_draft():
    gig = GigFactory(status=G.DRAFT, published_at=None)
    gig_services.gig_delete(gig_id=gig.pk, actor=gig.client)
    assert not Gig.objects.filter(pk=gig.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in G if s != G.DRAFT])
def test_delete_anything_but_a_draft_is_refused(status):
    gig = GigFactory(status=status)
    before = world()
    with translation.override("en"), pytest.raises(Conflict) as refused:
        gig_services.gig_delete(gig_id=gig.pk, actor=gig.client)
    assert refused.value.code == "invalid_state"
    assert refused.value.message == "Only drafts can be deleted; cancel the gig instead."
    assert world() == before


@pytest.mark.django_db
def test_delete_someone_elses_draft_is_not_found():
    gig = GigFactory(status=G.DRAFT, published_at=None)
    before = world()
    with pytest.raises(NotFound):
        gig_services.gig_delete(gig_id=gig.pk, actor=UserFactory())
    assert world() == before


# --- the bid actions from every bid status ----------------------------------------------------

ACTIONS = {
    # action: (service, the status it moves to, who acts, the notice the other party gets)
    "withdraw": (bid_services.bid_withdraw, B.WITHDRAWN, "freelancer", "bid_withdrawn"),
    "shortlist": (bid_services.bid_shortlist, B.SHORTLISTED, "client", "bid_shortlisted"),
    "reject": (bid_services.bid_reject, B.REJECTED, "client", "bid_rejected"),
    "accept": (bid_services.bid_accept, B.ACCEPTED, "client", "bid_accepted"),
}


def bid_in(status: str) -> Bid:
    """A bid in ``status`` on a gig in the state it would be in: an accepted bid's gig is
    awarded with a contract; any other bid's gig is open and counts the bid."""
    if status == B.ACCEPTED:
        return ContractFactory().bid
    return BidFactory(status=status, gig__bid_count=0 if status == B.WITHDRAWN else 1)


@pytest.mark.django_db
@pytest.mark.parametrize("source", list(B))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_bid_action_from_every_status(action, source):
    service, target, who, notice = ACTIONS[action]
    bid = bid_in(source)
    actor = bid.freelancer if who == "freelancer" else bid.gig.client
    legal = (source, target) in BID_MOVES
    before = world()

    if source == target:  # a repeat: nothing happens, no second notice
        service(bid_id=bid.pk, actor=actor)
        assert world() == before
        return

    if not legal:
        with translation.override("en"), pytest.raises(Conflict) as refused:
            service(bid_id=bid.pk, actor=actor)
        assert refused.value.code == "invalid_state"
        assert refused.value.message == f"This bid is {source}; it cannot become {target}."
        assert world() == before
        return

    service(bid_id=bid.pk, actor=actor)
    bid.refresh_from_db()
    gig = Gig.objects.get(pk=bid.gig_id)
    assert bid.status == target
    told = bid.gig.client_id if who == "freelancer" else bid.freelancer_id
    assert notices() == [(notice, told)]
    assert gig.bid_count == (0 if action == "withdraw" else 1)
    if action == "accept":
        assert gig.status == G.AWARDED
        assert Contract.objects.filter(bid=bid).count() == 1
    else:
        assert gig.status == G.OPEN
        assert Contract.objects.count() == 0

    after_first = world()
    service(bid_id=bid.pk, actor=actor)  # the same call again changes nothing
    assert world() == after_first


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ACTIONS))
def test_bid_action_by_the_other_party_is_refused(action):
    service, _target, who, _notice = ACTIONS[action]
    bid = bid_in(B.PENDING)
    wrong = bid.gig.client if who == "freelancer" else bid.freelancer
    before = world()
    with pytest.raises(PermissionDenied):
        service(bid_id=bid.pk, actor=wrong)
    with pytest.raises(NotFound):
        service(bid_id=bid.pk, actor=UserFactory())
    assert world() == before


# --- bid_accept: the award ---------------------------------------------------------------------


@pytest.mark.django_db
def test_accept_awards_the_gig_and_closes_only_the_open_bids(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    gig = GigFactory(bid_count=3, title="Logo toko kue Sari")
    chosen = BidFactory(gig=gig, amount=140_000, delivery_days=6, revisions_included=3)
    pending = BidFactory(gig=gig)
    shortlisted = BidFactory(gig=gig, status=B.SHORTLISTED)
    withdrawn = BidFactory(gig=gig, status=B.WITHDRAWN)
    rejected_earlier = BidFactory(gig=gig, status=B.REJECTED)

    contract = bid_services.bid_accept(bid_id=chosen.pk, actor=gig.client)

    gig.refresh_from_db()
    assert gig.status == G.AWARDED
    assert gig.bid_count == 3
    assert dict(Bid.objects.values_list("pk", "status")) == {
        chosen.pk: B.ACCEPTED,
        pending.pk: B.REJECTED,
        shortlisted.pk: B.REJECTED,
        withdrawn.pk: B.WITHDRAWN,
        rejected_earlier.pk: B.REJECTED,
    }
    assert Contract.objects.get() == contract
    assert (
        contract.gig_id,
        contract.bid_id,
        contract.client_id,
        contract.freelancer_id,
        contract.amount,
        contract.revisions_included,
        contract.status,
    ) == (gig.pk, chosen.pk, gig.client_id, chosen.freelancer_id, 140_000, 3, C.ACTIVE)
    assert list(
        Milestone.objects.values_list(
            "contract_id", "position", "title", "amount", "status", "due_at"
        )
    ) == [
        (
            contract.pk,
            1,
            "Logo toko kue Sari",
            140_000,
            M.PENDING,
            timezone.now() + timedelta(days=6),
        )
    ]
    assert notices() == sorted(
        [
            ("bid_accepted", chosen.freelancer_id),
            ("bid_rejected", pending.freelancer_id),
            ("bid_rejected", shortlisted.freelancer_id),
        ]
    )

    before = world()
    assert bid_services.bid_accept(bid_id=chosen.pk, actor=gig.client) == contract
    assert world() == before


@pytest.mark.django_db
@pytest.mark.parametrize("gig_status", [s for s in G if s != G.OPEN])
def test_accept_on_a_gig_no_longer_open_is_refused(gig_status):
    bid = BidFactory(gig__status=gig_status, gig__bid_count=1)
    before = world()
    with pytest.raises(Conflict) as refused:
        bid_services.bid_accept(bid_id=bid.pk, actor=bid.gig.client)
    assert refused.value.code == "gig_not_open"
    assert world() == before


def active_contracts_for(freelancer: User, n: int) -> None:
    for _ in range(n):
        ContractFactory(bid__freelancer=freelancer)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("capacity", "active", "closed", "accepted"),
    [
        (None, 3, 0, False),  # the default of 3
        (None, 2, 0, True),
        (None, 2, 2, True),  # completed and cancelled contracts do not count
        (1, 1, 0, False),
        (1, 0, 3, True),
        (5, 4, 0, True),
        (5, 5, 0, False),
    ],
)
def test_accept_rechecks_the_freelancers_capacity(capacity, active, closed, accepted):
    freelancer = UserFactory()
    if capacity is not None:
        FreelancerProfile.objects.create(user=freelancer, max_active_contracts=capacity)
    active_contracts_for(freelancer, active)
    for index in range(closed):
        contract = ContractFactory(bid__freelancer=freelancer)
        Contract.objects.filter(pk=contract.pk).update(
            status=C.COMPLETED if index % 2 else C.CANCELLED
        )
    gig = GigFactory(bid_count=2)
    bid = BidFactory(gig=gig, freelancer=freelancer)
    rival = BidFactory(gig=gig)
    before = world()

    if accepted:
        contract = bid_services.bid_accept(bid_id=bid.pk, actor=gig.client)
        assert contract.freelancer_id == freelancer.pk
        assert Bid.objects.get(pk=rival.pk).status == B.REJECTED
        return

    with translation.override("en"), pytest.raises(Conflict) as refused:
        bid_services.bid_accept(bid_id=bid.pk, actor=gig.client)
    assert refused.value.code == "at_capacity"
    assert refused.value.message == (
        f"{freelancer.public_name} already has {capacity or 3} active contracts, their limit. "
        "Finish one first."
    )
    assert world() == before


@pytest.mark.django_db
def test_accept_a_suspended_freelancer_is_refused():
    gig = GigFactory(bid_count=2)
    bid = BidFactory(gig=gig, status=B.SHORTLISTED)
    BidFactory(gig=gig)
    suspend(bid.freelancer)
    before = world()
    with pytest.raises(PermissionDenied) as refused:
        bid_services.bid_accept(bid_id=bid.pk, actor=gig.client)
    assert refused.value.code == "suspended"
    assert world() == before


@pytest.mark.django_db
def test_a_second_accept_on_the_same_gig_is_refused():
    gig = GigFactory(bid_count=2)
    first = BidFactory(gig=gig)
    second = BidFactory(gig=gig)
    bid_services.bid_accept(bid_id=first.pk, actor=gig.client)
    before = world()
    with pytest.raises(Conflict) as refused:
        bid_services.bid_accept(bid_id=second.pk, actor=gig.client)
    assert refused.value.code == "gig_not_open"
    assert world() == before
    assert Bid.objects.get(pk=second.pk).status == B.REJECTED
