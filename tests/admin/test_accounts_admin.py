"""Users and suspensions in the admin: who may see them, suspend, warn and lift, and what a
suspension made there does (through the services) to the user's gigs and bids."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import ModeratorAction, Notification, Suspension, User
from projects.models import Bid, Gig
from projects.services.suspensions import suspension_create
from tests.accounts.factories import UserFactory
from tests.admin.helpers import act_with_form as act
from tests.admin.helpers import assert_refused, offered_actions
from tests.projects.factories import BidFactory, GigFactory

A = ModeratorAction.Action
ROLES = ["moderator", "finance", "plain_staff", "superuser", "ordinary"]
MODERATING = {"moderator", "superuser"}
USERS = "/admin/accounts/user/"
SUSPENSIONS = "/admin/accounts/suspension/"
SUSPENSION_ADD = "/admin/accounts/suspension/add/"


def audit() -> Counter:
    return Counter(ModeratorAction.objects.values_list("action", "target_type", "target_id"))


def staff_with(*permissions: str) -> User:
    """Staff holding exactly ``permissions``: sees a page, but not necessarily its actions."""
    user = UserFactory(is_staff=True)
    for label in permissions:
        app_label, codename = label.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)


def suspended(user) -> bool:
    now = timezone.now()
    return Suspension.objects.filter(user=user, lifted_at__isnull=True, starts_at__lte=now).exists()


# --- pages by role ----------------------------------------------------------------------------

PAGES = {
    # page: the roles that may open it
    "users": MODERATING,
    "user": MODERATING,
    "user_add": {"superuser"},
    "suspensions": MODERATING,
    "suspension": MODERATING,
    "suspension_add": MODERATING,
}


def page_url(page: str, target: User, suspension: Suspension) -> str:
    return {
        "users": USERS,
        "user": f"{USERS}{target.pk}/change/",
        "user_add": f"{USERS}add/",
        "suspensions": SUSPENSIONS,
        "suspension": f"{SUSPENSIONS}{suspension.pk}/change/",
        "suspension_add": SUSPENSION_ADD,
    }[page]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_by_role(roles, admin_client_for, role, page):
    target = UserFactory()
    suspension = suspension_create(moderator=roles["superuser"], user_id=target.pk, reason="Spam")

    response = admin_client_for(roles[role]).get(page_url(page, target, suspension))

    if role in PAGES[page]:
        assert response.status_code == 200
    else:
        assert_refused(response, role)


def test_moderator_sees_a_users_page_read_only(roles, admin_client_for):
    target = UserFactory(display_name="Budi Santoso")
    client = admin_client_for(roles["moderator"])

    page = client.get(f"{USERS}{target.pk}/change/")
    posted = client.post(
        f"{USERS}{target.pk}/change/",
        {"username": target.username, "email": target.email, "display_name": "Diubah"},
    )

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert b"Budi Santoso" in page.content
    assert posted.status_code == 403
    assert User.objects.get(pk=target.pk).display_name == "Budi Santoso"


def test_a_users_page_shows_their_suspensions_and_the_audit_records_about_them(
    roles, admin_client_for
):
    target, other = UserFactory(), UserFactory()
    suspension = suspension_create(
        moderator=roles["moderator"], user_id=target.pk, reason="Penipuan berulang"
    )
    suspension_create(moderator=roles["moderator"], user_id=other.pk, reason="Lain orang")
    client = admin_client_for(roles["moderator"])

    page = client.get(f"{USERS}{target.pk}/change/").content.decode()
    history_url = (
        f"/admin/accounts/moderatoraction/?target_type=accounts.user&target_id={target.pk}"
    )
    history = client.get(history_url)

    assert "Penipuan berulang" in page
    assert f"{SUSPENSIONS}{suspension.pk}/change/" in page  # the inline's link
    assert history_url.replace("&", "&amp;") in page
    assert "Lain orang" not in page
    assert history.status_code == 200
    assert [r.target_id for r in history.context["cl"].result_list] == [target.pk]


def test_user_list_shows_and_filters_who_is_suspended_now(roles, admin_client_for):
    now_suspended, lifted, never = UserFactory(), UserFactory(), UserFactory()
    suspension_create(moderator=roles["moderator"], user_id=now_suspended.pk, reason="Spam")
    Suspension.objects.create(
        user=lifted, reason="Dulu", starts_at=timezone.now(), lifted_at=timezone.now()
    )
    client = admin_client_for(roles["moderator"])

    listed = {u.pk: u.suspended_now for u in client.get(USERS).context["cl"].result_list}
    only_suspended = client.get(f"{USERS}?suspended=yes").context["cl"].result_list

    assert listed[now_suspended.pk] is True
    assert listed[lifted.pk] is False
    assert listed[never.pk] is False
    assert [u.pk for u in only_suspended] == [now_suspended.pk]


# --- suspending from the user list ------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_suspend_action_by_role(roles, admin_client_for, role):
    targets = [UserFactory(), UserFactory()]

    response = act(
        admin_client_for(roles[role]), USERS, "suspend_selected", targets, reason="Spam iklan"
    )

    if role in MODERATING:
        assert response.status_code == 302
        assert response["Location"] == USERS
        assert [suspended(t) for t in targets] == [True, True]
        assert audit() == Counter({(A.SUSPEND_USER, "accounts.user", t.pk): 1 for t in targets})
        record = ModeratorAction.objects.filter(target_id=targets[0].pk).get()
        assert (record.moderator, record.reason) == (roles[role], "Spam iklan")
        return
    assert_refused(response, role)
    assert not Suspension.objects.exists()
    assert not ModeratorAction.objects.exists()


def test_suspend_action_asks_for_a_reason_first(roles, admin_client_for):
    target = UserFactory()
    client = admin_client_for(roles["moderator"])

    form_page = client.post(
        USERS, {"action": "suspend_selected", "_selected_action": [target.pk], "index": "0"}
    )
    empty = act(client, USERS, "suspend_selected", [target], reason="  ", ends_at="")

    assert form_page.status_code == 200
    assert form_page.templates[0].name == "admin/action_form.html"
    assert target.username in form_page.content.decode()
    assert empty.status_code == 200
    assert empty.context["form"].errors["reason"]
    assert not Suspension.objects.exists()
    assert not ModeratorAction.objects.exists()


def test_suspend_action_end_is_read_in_jakarta_time(roles, admin_client_for):
    target = UserFactory()
    client = admin_client_for(roles["moderator"])
    next_year = timezone.now().year + 1

    act(
        client,
        USERS,
        "suspend_selected",
        [target],
        reason="Spam",
        ends_at=f"{next_year}-01-02T10:00",
    )

    # 10:00 WIB is 03:00 UTC.
    assert Suspension.objects.get(user=target).ends_at == datetime(
        next_year, 1, 2, 3, 0, tzinfo=UTC
    )


def test_suspend_action_with_an_end_in_the_past_is_a_form_error(roles, admin_client_for):
    target = UserFactory()
    gig = GigFactory(client=target)
    yesterday = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = act(
        admin_client_for(roles["moderator"]),
        USERS,
        "suspend_selected",
        [target],
        reason="Spam",
        ends_at=yesterday,
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"]
    assert not Suspension.objects.exists()
    assert not ModeratorAction.objects.exists()
    assert Gig.objects.get(pk=gig.pk).hidden_at is None


def test_suspending_through_the_admin_hides_open_gigs_and_withdraws_live_bids(
    roles, admin_client_for
):
    target = UserFactory()
    open_gig = GigFactory(client=target)
    bid = BidFactory(freelancer=target, gig__bid_count=1)
    client = admin_client_for(roles["moderator"])

    act(client, USERS, "suspend_selected", [target], reason="Penipuan", ends_at="")

    assert Gig.objects.get(pk=open_gig.pk).hidden_reason == Gig.HiddenReason.SUSPENDED
    assert Bid.objects.get(pk=bid.pk).status == Bid.Status.WITHDRAWN
    assert Notification.objects.filter(recipient=target, kind="account_suspended").count() == 1

    suspension = Suspension.objects.get(user=target)
    act(client, SUSPENSIONS, "lift_selected", [suspension], reason="Banding diterima")

    assert Gig.objects.get(pk=open_gig.pk).hidden_at is None
    assert Gig.objects.get(pk=open_gig.pk).hidden_reason == ""
    assert not suspended(target)
    assert audit() == Counter(
        {
            (A.SUSPEND_USER, "accounts.user", target.pk): 1,
            (A.LIFT_SUSPENSION, "accounts.user", target.pk): 1,
        }
    )


def test_suspending_an_already_suspended_user_is_reported_and_adds_nothing(roles, admin_client_for):
    first, second = UserFactory(), UserFactory()
    suspension_create(moderator=roles["moderator"], user_id=first.pk, reason="Spam")

    response = act(
        admin_client_for(roles["moderator"]),
        USERS,
        "suspend_selected",
        [first, second],
        reason="Lagi",
        ends_at="",
    )

    assert response.status_code == 302
    assert Suspension.objects.filter(user=first).count() == 1
    assert Suspension.objects.filter(user=second).count() == 1
    assert audit() == Counter(
        {
            (A.SUSPEND_USER, "accounts.user", first.pk): 1,
            (A.SUSPEND_USER, "accounts.user", second.pk): 1,
        }
    )


def test_suspend_action_is_not_offered_without_the_permission(admin_client_for):
    viewer = staff_with("accounts.view_user")
    target = UserFactory()
    client = admin_client_for(viewer)

    page = client.get(USERS)
    posted = act(client, USERS, "suspend_selected", [target], reason="Spam")

    assert page.status_code == 200
    assert offered_actions(page) == set()
    assert posted.status_code == 200  # no action is available: the POST just shows the list
    assert not Suspension.objects.exists()
    assert not ModeratorAction.objects.exists()


# --- warning ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_warn_action_by_role(roles, admin_client_for, role):
    targets = [UserFactory(), UserFactory()]

    response = act(
        admin_client_for(roles[role]), USERS, "warn_selected", targets, reason="Bahasa kasar"
    )

    if role in MODERATING:
        assert response.status_code == 302
        assert audit() == Counter({(A.WARN_USER, "accounts.user", t.pk): 1 for t in targets})
        assert Notification.objects.filter(kind="user_warned").count() == 2
        return
    assert_refused(response, role)
    assert not ModeratorAction.objects.exists()
    assert not Notification.objects.filter(kind="user_warned").exists()


def test_moderator_is_offered_suspend_and_warn(roles, admin_client_for):
    page = admin_client_for(roles["moderator"]).get(USERS)

    assert offered_actions(page) == {"suspend_selected", "warn_selected"}


# --- the suspension add form ------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_suspension_add_form_by_role(roles, admin_client_for, role):
    target = UserFactory()
    gig = GigFactory(client=target)

    response = admin_client_for(roles[role]).post(
        SUSPENSION_ADD, {"user": target.pk, "reason": "Akun palsu", "ends_at": ""}
    )

    if role in MODERATING:
        assert response.status_code == 302
        suspension = Suspension.objects.get()
        assert (suspension.user, suspension.reason, suspension.ends_at) == (
            target,
            "Akun palsu",
            None,
        )
        assert suspension.created_by == roles[role]
        assert Gig.objects.get(pk=gig.pk).hidden_reason == Gig.HiddenReason.SUSPENDED
        assert audit() == Counter({(A.SUSPEND_USER, "accounts.user", target.pk): 1})
        return
    assert_refused(response, role)
    assert not Suspension.objects.exists()
    assert not ModeratorAction.objects.exists()
    assert Gig.objects.get(pk=gig.pk).hidden_at is None


def test_suspension_add_form_with_an_end_in_the_past_saves_nothing(roles, admin_client_for):
    target = UserFactory()
    gig = GigFactory(client=target)
    an_hour_ago = timezone.localtime(timezone.now() - timedelta(hours=1))

    response = admin_client_for(roles["moderator"]).post(
        SUSPENSION_ADD,
        {"user": target.pk, "reason": "Spam", "ends_at": an_hour_ago.strftime("%Y-%m-%dT%H:%M")},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ends_at"]
    assert not Suspension.objects.exists()
    assert not ModeratorAction.objects.exists()
    assert Gig.objects.get(pk=gig.pk).hidden_at is None


@pytest.mark.parametrize("whom", ["already_suspended", "superuser", "self"])
def test_suspension_add_form_shows_the_services_refusal(roles, admin_client_for, whom):
    target = {
        "already_suspended": UserFactory(),
        "superuser": roles["superuser"],
        "self": roles["moderator"],
    }[whom]
    if whom == "already_suspended":
        suspension_create(moderator=roles["superuser"], user_id=target.pk, reason="Dulu")
    before = (Suspension.objects.count(), ModeratorAction.objects.count())

    response = admin_client_for(roles["moderator"]).post(
        SUSPENSION_ADD, {"user": target.pk, "reason": "Lagi", "ends_at": ""}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    # Suspending oneself is staff acting on their own account: refused, and the attempt is
    # recorded (accounts.staff_policy); the other refusals leave no record.
    attempts = 1 if whom == "self" else 0
    assert (Suspension.objects.count(), ModeratorAction.objects.count()) == (
        before[0],
        before[1] + attempts,
    )
    assert ModeratorAction.objects.filter(action="refused_as_party").count() == attempts


def test_a_suspension_cannot_be_changed_or_deleted_in_the_admin(roles, admin_client_for):
    target = UserFactory()
    suspension = suspension_create(moderator=roles["moderator"], user_id=target.pk, reason="Spam")
    client = admin_client_for(roles["superuser"])
    url = f"{SUSPENSIONS}{suspension.pk}/"

    page = client.get(f"{url}change/")
    changed = client.post(f"{url}change/", {"user": target.pk, "reason": "Diubah"})
    deleted = client.post(f"{url}delete/", {"post": "yes"})
    listed = client.get(SUSPENSIONS)

    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert "delete_selected" not in offered_actions(listed)
    assert Suspension.objects.get(pk=suspension.pk).reason == "Spam"


# --- the suspension list and lifting ----------------------------------------------------------


def test_suspension_list_shows_those_in_force_first_then_the_newest(roles, admin_client_for):
    now = timezone.now()
    mod = roles["moderator"]
    old_active = Suspension.objects.create(
        user=UserFactory(), reason="a", starts_at=now - timedelta(days=9), created_by=mod
    )
    ended = Suspension.objects.create(
        user=UserFactory(),
        reason="b",
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=1),
        created_by=mod,
    )
    lifted = Suspension.objects.create(
        user=UserFactory(), reason="c", starts_at=now - timedelta(hours=1), lifted_at=now
    )
    new_active = Suspension.objects.create(
        user=UserFactory(), reason="d", starts_at=now - timedelta(days=3), created_by=mod
    )
    client = admin_client_for(mod)

    def listed(query: str = "") -> list[int]:
        return [s.pk for s in client.get(SUSPENSIONS + query).context["cl"].result_list]

    assert listed() == [new_active.pk, old_active.pk, lifted.pk, ended.pk]
    assert listed("?state=active") == [new_active.pk, old_active.pk]
    assert listed("?state=ended") == [ended.pk]
    assert listed("?state=lifted") == [lifted.pk]
    assert listed(f"?q={lifted.user.username}") == [lifted.pk]


@pytest.mark.parametrize("role", ROLES)
def test_lift_action_by_role(roles, admin_client_for, role):
    targets = [UserFactory(), UserFactory()]
    gigs = [GigFactory(client=t) for t in targets]
    suspensions = [
        suspension_create(moderator=roles["superuser"], user_id=t.pk, reason="Spam")
        for t in targets
    ]
    before = audit()

    response = act(
        admin_client_for(roles[role]),
        SUSPENSIONS,
        "lift_selected",
        suspensions,
        reason="Salah orang",
    )

    if role in MODERATING:
        assert response.status_code == 302
        assert [suspended(t) for t in targets] == [False, False]
        assert [Gig.objects.get(pk=g.pk).hidden_at for g in gigs] == [None, None]
        assert audit() - before == Counter(
            {(A.LIFT_SUSPENSION, "accounts.user", t.pk): 1 for t in targets}
        )
        lifted = Suspension.objects.get(pk=suspensions[0].pk)
        assert (lifted.lifted_by, lifted.lift_reason) == (roles[role], "Salah orang")
        return
    assert_refused(response, role)
    assert [suspended(t) for t in targets] == [True, True]
    assert audit() == before


def test_lift_action_is_not_offered_without_the_permission(roles, admin_client_for):
    target = UserFactory()
    suspension = suspension_create(moderator=roles["moderator"], user_id=target.pk, reason="Spam")
    client = admin_client_for(staff_with("accounts.view_suspension"))
    before = audit()

    page = client.get(SUSPENSIONS)
    posted = act(client, SUSPENSIONS, "lift_selected", [suspension], reason="Coba")

    assert page.status_code == 200
    assert offered_actions(page) == set()
    assert posted.status_code == 200
    assert suspended(target)
    assert audit() == before
