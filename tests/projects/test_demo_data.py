import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.models import Category, Skill, User
from accounts.roles import MODERATORS
from projects.models import Bid, Contract, Dispute, Gig, Report
from projects.sample_data.demo import market, profiles, taxonomy, users
from projects.sample_data.demo.moderation import DISPUTED, MODERATION_USERS, PENDING_GIGS


def snapshot():
    return (
        list(Category.objects.order_by("slug").values_list("slug", "min_price", "position")),
        list(Skill.objects.order_by("slug").values_list("slug", "category__slug")),
        list(User.objects.order_by("username").values_list("username", "is_staff")),
        list(Gig.objects.order_by("title").values_list("title", "status", "bid_count")),
        list(
            Bid.objects.order_by("pk").values_list("gig__title", "freelancer__username", "status")
        ),
        Contract.objects.count(),
    )


@pytest.mark.django_db
def test_loading_demo_data_twice_duplicates_nothing():
    call_command("load_demo_data")
    first = snapshot()
    call_command("load_demo_data")

    assert snapshot() == first
    assert len(first[0]) == len(taxonomy.CATEGORIES)
    assert len(first[2]) == len(users.DEMO_USERS) + len(MODERATION_USERS)


@pytest.mark.django_db
def test_demo_categories_cover_indonesian_micro_work_with_minimum_prices():
    call_command("load_demo_data")

    prices = dict(Category.objects.values_list("slug", "min_price"))
    for slug in [
        "penulisan",
        "desain-grafis",
        "media-sosial",
        "video",
        "entri-data",
        "terjemahan",
        "caption",
        "endorsement",
    ]:
        assert prices[slug] >= 25_000
    assert Skill.objects.filter(category__slug="desain-grafis").count() >= 3


@pytest.mark.django_db
def test_demo_users_of_each_role_can_log_in(api_client):
    call_command("load_demo_data")

    for demo_user in users.DEMO_USERS:
        response = api_client.post(
            "/api/v1/auth/token/",
            {"username": demo_user.username, "password": users.DEMO_PASSWORD},
            format="json",
        )
        assert response.status_code == 200, demo_user.username
    assert User.objects.get(username="moderator").groups.filter(name=MODERATORS).exists()
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="toko_sari").is_staff
    assert Group.objects.filter(name=MODERATORS).count() == 1


@pytest.mark.django_db
def test_reloading_restores_an_edited_minimum_price():
    call_command("load_demo_data")
    Category.objects.filter(slug="caption").update(min_price=1)

    call_command("load_demo_data")

    assert Category.objects.get(slug="caption").min_price == 25_000


@pytest.mark.django_db
def test_demo_marketplace_has_open_gigs_bids_a_running_and_a_finished_contract():
    call_command("load_demo_data")

    # Three gigs are taken: by the running contract, the finished one and the disputed one.
    assert Gig.objects.filter(status=Gig.Status.OPEN).count() == len(market.DEMO_GIGS) - 3
    assert Bid.objects.count() == len(market.DEMO_BIDS) + 1  # and the reported bid
    running = Contract.objects.get(status=Contract.Status.ACTIVE, milestones__status="funded")
    assert (running.freelancer.username, running.gig.title) == market.DEMO_ACCEPTED
    finished = Contract.objects.get(status=Contract.Status.COMPLETED)
    assert (finished.freelancer.username, finished.gig.title) == profiles.DEMO_FINISHED
    assert finished.reviews.filter(revealed_at__isnull=False).count() == 2
    assert finished.portfolio_allowed


@pytest.mark.django_db
def test_demo_moderator_finds_something_in_every_queue():
    call_command("load_demo_data")

    pending = dict(
        Gig.objects.filter(status=Gig.Status.PENDING_REVIEW).values_list("title", "content_flags")
    )
    assert pending == {
        PENDING_GIGS[0][2]: ["phone"],
        PENDING_GIGS[1][2]: ["prohibited"],
    }
    bid = Bid.objects.get(freelancer__username="joko.cepat")
    assert set(bid.contact_flags) >= {"phone", "off_platform"}
    assert set(Report.objects.values_list("target_type", "status")) == {
        ("bid", "open"),
        ("profile", "open"),
    }
    dispute = Dispute.objects.get()
    assert (dispute.status, dispute.milestone.contract.gig.title) == ("open", DISPUTED[1])
    moderator = User.objects.get(username="moderator")
    assert moderator.has_perm("projects.resolve_report")
    assert moderator.has_perm("payments.process_withdrawal")


@pytest.mark.django_db
def test_demo_profiles_show_a_portfolio_and_a_reputation_from_the_finished_work(api_client):
    call_command("load_demo_data")

    rina = api_client.get("/api/v1/freelancers/rina.menulis/").json()
    assert rina["reputation"]["rating"]["reviews"] == 1
    assert rina["reputation"]["rating"]["value"] == 5.0
    assert rina["reputation"]["completion_rate"]["value"] == 1.0
    budi = api_client.get("/api/v1/freelancers/budi.desain/").json()
    assert [item["title"] for item in budi["portfolio"]] == ["Logo & kemasan Warung Kopi Senja"]
    assert budi["portfolio"][0]["images"][0]["content_type"] == "image/png"
    listed = api_client.get("/api/v1/freelancers/").json()["results"]
    assert [f["username"] for f in listed] == ["rina.menulis", "budi.desain"]  # rated first
    kopi = api_client.get("/api/v1/clients/kopi.nusantara/").json()
    # Two hires: the finished translation and the disputed reel (demo.moderation).
    assert (kopi["shop_name"], kopi["hires"], kopi["rating_count"]) == (
        "Kopi Nusantara Roastery",
        2,
        1,
    )
