"""The gig moderation queue in the admin: who may see and act, the queue's order and figures,
approving and rejecting one gig or many through the services."""

from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import ModeratorAction, Notification
from projects.models import ContactHit, Gig, Report
from projects.selectors.moderation import gig_moderation_queue
from tests.accounts.factories import UserFactory
from tests.admin.helpers import assert_sent_to_login
from tests.projects.factories import CategoryFactory, GigFactory

A = ModeratorAction.Action
ROLES = ["moderator", "plain_staff", "superuser", "ordinary"]
ALLOWED = {"moderator", "superuser"}
CHANGELIST = "/admin/projects/gig/"


def pending(**kwargs) -> Gig:
    return GigFactory(status=Gig.Status.PENDING_REVIEW, published_at=None, **kwargs)


def statuses(gigs) -> list[str]:
    return [Gig.objects.get(pk=gig.pk).status for gig in gigs]


def audit() -> Counter:
    return Counter(ModeratorAction.objects.values_list("action", "target_id"))


def act(client, action: str, gigs, **form):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [g.pk for g in gigs], **form}
    )


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_approve_by_role(as_role, role):
    gigs = [pending(), pending()]

    response = act(as_role(role), "approve_selected", gigs)

    if role in ALLOWED:
        assert response.status_code == 302
        assert response["Location"] == CHANGELIST
        assert statuses(gigs) == ["open", "open"]
        assert audit() == Counter({(A.APPROVE_GIG, gig.pk): 1 for gig in gigs})
        return
    if role == "ordinary":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 403
    assert statuses(gigs) == ["pending_review", "pending_review"]
    assert not ModeratorAction.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_reject_by_role(as_role, role):
    gigs = [pending(), pending()]

    response = act(
        as_role(role),
        "reject_selected",
        gigs,
        apply="1",
        common_reason="unclear",
        reason="Sebutkan ukuran logonya.",
    )

    if role in ALLOWED:
        assert response.status_code == 302
        assert statuses(gigs) == ["rejected", "rejected"]
        assert audit() == Counter({(A.REJECT_GIG, gig.pk): 1 for gig in gigs})
        return
    if role == "ordinary":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 403
    assert statuses(gigs) == ["pending_review", "pending_review"]
    assert not ModeratorAction.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("moderator", 200), ("superuser", 200), ("plain_staff", 403), ("finance", 403)],
)
def test_queue_pages_by_role(as_role, role, expected):
    gig = pending()
    client = as_role(role)

    assert client.get(CHANGELIST).status_code == expected
    assert client.get(f"{CHANGELIST}{gig.pk}/change/").status_code == expected


def test_queue_pages_send_ordinary_users_to_the_login(as_role):
    gig = pending()
    client = as_role("ordinary")

    assert_sent_to_login(client.get(CHANGELIST))
    assert_sent_to_login(client.get(f"{CHANGELIST}{gig.pk}/change/"))


@pytest.fixture
def viewer(roles):
    """Staff who may look at gigs but not moderate them."""
    user = UserFactory(username="viewer1", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_gig", content_type__app_label="projects")
    )
    return user


def test_staff_without_the_moderation_permission_are_not_offered_the_actions(viewer, as_role):
    gig = pending()
    client = as_role(viewer)

    page = client.get(CHANGELIST)
    change_page = client.get(f"{CHANGELIST}{gig.pk}/change/")
    response = act(client, "approve_selected", [gig])

    assert page.status_code == 200
    assert "approve_selected" not in page.content.decode()
    assert "approve_selected" not in change_page.content.decode()
    assert response.status_code == 200  # no action to run: the list is shown again
    assert statuses([gig]) == ["pending_review"]
    assert not ModeratorAction.objects.exists()


