"""What the gig pages let people do that once needed the API: edit a gig before bids, report a
gig, a bid, a message or a profile, and invite a freelancer from their profile (or post a gig
and invite them). Each page for an anonymous visitor (login), a stranger and the other party
(404 where they must not act), the happy path's rows, and nothing changed on a refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification, Suspension
from accounts.services import freelancer_profile_update
from projects.models import Bid, Gig, GigInvitation, Report
from tests.accounts.factories import UserFactory
from tests.conftest import client_for as api_client_for
from tests.matrix import moderators_group
from tests.pages.conftest import assert_login_redirect, browser
from tests.projects.factories import (
    BidFactory,
    CategoryFactory,
    ContractFactory,
    ContractMessageFactory,
    GigFactory,
    GigInvitationFactory,
)

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def suspend(user) -> None:
    Suspension.objects.create(
        user=user, reason="Spam", starts_at=timezone.now() - timedelta(minutes=1)
    )


def listed(user, **fields):
    fields.setdefault("skill_ids", [])
    return freelancer_profile_update(user=user, headline="Desainer logo UMKM", **fields)


@pytest.fixture
def owner():
    return UserFactory(username="toko_sari")


@pytest.fixture
def freelancer():
    user = UserFactory(username="budi_desain")
    listed(user)
    return user


@pytest.fixture
def stranger():
    return UserFactory(username="orang_lain")


@pytest.fixture
def moderator():
    user = UserFactory(username="moderator_satu", is_staff=True)
    user.groups.add(moderators_group())
    return user


@pytest.fixture
def gig(owner):
    return GigFactory(
        client=owner,
        title="Logo untuk toko kue rumahan",
        budget=150_000,
        category=CategoryFactory(name_en="Graphic design", min_price=50_000),
    )


def reports() -> list[tuple]:
    return list(
        Report.objects.values_list(
            "reporter__username", "target_type", "target_id", "target_user__username", "reason"
        )
    )


# --- edit a gig -----------------------------------------------------------------------------------


def edit_post(gig, **overrides) -> dict:
    data = {
        "title": gig.title,
        "description": gig.description,
        "category": gig.category_id,
        "budget": gig.budget,
        "bidding_deadline": local_input(gig.bidding_deadline),
        "delivery_deadline": local_input(gig.delivery_deadline),
    }
    data.update(overrides)
    return data


def snapshot(gig) -> tuple:
    gig.refresh_from_db()
    return (gig.title, gig.description, gig.budget, gig.status, gig.visibility)


def test_editing_needs_a_login(gig):
    path = f"/gigs/{gig.pk}/edit/"
    before = snapshot(gig)

    assert_login_redirect(browser().get(path), path)
    assert_login_redirect(browser().post(path, edit_post(gig, title="Diubah orang lain")), path)
    assert snapshot(gig) == before


@pytest.mark.parametrize("who", ["stranger", "invitee", "moderator"])
def test_only_the_gig_client_may_edit_it_others_get_404(request, owner, who):
    # The invitee can see the invite-only gig and the moderator every gig: still 404, as the
    # API's PATCH (lock_own_gig).
    gig = GigFactory(client=owner, visibility=Gig.Visibility.INVITE_ONLY)
    invitee = GigInvitationFactory(gig=gig).freelancer
    users = {"invitee": invitee}
    user = users.get(who) or request.getfixturevalue(who)
    before = snapshot(gig)
    client = browser(user)

    # The invitee and the moderator do see the gig; the stranger does not.
    assert client.get(f"/gigs/{gig.pk}/").status_code == (404 if who == "stranger" else 200)
    assert client.get(f"/gigs/{gig.pk}/edit/").status_code == 404
    posted = client.post(f"/gigs/{gig.pk}/edit/", edit_post(gig, title="Diubah oleh orang lain"))
    assert posted.status_code == 404
    assert snapshot(gig) == before
    if who != "stranger":
        assert "/edit/" not in html(client.get(f"/gigs/{gig.pk}/"))


def test_the_edit_form_is_filled_with_the_gig(gig, owner):
    gig.visibility = Gig.Visibility.INVITE_ONLY
    gig.save(update_fields=["visibility"])

    response = browser(owner).get(f"/gigs/{gig.pk}/edit/")

    page = html(response)
    assert response.status_code == 200
    assert 'value="Logo untuk toko kue rumahan"' in page
    assert gig.description in page
    assert f'<option value="{gig.category_id}" selected>' in page
    assert 'value="150.000"' in page  # the rupiah field shows the amount the Indonesian way
    assert f'value="{local_input(gig.bidding_deadline)}"' in page
    assert 'id="id_invite_only" checked>' in page
    assert "Your gig is live." in page  # an open gig may go back to review: said up front


def test_no_review_warning_where_moderation_is_off(gig, owner, settings):
    settings.GIG_MODERATION = "off"

    page = html(browser(owner).get(f"/gigs/{gig.pk}/edit/"))

    assert "Your gig is live." not in page
    assert 'name="title"' in page


def test_the_owner_edits_a_gig_before_bids(gig, owner):
    client = browser(owner)
    assert f'href="/gigs/{gig.pk}/edit/"' in html(client.get(f"/gigs/{gig.pk}/"))

    response = client.post(
        f"/gigs/{gig.pk}/edit/",
        edit_post(gig, title="Logo baru untuk toko kue", budget="Rp 250.000", invite_only="on"),
        follow=True,
    )

    assert response.redirect_chain == [(f"/gigs/{gig.pk}/", 302)]
    assert "Your changes are saved." in html(response)
    assert snapshot(gig) == (
        "Logo baru untuk toko kue",
        gig.description,
        250_000,
        Gig.Status.OPEN,
        Gig.Visibility.INVITE_ONLY,
    )


def test_a_live_gig_edited_with_contact_details_goes_back_to_review(gig, owner, settings):
    settings.GIG_MODERATION = "new_clients"
    description = "Logo toko kue, hubungi saya di 0812-3456-7890 untuk detail lengkapnya ya."

    response = browser(owner).post(
        f"/gigs/{gig.pk}/edit/", edit_post(gig, description=description), follow=True
    )

    assert "They need a moderator" in html(response)
    gig.refresh_from_db()
    assert gig.status == Gig.Status.PENDING_REVIEW
    assert gig.description == description


@pytest.mark.parametrize(
    ("bid_status", "gig_status", "reason"),
    [
        (Bid.Status.PENDING, Gig.Status.OPEN, "This gig has bids, so it can no longer be edited."),
        (Bid.Status.SHORTLISTED, Gig.Status.OPEN, "This gig has bids"),
        (None, Gig.Status.CANCELLED, "Only a draft, pending or open gig can be edited."),
        (None, Gig.Status.EXPIRED, "Only a draft, pending or open gig can be edited."),
    ],
)
def test_a_gig_that_cannot_be_edited_says_why_and_offers_no_link(
    gig, owner, bid_status, gig_status, reason
):
    if bid_status:
        BidFactory(gig=gig, status=bid_status)
    Gig.objects.filter(pk=gig.pk).update(status=gig_status)
    before = snapshot(gig)
    client = browser(owner)

    shown = client.get(f"/gigs/{gig.pk}/edit/")
    posted = client.post(f"/gigs/{gig.pk}/edit/", edit_post(gig, title="Judul yang diubah"))

    assert shown.status_code == 200
    assert reason in html(shown)
    assert 'name="title"' not in html(shown)  # no form
    assert posted.status_code == 409
    assert reason in html(posted)
    assert snapshot(gig) == before
    assert f"/gigs/{gig.pk}/edit/" not in html(client.get(f"/gigs/{gig.pk}/"))


def test_a_withdrawn_bid_does_not_stop_editing(gig, owner):
    BidFactory(gig=gig, status=Bid.Status.WITHDRAWN)

    response = browser(owner).post(f"/gigs/{gig.pk}/edit/", edit_post(gig, budget="175.000"))

    assert response.status_code == 302
    assert snapshot(gig)[2] == 175_000


def test_a_suspended_client_is_told_and_changes_nothing(gig, owner):
    suspend(owner)
    before = snapshot(gig)

    shown = browser(owner).get(f"/gigs/{gig.pk}/edit/")
    posted = browser(owner).post(f"/gigs/{gig.pk}/edit/", edit_post(gig, title="Judul baru"))

    assert "Your account is suspended" in html(shown)
    assert posted.status_code == 409
    assert snapshot(gig) == before


def test_a_refused_edit_comes_back_on_the_form_and_changes_nothing(gig, owner):
    before = snapshot(gig)

    response = browser(owner).post(
        f"/gigs/{gig.pk}/edit/", edit_post(gig, title="Judul baru sekali", budget="10.000")
    )

    assert response.status_code == 400
    page = html(response)
    assert "The minimum for Graphic design is Rp 50.000." in page
    assert 'value="Judul baru sekali"' in page  # what was typed is kept
    assert snapshot(gig) == before


def test_a_draft_is_edited_and_stays_a_draft(owner):
    draft = GigFactory(client=owner, status=Gig.Status.DRAFT, published_at=None)

    response = browser(owner).post(
        f"/gigs/{draft.pk}/edit/", edit_post(draft, title="Draf yang sudah diperbaiki")
    )

    assert response.status_code == 302
    assert snapshot(draft)[0::3] == ("Draf yang sudah diperbaiki", Gig.Status.DRAFT)


# --- report ---------------------------------------------------------------------------------------


def test_reporting_needs_a_login(gig, freelancer):
    paths = [f"/report/gig/{gig.pk}/", f"/report/profile/{freelancer.username}/", "/reports/1/"]
    for path in paths:
        assert_login_redirect(browser().get(path), path)
        assert_login_redirect(browser().post(path, {"reason": "spam"}), path)
    assert reports() == []


def test_a_signed_in_visitor_reports_a_gig(gig, stranger):
    client = browser(stranger)
    assert f'href="/report/gig/{gig.pk}/"' in html(client.get(f"/gigs/{gig.pk}/"))
    form = client.get(f"/report/gig/{gig.pk}/")
    assert "The gig “Logo untuk toko kue rumahan”" in html(form)

    response = client.post(
        f"/report/gig/{gig.pk}/", {"reason": "scam", "note": "  Minta transfer di luar.  "}
    )

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/"
    assert reports() == [("orang_lain", "gig", gig.pk, "toko_sari", "scam")]
    assert report.note == "Minta transfer di luar."
    done = html(client.get(response["Location"]))
    assert "What happens next" in done
    assert "Scam or fraud" in done


def test_no_report_link_for_the_owner_or_a_visitor(gig, owner):
    assert "/report/" not in html(browser(owner).get(f"/gigs/{gig.pk}/"))
    assert "/report/" not in html(browser().get(f"/gigs/{gig.pk}/"))


def test_one_cannot_report_ones_own_gig(gig, owner):
    client = browser(owner)

    shown = client.get(f"/report/gig/{gig.pk}/")
    posted = client.post(f"/report/gig/{gig.pk}/", {"reason": "spam"})

    assert "You cannot report your own content." in html(shown)
    assert 'name="reason"' not in html(shown)
    assert posted.status_code == 409
    assert reports() == []


@pytest.mark.parametrize("status", [Gig.Status.DRAFT, Gig.Status.PENDING_REVIEW])
def test_a_gig_one_cannot_see_cannot_be_reported(owner, stranger, status):
    hidden = GigFactory(client=owner, status=status, published_at=None)
    client = browser(stranger)

    assert client.get(f"/report/gig/{hidden.pk}/").status_code == 404
    assert client.post(f"/report/gig/{hidden.pk}/", {"reason": "spam"}).status_code == 404
    assert client.get("/report/gig/999999/").status_code == 404
    assert reports() == []


def test_reporting_twice_is_one_report_already_with_the_moderators(gig, stranger):
    client = browser(stranger)
    first = client.post(f"/report/gig/{gig.pk}/", {"reason": "spam"})

    again = client.get(f"/report/gig/{gig.pk}/")
    second = client.post(f"/report/gig/{gig.pk}/", {"reason": "abuse"}, follow=True)

    assert "Your report is with the moderators" in html(again)
    assert second.redirect_chain[0][0] == first["Location"]
    assert "You already reported this" in html(second)
    assert reports() == [("orang_lain", "gig", gig.pk, "toko_sari", "spam")]


def test_a_report_without_a_reason_is_refused(gig, stranger):
    response = browser(stranger).post(f"/report/gig/{gig.pk}/", {"reason": "bosan"})

    assert response.status_code == 400
    assert 'class="errorlist"' in html(response)
    assert reports() == []


def test_only_the_pages_targets_have_a_report_page(stranger):
    review_id = 1
    assert browser(stranger).get(f"/report/review/{review_id}/").status_code == 404
    assert browser(stranger).get("/report/portfolio_item/1/").status_code == 404


def test_the_gig_client_reports_a_bid_from_its_card(gig, owner, freelancer, stranger):
    bid = BidFactory(gig=gig, freelancer=freelancer)
    client = browser(owner)
    assert f'href="/report/bid/{bid.pk}/"' in html(client.get(f"/gigs/{gig.pk}/"))

    response = client.post(f"/report/bid/{bid.pk}/", {"reason": "off_platform_payment"})

    assert response.status_code == 302
    assert reports() == [("toko_sari", "bid", bid.pk, "budi_desain", "off_platform_payment")]
    # Bids are sealed: anyone else may not know it exists; its freelancer cannot report it.
    assert browser(stranger).get(f"/report/bid/{bid.pk}/").status_code == 404
    assert browser(stranger).post(f"/report/bid/{bid.pk}/", {"reason": "spam"}).status_code == 404
    assert browser(freelancer).post(f"/report/bid/{bid.pk}/", {"reason": "spam"}).status_code == 409
    assert len(reports()) == 1


def test_a_contract_party_reports_the_other_partys_message(stranger, moderator):
    contract = ContractFactory()
    theirs = ContractMessageFactory(contract=contract, sender=contract.freelancer)
    mine = ContractMessageFactory(contract=contract, sender=contract.client)
    client = browser(contract.client)

    page = html(client.get(f"/contracts/{contract.pk}/"))
    assert f'href="/report/message/{theirs.pk}/"' in page
    assert f'href="/report/message/{mine.pk}/"' not in page

    response = client.post(f"/report/message/{theirs.pk}/", {"reason": "abuse"})

    assert response.status_code == 302
    assert reports() == [
        (contract.client.username, "message", theirs.pk, contract.freelancer.username, "abuse")
    ]
    for outsider in (stranger, moderator):  # no party: the service knows only the two
        refused = browser(outsider).post(f"/report/message/{theirs.pk}/", {"reason": "spam"})
        assert refused.status_code == 404
    mine_refused = client.post(f"/report/message/{mine.pk}/", {"reason": "spam"})
    assert mine_refused.status_code == 409
    assert len(reports()) == 1


def test_reporting_a_profile(freelancer, stranger):
    client = browser(stranger)
    assert f'href="/report/profile/{freelancer.username}/"' in html(
        client.get(f"/freelancers/{freelancer.username}/")
    )
    assert f'href="/report/profile/{freelancer.username}/"' in html(
        client.get(f"/clients/{freelancer.username}/")
    )

    response = client.post(f"/report/profile/{freelancer.username}/", {"reason": "spam"})

    assert response.status_code == 302
    assert reports() == [("orang_lain", "profile", freelancer.pk, "budi_desain", "spam")]
    own = browser(freelancer)
    assert "/report/" not in html(own.get(f"/freelancers/{freelancer.username}/"))
    assert (
        own.post(f"/report/profile/{freelancer.username}/", {"reason": "spam"}).status_code == 409
    )
    assert client.get("/report/profile/tidak_ada/").status_code == 404
    assert len(reports()) == 1


def test_ones_report_page_is_ones_own(gig, stranger, owner):
    browser(stranger).post(f"/report/gig/{gig.pk}/", {"reason": "spam"})
    report = Report.objects.get()

    assert browser(stranger).get(f"/reports/{report.pk}/").status_code == 200
    assert browser(owner).get(f"/reports/{report.pk}/").status_code == 404
    assert browser(UserFactory()).get(f"/reports/{report.pk}/").status_code == 404


def test_reports_from_the_page_and_the_api_share_one_throttle(gig, stranger, settings):
    settings.REPORT_THROTTLE_RATE = "1/min"
    other_gig = GigFactory()
    api = api_client_for(stranger)

    assert api.post(
        "/api/v1/reports/", {"target_type": "gig", "target_id": other_gig.pk, "reason": "spam"}
    ).status_code in (200, 201)
    response = browser(stranger).post(f"/report/gig/{gig.pk}/", {"reason": "spam"})

    assert response.status_code == 429
    assert response["Retry-After"]
    assert [row[2] for row in reports()] == [other_gig.pk]


# --- invite from a profile ------------------------------------------------------------------------


def test_inviting_needs_a_login(freelancer):
    path = f"/freelancers/{freelancer.username}/invite/"
    assert_login_redirect(browser().get(path), path)
    assert_login_redirect(browser().post(path, {"gig": 1}), path)
    assert not GigInvitation.objects.exists()
    # A visitor is offered the invitation: its page asks them to log in first.
    assert f'href="{path}"' in html(browser().get(f"/freelancers/{freelancer.username}/"))


def test_a_client_invites_a_freelancer_to_an_open_gig_from_the_profile(gig, owner, freelancer):
    draft = GigFactory(client=owner, status=Gig.Status.DRAFT, published_at=None, title="Draf A")
    GigFactory(client=owner, status=Gig.Status.AWARDED, title="Sudah diberikan")
    GigFactory(title="Gig orang lain")
    client = browser(owner)
    profile = html(client.get(f"/freelancers/{freelancer.username}/"))
    assert f'href="/freelancers/{freelancer.username}/invite/"' in profile
    assert "Invite to a gig" in profile

    page = html(client.get(f"/freelancers/{freelancer.username}/invite/"))
    assert "Logo untuk toko kue rumahan" in page
    assert "Draf A" in page
    assert "Sudah diberikan" not in page  # an awarded gig takes no bid
    assert "Gig orang lain" not in page

    response = client.post(
        f"/freelancers/{freelancer.username}/invite/", {"gig": gig.pk}, follow=True
    )

    assert response.redirect_chain == [(f"/gigs/{gig.pk}/", 302)]
    assert "is invited to bid on “Logo untuk toko kue rumahan” and has been told" in html(response)
    assert list(GigInvitation.objects.values_list("gig_id", "freelancer_id")) == [
        (gig.pk, freelancer.pk)
    ]
    assert Notification.objects.filter(recipient=freelancer, kind="gig_invited").count() == 1
    # Invited already: that gig is no longer offered, the draft still is.
    again = html(client.get(f"/freelancers/{freelancer.username}/invite/"))
    assert f'value="{gig.pk}"' not in again
    assert f'value="{draft.pk}"' in again
    assert "Already invited to “Logo untuk toko kue rumahan”" in again


def test_a_gig_of_someone_else_cannot_be_chosen(owner, freelancer):
    GigFactory(client=owner)
    others = GigFactory()

    response = browser(owner).post(
        f"/freelancers/{freelancer.username}/invite/", {"gig": others.pk}
    )

    assert response.status_code == 400
    assert not GigInvitation.objects.exists()
    assert not Notification.objects.filter(recipient=freelancer).exists()


def test_a_client_without_gigs_is_offered_to_post_one_and_invite(stranger, freelancer):
    client = browser(stranger)
    post_url = f"/gigs/new/?invite={freelancer.username}"

    profile = html(client.get(f"/freelancers/{freelancer.username}/"))
    invite_page = html(client.get(f"/freelancers/{freelancer.username}/invite/"))

    assert "Post a gig and invite them" in profile
    assert f'href="{post_url}"' in profile
    assert f'href="{post_url}"' in invite_page
    assert 'name="gig"' not in invite_page


def test_posting_a_gig_from_the_profile_invites_the_freelancer(stranger, freelancer, settings):
    settings.GIG_MODERATION = "off"
    category = CategoryFactory()
    client = browser(stranger)
    form = html(client.get(f"/gigs/new/?invite={freelancer.username}"))
    assert f'<input type="hidden" name="invite" value="{freelancer.username}">' in form
    now = timezone.now()

    response = client.post(
        "/gigs/new/",
        {
            "title": "Desain menu kedai kopi",
            "description": "Menu satu halaman A4 untuk kedai kopi kecil, gaya hangat dan rapi.",
            "category": category.pk,
            "budget": "200.000",
            "bidding_deadline": local_input(now + timedelta(days=3)),
            "delivery_deadline": local_input(now + timedelta(days=10)),
            "publish": "on",
            "invite": freelancer.username,
        },
        follow=True,
    )

    gig = Gig.objects.get(client=stranger)
    assert response.redirect_chain == [(f"/gigs/{gig.pk}/", 302)]
    assert list(GigInvitation.objects.values_list("gig_id", "freelancer_id")) == [
        (gig.pk, freelancer.pk)
    ]
    assert "is invited to bid" in html(response)
    assert Notification.objects.filter(recipient=freelancer, kind="gig_invited").count() == 1


def test_an_unknown_invitee_on_the_posting_page_is_ignored(stranger):
    page = html(browser(stranger).get("/gigs/new/?invite=tidak_ada"))
    assert 'name="invite"' not in page


def test_one_cannot_invite_oneself(freelancer):
    GigFactory(client=freelancer)
    client = browser(freelancer)

    page = client.get(f"/freelancers/{freelancer.username}/invite/")
    posted = client.post(
        f"/freelancers/{freelancer.username}/invite/", {"gig": Gig.objects.get().pk}
    )

    assert "you cannot invite yourself" in html(page)
    assert posted.status_code == 409
    assert not GigInvitation.objects.exists()
    assert "/invite/" not in html(client.get(f"/freelancers/{freelancer.username}/"))


def test_only_a_listed_freelancer_can_be_invited(owner, stranger):
    GigFactory(client=owner)
    client = browser(owner)
    for username in (stranger.username, "tidak_ada"):  # not listed; nobody
        assert client.get(f"/freelancers/{username}/invite/").status_code == 404
        assert client.post(f"/freelancers/{username}/invite/", {"gig": 1}).status_code == 404
    assert not GigInvitation.objects.exists()


@pytest.mark.parametrize(
    ("who", "text"),
    [
        ("client", "Your account is suspended"),
        ("freelancer", "cannot take on work right now, so they cannot be invited"),
    ],
)
def test_a_suspension_on_either_side_is_explained(gig, owner, freelancer, who, text):
    suspend(owner if who == "client" else freelancer)
    client = browser(owner)

    page = client.get(f"/freelancers/{freelancer.username}/invite/")
    posted = client.post(f"/freelancers/{freelancer.username}/invite/", {"gig": gig.pk})

    assert text in html(page)
    assert 'name="gig"' not in html(page)
    assert posted.status_code == 409
    assert not GigInvitation.objects.exists()


def test_the_api_refuses_to_invite_a_suspended_freelancer(gig, owner, freelancer):
    suspend(freelancer)

    response = api_client_for(owner).post(
        f"/api/v1/gigs/{gig.pk}/invitations/", {"freelancer": freelancer.username}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "freelancer_unavailable"
    assert not GigInvitation.objects.exists()


def test_an_unavailable_freelancer_is_explained_and_can_still_be_invited(gig, owner, freelancer):
    listed(freelancer, availability="unavailable")

    page = html(browser(owner).get(f"/freelancers/{freelancer.username}/invite/"))

    assert "says they are not taking new work right now" in page
    assert f'value="{gig.pk}"' in page


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_new_pages_render_in_both_languages(gig, owner, freelancer, stranger, language):
    pages = [
        browser(owner, language).get(f"/gigs/{gig.pk}/edit/"),
        browser(stranger, language).get(f"/report/gig/{gig.pk}/"),
        browser(stranger, language).get(f"/report/profile/{freelancer.username}/"),
        browser(owner, language).get(f"/freelancers/{freelancer.username}/invite/"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert f'<html lang="{language}">' in html(response)


# --- who may use each page: the permission matrix of these pages ---------------------------------

ACTORS = ("anon", "stranger", "client", "freelancer", "moderator")
LOGIN = "login"  # a redirect to the login page

# The world: the client's open gig {gig} without bids and {bid_gig} with the freelancer's {bid};
# their contract's message {message} from the freelancer; the freelancer is listed.
# fmt: off
PAGE_MATRIX: list[tuple[str, str, dict, object, object, object, object, object]] = [
    # method path                              data             anon   strngr client frlncr  mod
    ("GET",  "/gigs/{gig}/edit/",              {},              LOGIN, 404,   200,   404,   404),
    ("POST", "/gigs/{gig}/edit/",              {"edit": 1},     LOGIN, 404,   302,   404,   404),
    ("GET",  "/report/gig/{gig}/",             {},              LOGIN, 200,   200,   200,   200),
    # The client's own gig, the freelancer's own bid and message, one's own profile: 409.
    ("POST", "/report/gig/{gig}/",             {"reason": "spam"}, LOGIN, 302, 409,  302,   302),
    ("GET",  "/report/bid/{bid}/",             {},              LOGIN, 404,   200,   200,   404),
    ("POST", "/report/bid/{bid}/",             {"reason": "spam"}, LOGIN, 404, 302,  409,   404),
    ("GET",  "/report/message/{message}/",     {},              LOGIN, 404,   200,   200,   404),
    ("POST", "/report/message/{message}/",     {"reason": "spam"}, LOGIN, 404, 302,  409,   404),
    ("GET",  "/report/profile/{freelancer}/",  {},              LOGIN, 200,   200,   200,   200),
    ("POST", "/report/profile/{freelancer}/",  {"reason": "spam"}, LOGIN, 302, 302,  409,   302),
    # Inviting to {gig}: only its client has it to choose (400 for anyone else: not a choice);
    # the freelancer cannot invite themselves (409).
    ("GET",  "/freelancers/{freelancer}/invite/", {},           LOGIN, 200,   200,   200,   200),
    ("POST", "/freelancers/{freelancer}/invite/", {"gig": "{gig}"}, LOGIN, 400, 302, 409,   400),
]
# fmt: on


@pytest.fixture
def page_world(owner, freelancer, stranger, moderator):
    gig = GigFactory(client=owner, title="Logo untuk toko kue rumahan")
    bid = BidFactory(gig=GigFactory(client=owner), freelancer=freelancer)
    contract = ContractFactory(bid__gig__client=owner, bid__freelancer=freelancer)
    message = ContractMessageFactory(contract=contract, sender=freelancer)
    ids = {
        "gig": gig.pk,
        "bid": bid.pk,
        "message": message.pk,
        "freelancer": freelancer.username,
    }
    users = {"stranger": stranger, "client": owner, "freelancer": freelancer}
    users["moderator"] = moderator
    return users, ids, gig


def world_rows() -> tuple:
    return (
        list(Gig.objects.order_by("pk").values_list("title", "budget", "status")),
        list(Report.objects.values_list("pk")),
        list(GigInvitation.objects.values_list("pk")),
    )


@pytest.mark.parametrize(
    ("method", "path", "data", "actor", "expected"),
    [
        pytest.param(method, path, data, actor, expected, id=f"{method} {path} as {actor}")
        for method, path, data, *statuses in PAGE_MATRIX
        for actor, expected in zip(ACTORS, statuses, strict=True)
    ],
)
def test_page_permissions(page_world, method, path, data, actor, expected):
    users, ids, gig = page_world
    url = path.format(**ids)
    if data == {"edit": 1}:
        data = edit_post(gig, title="Judul yang sudah diubah")
    data = {key: str(value).format(**ids) for key, value in data.items()}
    client = browser(users.get(actor))
    before = world_rows()

    response = client.get(url) if method == "GET" else client.post(url, data)

    if expected == LOGIN:
        assert_login_redirect(response, url)
    else:
        assert response.status_code == expected
    if method == "GET" or expected != 302:
        assert world_rows() == before  # a read or a refusal changes nothing
    else:
        assert world_rows() != before  # an allowed write did something
