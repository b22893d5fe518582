"""Services (jasa): a freelancer writes a service with packages, extras and questions, submits
it through the gigs' moderation rule and content filter, pauses, resumes and archives it; a
moderator approves or rejects it; clients browse and read what is live, with contact details
masked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import ModeratorAction, Suspension, User
from accounts.staff_policy import StaffIsParty
from marketplace.errors import Conflict, DomainError, NotFound, PermissionDenied
from projects.models import (
    ContactHit,
    Service,
    ServiceExtra,
    ServicePackage,
    ServiceRequirement,
)
from projects.services import catalogue
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.matrix import moderators_group
from tests.projects.factories import CategoryFactory, ServiceFactory, SkillFactory, with_packages

S = Service.Status
CLEAN = "Logo sederhana dan modern untuk usaha rumahan, siap cetak dan digital."
PHONE = "Logo sederhana; hubungi saya di 0812 3456 7890 untuk detail pesanan."


def packages(*prices: int) -> list[dict[str, Any]]:
    tiers = ["basic", "standard", "premium", "basic"]
    return [
        {
            "tier": tiers[i],
            "name": f"Paket {i + 1}",
            "description": "Dua konsep logo, file PNG dan SVG.",
            "price": price,
            "delivery_days": 5 - i,
            "revisions_included": i,
        }
        for i, price in enumerate(prices)
    ]


def body(category_id: int, **more: Any) -> dict[str, Any]:
    return {
        "title": "Desain logo UMKM",
        "description": CLEAN,
        "category": category_id,
        "packages": packages(100_000, 200_000, 400_000),
        "extras": [
            {"kind": "faster_delivery", "price": 50_000, "days_saved": 1},
            {"kind": "extra_revision", "price": 25_000},
        ],
        "requirements": [
            {"question": "Apa nama usaha Anda?"},
            {"question": "Warna favorit?", "required": False},
        ],
        **more,
    }


def moderator() -> User:
    user = UserFactory(is_staff=True)
    user.groups.add(moderators_group())
    return user


def suspend(user: User) -> None:
    Suspension.objects.create(
        user=user, reason="Spam", starts_at=timezone.now() - timedelta(hours=1)
    )


def saved() -> tuple[int, int, int, int]:
    return (
        Service.objects.count(),
        ServicePackage.objects.count(),
        ServiceExtra.objects.count(),
        ServiceRequirement.objects.count(),
    )


@pytest.fixture
def category(db):
    return CategoryFactory(min_price=50_000)


# --- the lifecycle, through the API -----------------------------------------------------------


@pytest.mark.django_db
def test_a_first_service_goes_to_review_then_live_pause_resume_archive(category):
    freelancer = UserFactory()
    api = client_for(freelancer)

    created = api.post("/api/v1/services/", body(category.pk), format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    service_id = data["id"]
    assert (data["status"], data["price_from"], data["fastest_delivery_days"]) == (
        "draft",
        100_000,
        3,
    )
    assert [p["tier"] for p in data["packages"]] == ["basic", "standard", "premium"]
    assert [e["kind"] for e in data["extras"]] == ["faster_delivery", "extra_revision"]
    assert [(r["question"], r["required"]) for r in data["requirements"]] == [
        ("Apa nama usaha Anda?", True),
        ("Warna favorit?", False),
    ]
    assert data["actions"] == ["submit", "archive"]

    # The freelancer's first service: a moderator looks first, as at a client's first gig.
    submitted = api.post(f"/api/v1/services/{service_id}/submit/")
    assert (submitted.status_code, submitted.json()["status"]) == (200, "pending_review")
    assert english_client().get(f"/api/v1/services/{service_id}/").status_code == 404

    staff = moderator()
    catalogue.service_approve(service_id=service_id, moderator=staff)
    service = Service.objects.get(pk=service_id)
    assert service.status == S.LIVE
    assert service.published_at is not None
    assert list(ModeratorAction.objects.values_list("action", "target_id")) == [
        (ModeratorAction.Action.APPROVE_SERVICE, service_id)
    ]
    assert english_client().get(f"/api/v1/services/{service_id}/").status_code == 200

    paused = api.post(f"/api/v1/services/{service_id}/pause/")
    assert (paused.json()["status"], paused.json()["actions"]) == ("paused", ["resume", "archive"])
    assert english_client().get(f"/api/v1/services/{service_id}/").status_code == 404
    assert api.post(f"/api/v1/services/{service_id}/resume/").json()["status"] == "live"
    assert api.post(f"/api/v1/services/{service_id}/archive/").json()["status"] == "archived"
    # Archived for good: a repeat is a no-op, anything else a 409 that changes nothing.
    assert api.post(f"/api/v1/services/{service_id}/archive/").status_code == 200
    refused = api.post(f"/api/v1/services/{service_id}/resume/")
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_state")
    edit = api.patch(f"/api/v1/services/{service_id}/", {"title": "Logo baru"}, format="json")
    assert edit.status_code == 409
    service.refresh_from_db()
    assert (service.status, service.title) == (S.ARCHIVED, "Desain logo UMKM")


@pytest.mark.django_db
def test_a_later_clean_service_goes_live_at_once_and_a_flagged_one_waits(category):
    freelancer = UserFactory()
    ServiceFactory(freelancer=freelancer, category=category)  # published before

    clean = catalogue.service_create(
        freelancer=freelancer,
        title="Desain kemasan",
        description=CLEAN,
        category=category.pk,
        packages=packages(100_000),
        publish=True,
    )
    flagged = catalogue.service_create(
        freelancer=freelancer,
        title="Desain banner",
        description=PHONE,
        category=category.pk,
        packages=packages(100_000),
        publish=True,
    )

    assert clean.status == S.LIVE
    assert (flagged.status, flagged.content_flags) == (S.PENDING_REVIEW, ["phone"])
    assert ContactHit.objects.filter(
        user=freelancer, source=ContactHit.Source.SERVICE, source_id=flagged.pk
    ).exists()


@pytest.mark.django_db
def test_an_edit_the_filter_flags_sends_a_live_service_back_to_review(category):
    service = with_packages(ServiceFactory(category=category))

    catalogue.service_update(
        service_id=service.pk,
        actor=service.freelancer,
        packages=[{**packages(100_000)[0], "description": "Chat WA 0812 3456 7890 dulu."}],
    )

    service.refresh_from_db()
    assert (service.status, service.content_flags) == (S.PENDING_REVIEW, ["phone"])
    assert list(service.packages.values_list("tier", "price")) == [("basic", 100_000)]
    assert service.price_from == 100_000


@pytest.mark.parametrize("mode", ["off", "all"])
@pytest.mark.django_db
def test_submit_follows_the_gigs_moderation_setting(settings, category, mode):
    settings.GIG_MODERATION = mode
    freelancer = UserFactory()

    service = catalogue.service_create(
        freelancer=freelancer,
        title="Desain logo",
        description=PHONE,
        category=category.pk,
        packages=packages(100_000),
        publish=True,
    )

    assert service.status == {"off": S.LIVE, "all": S.PENDING_REVIEW}[mode]


@pytest.mark.django_db
def test_a_rejected_service_is_edited_back_into_a_draft(category):
    service = with_packages(ServiceFactory(category=category, status=S.PENDING_REVIEW))
    staff = moderator()

    catalogue.service_reject(service_id=service.pk, moderator=staff, reason="Tidak jelas.")
    service.refresh_from_db()
    assert (service.status, service.rejection_reason) == (S.REJECTED, "Tidak jelas.")
    reader = client_for(service.freelancer).get(f"/api/v1/services/{service.pk}/").json()
    assert reader["rejection_reason"] == "Tidak jelas."

    catalogue.service_update(
        service_id=service.pk, actor=service.freelancer, description=CLEAN + " Lebih jelas."
    )
    service.refresh_from_db()
    assert service.status == S.DRAFT


# --- refusals write nothing -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_price_below_the_categorys_minimum_is_refused_and_nothing_saved(category):
    api = client_for(UserFactory())

    response = api.post(
        "/api/v1/services/",
        body(category.pk, packages=packages(100_000, 49_999)),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["fields"]["packages"] == [f"The minimum for {category} is Rp 50.000."]
    assert saved() == (0, 0, 0, 0)
    assert not ContactHit.objects.exists()


@pytest.mark.django_db
def test_a_fourth_package_is_refused_and_nothing_saved(category):
    api = client_for(UserFactory())

    response = api.post(
        "/api/v1/services/",
        body(category.pk, packages=packages(100_000, 200_000, 300_000, 400_000)),
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["packages"]
    assert saved() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_an_edit_with_a_refused_package_changes_nothing(category):
    service = with_packages(ServiceFactory(category=category))
    before = list(ServicePackage.objects.values_list("pk", "tier", "price"))

    with pytest.raises(DomainError):
        catalogue.service_update(
            service_id=service.pk,
            actor=service.freelancer,
            title="Judul baru sekali",
            packages=packages(100_000, 100_000, 100_000, 100_000),
        )
    with pytest.raises(DomainError):
        catalogue.service_update(
            service_id=service.pk,
            actor=service.freelancer,
            packages=[{**packages(100_000)[0]}, {**packages(100_000)[0]}],  # the same tier twice
        )

    assert list(ServicePackage.objects.values_list("pk", "tier", "price")) == before
    service.refresh_from_db()
    assert service.title != "Judul baru sekali"


@pytest.mark.django_db
def test_a_draft_without_packages_cannot_be_submitted(category):
    freelancer = UserFactory()
    draft = catalogue.service_create(
        freelancer=freelancer, title="Desain logo", description=CLEAN, category=category.pk
    )

    with pytest.raises(DomainError):
        catalogue.service_submit(service_id=draft.pk, actor=freelancer)

    draft.refresh_from_db()
    assert draft.status == S.DRAFT


@pytest.mark.django_db
def test_a_suspended_freelancer_cannot_publish_or_resume_but_can_take_down(category):
    service = with_packages(ServiceFactory(category=category, status=S.PAUSED))
    draft = with_packages(
        ServiceFactory(category=category, status=S.DRAFT, freelancer=service.freelancer)
    )
    suspend(service.freelancer)
    count = Service.objects.count()

    for attempt in (
        lambda: catalogue.service_create(
            freelancer=service.freelancer,
            title="Desain logo",
            description=CLEAN,
            category=category.pk,
        ),
        lambda: catalogue.service_submit(service_id=draft.pk, actor=service.freelancer),
        lambda: catalogue.service_resume(service_id=service.pk, actor=service.freelancer),
    ):
        with pytest.raises(PermissionDenied):
            attempt()

    assert Service.objects.count() == count
    assert Service.objects.get(pk=draft.pk).status == S.DRAFT
    catalogue.service_archive(service_id=service.pk, actor=service.freelancer)
    assert Service.objects.get(pk=service.pk).status == S.ARCHIVED


@pytest.mark.django_db
def test_others_cannot_manage_a_service(category):
    service = with_packages(ServiceFactory(category=category))

    for actor in (UserFactory(), moderator()):
        for action in (catalogue.service_pause, catalogue.service_archive):
            with pytest.raises(NotFound):
                action(service_id=service.pk, actor=actor)

    assert Service.objects.get(pk=service.pk).status == S.LIVE


@pytest.mark.django_db
def test_a_moderator_does_not_approve_their_own_service_nor_a_plain_user_any(category):
    staff = moderator()
    own = with_packages(
        ServiceFactory(freelancer=staff, category=category, status=S.PENDING_REVIEW)
    )
    other = with_packages(ServiceFactory(category=category, status=S.PENDING_REVIEW))

    with pytest.raises(StaffIsParty):
        catalogue.service_approve(service_id=own.pk, moderator=staff)
    with pytest.raises(PermissionDenied):
        catalogue.service_approve(service_id=other.pk, moderator=UserFactory())
    with pytest.raises(Conflict):
        catalogue.service_approve(
            service_id=with_packages(ServiceFactory(category=category, status=S.DRAFT)).pk,
            moderator=staff,
        )

    assert Service.objects.get(pk=own.pk).status == S.PENDING_REVIEW
    assert Service.objects.get(pk=other.pk).status == S.PENDING_REVIEW
    # Only the refused attempt on their own service is in the log.
    assert list(ModeratorAction.objects.values_list("action", flat=True)) == [
        ModeratorAction.Action.REFUSED_AS_PARTY
    ]


# --- who reads what ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_contact_details_are_masked_for_everyone_but_the_freelancer_and_moderators(category):
    freelancer = UserFactory()
    ServiceFactory(freelancer=freelancer, category=category)
    service = catalogue.service_create(
        freelancer=freelancer,
        title="Logo, email saya budi@contoh.id",
        description=PHONE,
        category=category.pk,
        packages=[{**packages(100_000)[0], "description": "WA 0812 3456 7890 untuk revisi."}],
        requirements=[{"question": "Kirim ke budi@contoh.id ya?"}],
        publish=True,
    )
    catalogue.service_approve(service_id=service.pk, moderator=moderator())
    path = f"/api/v1/services/{service.pk}/"

    def texts(data: dict[str, Any]) -> list[str]:
        return [
            data["title"],
            data["description"],
            data["packages"][0]["description"],
            data["requirements"][0]["question"],
        ]

    for reader in (english_client(), client_for(UserFactory())):
        data = reader.get(path).json()
        assert not any("0812" in text or "budi@contoh.id" in text for text in texts(data)), data
        assert data["contact_details_hidden"] == []
        assert data["content_flags"] == []
        listed = reader.get("/api/v1/services/").json()["results"]
        assert [card["title"] for card in listed] != []
        assert "budi@" not in listed[0]["title"]
    own = client_for(freelancer).get(path).json()
    assert "budi@contoh.id" in own["title"]
    assert "0812 3456 7890" in own["description"]
    assert own["contact_details_hidden"] == ["email", "phone"]
    assert "0812 3456 7890" in client_for(moderator()).get(path).json()["description"]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.DRAFT, S.PENDING_REVIEW, S.PAUSED, S.REJECTED, S.ARCHIVED])
def test_only_the_freelancer_and_moderators_see_a_service_not_live(category, status):
    service = with_packages(ServiceFactory(category=category, status=status))
    path = f"/api/v1/services/{service.pk}/"

    assert english_client().get(path).status_code == 404
    assert client_for(UserFactory()).get(path).status_code == 404
    assert client_for(service.freelancer).get(path).status_code == 200
    assert client_for(moderator()).get(path).status_code == 200
    assert english_client().get("/api/v1/services/").json()["results"] == []


@pytest.mark.django_db
def test_browse_filters_on_price_delivery_category_skills_and_words(category):
    skill = SkillFactory()
    cheap = with_packages(ServiceFactory(category=category), prices=(60_000,), days=(7,))
    quick = with_packages(ServiceFactory(category=category), prices=(300_000,), days=(1,))
    quick.skills.add(skill)
    other = with_packages(
        ServiceFactory(title="Terjemahan dokumen resmi"), prices=(150_000,), days=(3,)
    )
    ServiceFactory(category=category, status=S.PAUSED)

    def ids(**query: Any) -> list[int]:
        response = english_client().get("/api/v1/services/", query)
        assert response.status_code == 200, response.json()
        return [card["id"] for card in response.json()["results"]]

    assert ids(sort="price_low") == [cheap.pk, other.pk, quick.pk]
    assert ids(sort="price_high") == [quick.pk, other.pk, cheap.pk]
    assert ids(price_min=100_000, price_max=200_000) == [other.pk]
    assert ids(delivery_days=3, sort="price_low") == [other.pk, quick.pk]
    assert ids(category=category.slug, sort="price_low") == [cheap.pk, quick.pk]
    assert ids(skills=str(skill.pk)) == [quick.pk]
    assert ids(q="terjemahan") == [other.pk]
    assert english_client().get("/api/v1/services/", {"price_min": -1}).status_code == 400


@pytest.mark.django_db
def test_mine_lists_ones_own_services_in_every_state(category):
    freelancer = UserFactory()
    own = [
        ServiceFactory(freelancer=freelancer, category=category, status=status)
        for status in (S.DRAFT, S.LIVE, S.ARCHIVED)
    ]
    ServiceFactory(category=category)

    response = client_for(freelancer).get("/api/v1/services/", {"mine": "true"})

    assert {card["id"] for card in response.json()["results"]} == {s.pk for s in own}
    assert english_client().get("/api/v1/services/", {"mine": "true"}).status_code == 401


# --- what a list costs ------------------------------------------------------------------------

TOKEN = 1  # the bearer token and its user, on every authenticated request
# The page with freelancer and category joined; its skills; its packages.
SERVICE_LIST = 3


@pytest.mark.parametrize("services_in_db", [5, 60])
@pytest.mark.parametrize("authenticated", [False, True], ids=["anonymous", "authenticated"])
@pytest.mark.django_db
def test_service_list_costs_the_same_at_any_size(
    django_assert_num_queries, services_in_db, authenticated
):
    category = CategoryFactory()
    skills = SkillFactory.create_batch(2)
    for i, service in enumerate(ServiceFactory.create_batch(services_in_db, category=category)):
        # Every other service's packages hold a phone number: masked for the reader from the
        # stored copies, with no query per package.
        with_packages(service, description="WA 0812 3456 7890." if i % 2 else "Dua konsep.")
        service.skills.add(*skills)
    client = client_for(UserFactory()) if authenticated else english_client()

    with django_assert_num_queries(SERVICE_LIST + (TOKEN if authenticated else 0)):
        response = client.get("/api/v1/services/", {"page_size": 50, "price_min": 1})

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == min(50, services_in_db)
    assert all(len(card["skills"]) == 2 and len(card["packages"]) == 3 for card in results)
    descriptions = {p["description"] for card in results for p in card["packages"]}
    assert len(descriptions) == 2
    assert "Dua konsep." in descriptions
    assert not any("0812" in description for description in descriptions)


@pytest.mark.django_db
def test_a_suspension_hides_the_freelancers_services_and_lifting_it_shows_them(category):
    from projects.services.suspensions import suspension_create, suspension_lift

    freelancer = UserFactory()
    live = with_packages(ServiceFactory(freelancer=freelancer, category=category))
    pending = with_packages(
        ServiceFactory(freelancer=freelancer, category=category, status=S.PENDING_REVIEW)
    )
    draft = ServiceFactory(freelancer=freelancer, category=category, status=S.DRAFT)
    staff = moderator()
    path = f"/api/v1/services/{live.pk}/"

    suspension = suspension_create(moderator=staff, user_id=freelancer.pk, reason="Spam.")

    hidden = dict(
        Service.objects.filter(hidden_at__isnull=False).values_list("pk", "hidden_reason")
    )
    assert hidden == {live.pk: "suspended", pending.pk: "suspended"}
    assert Service.objects.get(pk=draft.pk).hidden_at is None
    assert english_client().get(path).status_code == 404
    assert english_client().get("/api/v1/services/").json()["results"] == []
    assert client_for(freelancer).get(path).status_code == 200

    suspension_lift(moderator=staff, suspension_id=suspension.pk, reason="Keliru.")

    assert not Service.objects.filter(hidden_at__isnull=False).exists()
    assert english_client().get(path).status_code == 200
    assert [card["id"] for card in english_client().get("/api/v1/services/").json()["results"]] == [
        live.pk
    ]


@pytest.mark.django_db
def test_new_packages_must_still_fit_the_kept_faster_delivery_extra(category):
    freelancer = UserFactory()
    service = catalogue.service_create(
        freelancer=freelancer,
        title="Desain logo",
        description=CLEAN,
        category=category.pk,
        packages=[{**packages(100_000)[0], "delivery_days": 5}],
        extras=[{"kind": "faster_delivery", "price": 50_000, "days_saved": 2}],
    )

    with pytest.raises(DomainError) as refused:
        catalogue.service_update(
            service_id=service.pk,
            actor=freelancer,
            packages=[{**packages(100_000)[0], "delivery_days": 2}],
        )

    assert list(refused.value.fields) == ["extras"]
    assert list(service.packages.values_list("delivery_days", flat=True)) == [5]


@pytest.mark.django_db
def test_a_reported_service_a_moderator_removes_leaves_the_catalogue_for_good(category):
    from projects.models import Report
    from projects.services.reports import report_create, report_resolve

    service = with_packages(ServiceFactory(category=category))
    reporter = UserFactory()
    report, _created = report_create(
        reporter=reporter, target_type="service", target_id=service.pk, reason="scam"
    )
    assert report.target_user_id == service.freelancer_id

    report_resolve(
        report_id=report.pk, moderator=moderator(), outcome="content_removed", note="Penipuan."
    )

    service.refresh_from_db()
    assert (service.status, service.hidden_reason) == (S.LIVE, "removed")
    assert Report.objects.get(pk=report.pk).status == Report.Status.RESOLVED
    path = f"/api/v1/services/{service.pk}/"
    assert english_client().get(path).status_code == 404
    assert client_for(reporter).get(path).status_code == 404
    assert english_client().get("/api/v1/services/").json()["results"] == []
    owner = client_for(service.freelancer)
    assert owner.get(path).status_code == 200
    edit = owner.patch(path, {"title": "Desain logo UMKM baru"}, format="json")
    assert (edit.status_code, edit.json()["code"]) == (409, "service_hidden")
    catalogue.service_pause(service_id=service.pk, actor=service.freelancer)
    resume = owner.post(f"{path}resume/")
    assert (resume.status_code, resume.json()["code"]) == (409, "service_hidden")
    service.refresh_from_db()
    assert (service.status, service.hidden_reason) == (S.PAUSED, "removed")