def test_nobody_adds_edits_or_deletes_a_gig_by_hand(as_role):
    gig = pending(title="Logo toko roti")
    client = as_role("superuser")

    edit = client.post(f"{CHANGELIST}{gig.pk}/change/", {"title": "Diubah moderator"})

    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert edit.status_code == 403
    assert client.post(f"{CHANGELIST}{gig.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Gig.objects.get(pk=gig.pk).title == "Logo toko roti"


# --- the queue --------------------------------------------------------------------------------


def test_queue_lists_pending_gigs_first_oldest_first(db, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    old_open = GigFactory(status=Gig.Status.OPEN)
    time_machine.move_to(start + timedelta(hours=1), tick=False)
    older_pending = pending()
    time_machine.move_to(start + timedelta(hours=2), tick=False)
    newer_pending = pending()
    time_machine.move_to(start + timedelta(hours=3), tick=False)
    draft = GigFactory(status=Gig.Status.DRAFT, published_at=None)

    assert list(gig_moderation_queue()) == [older_pending, newer_pending, old_open, draft]


def test_queue_shows_the_clients_history(db):
    client = UserFactory()
    gig = pending(client=client)
    GigFactory(client=client, status=Gig.Status.COMPLETED)
    GigFactory(client=client, status=Gig.Status.REJECTED)
    GigFactory(client=client, status=Gig.Status.DRAFT, published_at=None)
    GigFactory(status=Gig.Status.REJECTED)  # someone else's
    reporter = UserFactory()
    Report.objects.create(
        reporter=reporter,
        target_type="profile",
        target_id=client.pk,
        target_user=client,
        reason=Report.Reason.SPAM,
    )
    Report.objects.create(
        reporter=reporter,
        target_type="gig",
        target_id=gig.pk,
        target_user=client,
        reason=Report.Reason.SCAM,
        status=Report.Status.RESOLVED,
    )
    ContactHit.objects.create(user=client, source="gig", source_id=gig.pk, kinds=["phone"])

    row = gig_moderation_queue().get(pk=gig.pk)

    assert (
        row.client_gigs_posted,
        row.client_gigs_completed,
        row.client_gigs_rejected,
        row.client_open_reports,
        row.client_contact_hits,
    ) == (3, 1, 1, 1, 1)


def test_change_page_shows_history_filter_hits_and_the_buttons(as_role):
    gig = pending(description="Hubungi saya di 0812 3456 7890 ya.", content_flags=["phone"])

    page = as_role("moderator").get(f"{CHANGELIST}{gig.pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "0812 3456 7890" in html
    assert "phone number" in html
    assert "posted 1 · completed 0 · rejected before 0" in html
    assert 'value="approve_selected"' in html
    assert 'value="reject_selected"' in html


def test_change_page_of_an_open_gig_offers_no_buttons(as_role):
    gig = GigFactory(status=Gig.Status.OPEN)

    page = as_role("moderator").get(f"{CHANGELIST}{gig.pk}/change/")

    assert 'value="approve_selected"' not in page.content.decode()


def test_filters_and_search(as_role):
    wanted = pending(title="Desain kemasan keripik", category=CategoryFactory())
    GigFactory(title="Video promosi", status=Gig.Status.OPEN)
    hidden = GigFactory(status=Gig.Status.OPEN, hidden_at=timezone.now(), hidden_reason="removed")
    client = as_role("moderator")

    def listed(query: str) -> list[int]:
        response = client.get(CHANGELIST + query)
        assert response.status_code == 200
        return [gig.pk for gig in response.context["cl"].result_list]

    assert listed("?status__exact=pending_review") == [wanted.pk]
    assert listed(f"?category__id__exact={wanted.category_id}") == [wanted.pk]
    assert listed("?q=keripik") == [wanted.pk]
    assert listed(f"?q={wanted.client.username}") == [wanted.pk]
    assert listed("?hidden=removed") == [hidden.pk]
    assert listed(f"?client__id__exact={wanted.client_id}") == [wanted.pk]


# --- approving and rejecting ------------------------------------------------------------------


def test_bulk_approve_opens_each_gig_and_tells_each_client_in_their_language(as_role):
    indonesian = UserFactory(preferred_language="id")
    english = UserFactory(preferred_language="en")
    gigs = [
        pending(client=indonesian, title="Logo warung"),
        pending(client=english, title="Caption Instagram"),
        pending(client=english, title="Edit video"),
    ]

    response = act(as_role("moderator"), "approve_selected", gigs)

    assert response.status_code == 302
    assert statuses(gigs) == ["open", "open", "open"]
    assert audit() == Counter({(A.APPROVE_GIG, gig.pk): 1 for gig in gigs})
    notices = sorted(
        Notification.objects.filter(kind="gig_approved").values_list("recipient_id", "title")
    )
    assert notices == sorted(
        [
            (indonesian.pk, "Pekerjaan Anda “Logo warung” sudah tayang"),
            (english.pk, "Your gig “Caption Instagram” is live"),
            (english.pk, "Your gig “Edit video” is live"),
        ]
    )


def test_approve_reports_a_refusal_per_gig_and_does_the_rest(as_role):
    good = pending()
    late = pending()
    Gig.objects.filter(pk=late.pk).update(bidding_deadline=timezone.now() - timedelta(hours=1))

    response = act(as_role("moderator"), "approve_selected", [good, late])

    assert response.status_code == 302
    assert statuses([good, late]) == ["open", "pending_review"]
    assert audit() == Counter({(A.APPROVE_GIG, good.pk): 1})


def test_reject_without_a_reason_shows_the_form_again_and_changes_nothing(as_role):
    gigs = [pending(), pending()]

    response = act(
        as_role("moderator"),
        "reject_selected",
        gigs,
        apply="1",
        common_reason="",
        reason="   ",
    )

    assert response.status_code == 200
    assert response.templates[0].name == "admin/action_form.html"
    assert response.context["form"].non_field_errors() == [
        "Choose a reason or write one: the client is told why."
    ]
    assert statuses(gigs) == ["pending_review", "pending_review"]
    assert not ModeratorAction.objects.exists()
    assert not Notification.objects.filter(kind="gig_rejected").exists()


def test_reject_first_shows_the_reason_form(as_role):
    gigs = [pending()]

    response = act(as_role("moderator"), "reject_selected", gigs)

    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"common_reason", "reason"}
    assert statuses(gigs) == ["pending_review"]


def test_reject_tells_the_client_the_reason(as_role):
    gig = pending(title="Joki tugas", client=UserFactory(preferred_language="en"))

    act(
        as_role("moderator"),
        "reject_selected",
        [gig],
        apply="1",
        common_reason="prohibited",
        reason="Garap tidak menerima joki.",
    )

    gig.refresh_from_db()
    expected = "The work asked for is not allowed on Garap. Garap tidak menerima joki."
    assert (gig.status, gig.rejection_reason) == ("rejected", expected)
    [notice] = Notification.objects.filter(kind="gig_rejected", recipient=gig.client)
    assert notice.title == "Your gig “Joki tugas” was not approved"
    assert notice.body == f"Reason: {expected}"
    [record] = ModeratorAction.objects.all()
    assert (record.action, record.target_id, record.reason) == (A.REJECT_GIG, gig.pk, expected)


def test_single_approve_from_the_change_page_button(as_role):
    gig = pending()
    client = as_role("moderator")

    # The button posts exactly this to the changelist.
    response = client.post(
        reverse("admin:projects_gig_changelist"),
        {"action": "approve_selected", "_selected_action": str(gig.pk)},
    )

    assert response.status_code == 302
    assert statuses([gig]) == ["open"]
    assert audit() == Counter({(A.APPROVE_GIG, gig.pk): 1})
