"""The permission matrix of the accounts app: sign-up and login, one's own account and profiles,
the public profiles and the portfolios, five actors.

Each case builds the same small world afresh (the ``world`` fixture), sends one request as one
actor and checks the exact status. The actors, relative to that world:

- ``anon``: no credentials.
- ``stranger``: logged in, no profile; the e-mail link ``{verify_token}`` is theirs.
- ``client``: a client with a shop name, who never wrote a freelancer headline.
- ``freelancer``: listed in the directory (a headline), with the portfolio item ``{item}`` and
  its image ``{image}``, a real PNG stored through the service that re-encodes uploads.
- ``moderator``: staff, in a group holding ``projects.moderate_gig``.

Besides them, ``gone`` was a listed freelancer with an item and an image (``{gone_item}``,
``{gone_image}``) whose account has since been deactivated. Every logged-in actor's token is
issued when the world is built, so a request leaves the token table as it found it unless it
logs in or out.

The rules the table encodes:

- ``anon`` gets 401 on anything that needs a login; public reads (the directory, a listed
  freelancer, a client's record, portfolios and their images) are 200 for everyone.
- Signing up, logging in and following an e-mail link need no login, and a token sent along is
  not even read (those views have no authentication): every actor is anonymous there.
- ``me/…`` is always one's own: no ids in those routes, so nothing to hide and no 404.
- Only the owner manages a portfolio item and its images. Anyone else, a moderator too, gets
  404 with the same body as for an item that does not exist (``_own_item``), never 403: there
  is no other party to a portfolio.
- A deactivated account's public profile, record, items and images are gone (404), and a
  freelancer without a headline is not listed (404 for their profile).
- A read or a refused request changes nothing; an allowed write changes something.

The coverage test in ``tests/projects/test_permissions.py`` checks that this matrix and the
projects one together have a row for every route and method of the three apps.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import (
    AuthToken,
    ClientProfile,
    FreelancerProfile,
    Notification,
    PortfolioImage,
    PortfolioItem,
    PushSubscription,
    ReputationChange,
    User,
    WhatsAppContact,
)
from accounts.services import (
    client_profile_update,
    email_verification_token,
    freelancer_profile_update,
    portfolio_image_add,
    portfolio_item_create,
    user_photo_set,
)
from accounts.services.portfolio import portfolio_image_process
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import client_for, english_client
from tests.matrix import body_of, class_world, moderators_group
from tests.projects.factories import CategoryFactory, SkillFactory

ACTORS = ("anon", "stranger", "client", "freelancer", "moderator")
ANON, STRANGER, CLIENT, FREELANCER, MODERATOR = ACTORS

# fmt: off
MATRIX: list[tuple[str, str, int, int, int, int, int]] = [
    # method   path (under /api/v1)                                anon strngr client frlncr  mod
    # No login and no authentication: a token sent along changes nothing.
    ("POST",   "/auth/register/",                                   201,  201,  201,  201,  201),
    ("POST",   "/auth/token/",                                      200,  200,  200,  200,  200),
    ("POST",   "/auth/verify-email/",                               200,  200,  200,  200,  200),
    # Logging out ends the token the request came with.
    ("POST",   "/auth/logout/",                                     401,  204,  204,  204,  204),
    # Logging out everywhere ends every token of the caller's account, nobody else's.
    ("POST",   "/auth/logout-all/",                                 401,  204,  204,  204,  204),
    # One's own account, profiles and reputation log.
    ("GET",    "/me/",                                              401,  200,  200,  200,  200),
    ("PATCH",  "/me/",                                              401,  200,  200,  200,  200),
    ("POST",   "/me/verify-email/",                                 401,  202,  202,  202,  202),
    ("GET",    "/me/freelancer-profile/",                           401,  200,  200,  200,  200),
    ("PUT",    "/me/freelancer-profile/",                           401,  200,  200,  200,  200),
    ("GET",    "/me/client-profile/",                               401,  200,  200,  200,  200),
    ("PUT",    "/me/client-profile/",                               401,  200,  200,  200,  200),
    ("GET",    "/me/reputation-changes/",                           401,  200,  200,  200,  200),
    # Profile photos: anyone's is public while their account is active (every actor of the
    # world has one); one sets and removes only one's own.
    ("GET",    "/photos/{photo}/",                                  200,  200,  200,  200,  200),
    ("GET",    "/photos/{gone_photo}/",                             404,  404,  404,  404,  404),
    ("PUT",    "/me/photo/",                                        401,  200,  200,  200,  200),
    ("DELETE", "/me/photo/",                                        401,  200,  200,  200,  200),
    # Public profiles: listed freelancers, and any active user's record as a client.
    ("GET",    "/freelancers/",                                     200,  200,  200,  200,  200),
    ("GET",    "/freelancers/{freelancer_name}/",                   200,  200,  200,  200,  200),
    ("GET",    "/freelancers/{client_name}/",                       404,  404,  404,  404,  404),
    ("GET",    "/freelancers/{gone_name}/",                         404,  404,  404,  404,  404),
    ("GET",    "/clients/{client_name}/",                           200,  200,  200,  200,  200),
    ("GET",    "/clients/{gone_name}/",                             404,  404,  404,  404,  404),
    # Portfolios are public. Without ?owner= the list is one's own, which needs a login.
    ("GET",    "/portfolio-items/?owner={freelancer_name}",         200,  200,  200,  200,  200),
    ("GET",    "/portfolio-items/",                                 401,  200,  200,  200,  200),
    ("POST",   "/portfolio-items/",                                 401,  201,  201,  201,  201),
    ("GET",    "/portfolio-items/{item}/",                          200,  200,  200,  200,  200),
    ("GET",    "/portfolio-items/{gone_item}/",                     404,  404,  404,  404,  404),
    ("GET",    "/portfolio-items/{item}/images/{image}/",           200,  200,  200,  200,  200),
    ("GET",    "/portfolio-items/{gone_item}/images/{gone_image}/", 404,  404,  404,  404,  404),
    # An image a worker has not cleaned yet is nobody's but its owner's (who is told to wait).
    ("GET",    "/portfolio-items/{item}/images/{pending_image}/",   404,  404,  404,  409,  404),
    ("DELETE", "/portfolio-items/{item}/images/{pending_image}/",   401,  404,  404,  204,  404),
    # Managing an item and its images: the owner only; everyone else 404, moderators too.
    ("PATCH",  "/portfolio-items/{item}/",                          401,  404,  404,  200,  404),
    ("DELETE", "/portfolio-items/{item}/",                          401,  404,  404,  204,  404),
    ("POST",   "/portfolio-items/{item}/images/",                   401,  404,  404,  201,  404),
    ("DELETE", "/portfolio-items/{item}/images/{image}/",           401,  404,  404,  204,  404),
    # Notices on one's phones: push subscriptions, push preferences, the WhatsApp opt-in
    # (everyone in the world opted in). A subscription is one person's: the freelancer's
    # {push_subscription} is a 404 to everyone else, by id or by its endpoint.
    ("GET",    "/me/push-subscriptions/",                           401,  200,  200,  200,  200),
    ("POST",   "/me/push-subscriptions/",                           401,  201,  201,  201,  201),
    ("POST",   "/me/push-subscriptions/unsubscribe/",               401,  404,  404,  204,  404),
    ("DELETE", "/me/push-subscriptions/{push_subscription}/",       401,  404,  404,  204,  404),
    ("GET",    "/me/push-preferences/",                             401,  200,  200,  200,  200),
    ("PUT",    "/me/push-preferences/",                             401,  200,  200,  200,  200),
    ("GET",    "/me/whatsapp/",                                     401,  200,  200,  200,  200),
    ("PUT",    "/me/whatsapp/",                                     401,  200,  200,  200,  200),
    ("DELETE", "/me/whatsapp/",                                     401,  204,  204,  204,  204),
]
# fmt: on

CASES = [
    pytest.param(method, path, actor, expected, id=f"{method} {path} as {actor}")
    for method, path, *statuses in MATRIX
    for actor, expected in zip(ACTORS, statuses, strict=True)
]

ERROR_CODES = {
    401: "not_authenticated",
    404: "not_found",
    409: "image_processing",
}
MISSING_ID = 999_999
PUSH_ENDPOINT = "https://fcm.googleapis.com/fcm/send/freelancers-phone"


def png_bytes(size: tuple[int, int] = (12, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 30)).save(out, "PNG")
    return out.getvalue()


def png_upload(name: str = "karya.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def photo_name(user: User) -> str:
    """Give ``user`` a profile photo; the name it is served under (``photos/{name}/``)."""
    user_photo_set(user=user, upload=png_upload("wajah.png"))
    return user.photo.name.rsplit("/", 1)[-1]


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    clients: dict[str, APIClient]  # tokens issued up front: sending a request issues none
    ids: dict[str, int | str]  # what the paths' {placeholders} stand for

    def client(self, actor: str) -> APIClient:
        return self.clients[actor]


@pytest.fixture
def moderators(db) -> Group:
    return moderators_group()


def listed_freelancer(user: User, skill_id: int, category_id: int) -> tuple[int, int]:
    """A headline, so listed; one portfolio item with one image. Returns their ids."""
    freelancer_profile_update(
        user=user,
        headline="Ilustrator dan desainer logo untuk UMKM",
        bio="Lima tahun menggambar untuk usaha kuliner.",
        skill_ids=[skill_id],
        starting_price=150_000,
        city="Bandung",
    )
    item = portfolio_item_create(
        owner=user, title="Logo kedai kopi", category_id=category_id, skill_ids=[skill_id]
    )
    image = portfolio_image_add(item_id=item.pk, owner=user, upload=png_upload())
    portfolio_image_process(image_id=image.pk)  # the worker's half, run here
    return item.pk, image.pk


@pytest.fixture
def world(moderators) -> World:
    return build_world(moderators)


def build_world(moderators: Group) -> World:
    stranger, client, freelancer, gone = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(moderators)
    skill = SkillFactory(category=CategoryFactory())
    item, image = listed_freelancer(freelancer, skill.pk, skill.category_id)
    gone_item, gone_image = listed_freelancer(gone, skill.pk, skill.category_id)
    pending = portfolio_image_add(item_id=item, owner=freelancer, upload=png_upload("b.png"))
    photos = {u.pk: photo_name(u) for u in (stranger, client, freelancer, moderator, gone)}
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    client_profile_update(user=client, shop_name="Toko Kue Bu Siti")
    users = {STRANGER: stranger, CLIENT: client, FREELANCER: freelancer, MODERATOR: moderator}
    subscription = PushSubscription.objects.create(
        user=freelancer, endpoint=PUSH_ENDPOINT, p256dh="B" + "x" * 86, auth="y" * 22
    )
    for number, person in enumerate(users.values()):
        WhatsAppContact.objects.create(
            user=person, phone=f"+62811000000{number}", consented_at=person.date_joined
        )
    return World(
        users=users,
        clients={ANON: english_client(), **{a: client_for(u) for a, u in users.items()}},
        ids={
            "freelancer_name": freelancer.username,
            "client_name": client.username,
            "gone_name": gone.username,
            "item": item,
            "image": image,
            "gone_item": gone_item,
            "gone_image": gone_image,
            "pending_image": pending.pk,
            "photo": photos[freelancer.pk],
            "gone_photo": photos[gone.pk],
            "skill": skill.pk,
            "verify_token": email_verification_token(user=stranger),
            "push_subscription": subscription.pk,
        },
    )


matrix_world = class_world(build_world)


# --- request bodies for the writes ----------------------------------------------------------

BODIES: dict[tuple[str, str], Callable[[World], dict[str, Any]]] = {
    ("POST", "/auth/register/"): lambda w: {
        "username": "pengguna.baru",
        "email": "pengguna.baru@example.id",
        "password": PASSWORD,
    },
    ("POST", "/auth/token/"): lambda w: {
        "username": w.users[CLIENT].username,
        "password": PASSWORD,
    },
    ("POST", "/auth/verify-email/"): lambda w: {"token": w.ids["verify_token"]},
    ("PATCH", "/me/"): lambda w: {"display_name": "Nama Baru"},
    ("PUT", "/me/freelancer-profile/"): lambda w: {
        "headline": "Fotografer produk makanan",
        "skills": [w.ids["skill"]],
        "city": "Yogyakarta",
    },
    ("PUT", "/me/client-profile/"): lambda w: {"shop_name": "Warung Sate Pak Budi"},
    ("POST", "/portfolio-items/"): lambda w: {"title": "Kemasan keripik", "link": ""},
    ("PATCH", "/portfolio-items/{item}/"): lambda w: {"title": "Logo kedai kopi (revisi)"},
    ("POST", "/portfolio-items/{item}/images/"): lambda w: {"image": png_upload()},
    ("PUT", "/me/photo/"): lambda w: {"photo": png_upload("baru.png")},
    ("POST", "/me/push-subscriptions/"): lambda w: {
        "endpoint": "https://fcm.googleapis.com/fcm/send/new-browser",
        "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
    },
    ("POST", "/me/push-subscriptions/unsubscribe/"): lambda w: {"endpoint": PUSH_ENDPOINT},
    ("PUT", "/me/push-preferences/"): lambda w: {"push": {"review_received": False}},
    ("PUT", "/me/whatsapp/"): lambda w: {"phone": "0812 3456 7890", "consent": True},
}


def send(world: World, actor: str, method: str, path: str, ids: dict[str, Any]) -> Any:
    body = BODIES.get((method, path), lambda w: None)(world)
    url = "/api/v1" + path.format(**ids)
    multipart = body is not None and any(hasattr(v, "read") for v in body.values())
    # E-mails leave through the worker after the request commits: run that too.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return getattr(world.client(actor), method.lower())(
            url, body, format="multipart" if multipart else "json"
        )


def snapshot() -> dict[str, list[Any]]:
    """Everything a request to these endpoints could change."""
    return {
        "users": list(
            User.objects.order_by("pk").values_list(
                "pk",
                "username",
                "display_name",
                "preferred_language",
                "email_verified_at",
                "push_muted_kinds",
                "photo",
            )
        ),
        "tokens": list(AuthToken.objects.order_by("pk").values_list("pk", "user_id")),
        "freelancer_profiles": list(
            FreelancerProfile.objects.order_by("pk").values_list(
                "pk", "user_id", "headline", "bio", "city", "starting_price", "availability"
            )
        ),
        "profile_skills": list(
            FreelancerProfile.skills.through.objects.order_by("pk").values_list(
                "freelancerprofile_id", "skill_id"
            )
        ),
        "client_profiles": list(
            ClientProfile.objects.order_by("pk").values_list("pk", "user_id", "shop_name")
        ),
        "portfolio_items": list(
            PortfolioItem.objects.order_by("pk").values_list(
                "pk", "owner_id", "title", "description", "link", "position", "contract_id"
            )
        ),
        "portfolio_images": list(
            PortfolioImage.objects.order_by("pk").values_list("pk", "item_id", "position")
        ),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
        "reputation_changes": list(ReputationChange.objects.order_by("pk").values_list("pk")),
        "push_subscriptions": list(
            PushSubscription.objects.order_by("pk").values_list("pk", "user_id", "endpoint")
        ),
        "whatsapp": list(
            WhatsAppContact.objects.order_by("pk").values_list("pk", "user_id", "phone")
        ),
        "mail": [(message.to, message.subject) for message in mail.outbox],
    }


# --- the matrix -----------------------------------------------------------------------------


class TestMatrix:
    """Every (route, method, actor) of the table, on one shared world (see matrix_world)."""

    @pytest.mark.django_db
    @pytest.mark.parametrize(("method", "path", "actor", "expected"), CASES)
    @override_settings(WEB_PUSH_ENABLED=True, VAPID_PUBLIC_KEY="B" + "k" * 86)
    def test_case(self, matrix_world, method, path, actor, expected):
        world = matrix_world
        before = snapshot()

        response = send(world, actor, method, path, world.ids)

        content = body_of(response)
        assert response.status_code == expected, content[:500]
        if expected in ERROR_CODES:
            assert response.json()["code"] == ERROR_CODES[expected]
        if expected == 404:
            # Indistinguishable from an object that does not exist: the same status and body.
            missing = send(world, actor, method, path, dict.fromkeys(world.ids, MISSING_ID))
            assert (missing.status_code, missing.json()) == (404, response.json())
        if "/images/" in path and method == "GET" and expected == 200:
            stored = PortfolioImage.objects.get(pk=world.ids["image"])
            with stored.image.open("rb") as file:
                assert content == file.read()
            assert content.startswith(b"\x89PNG\r\n\x1a\n")
            assert response["Content-Type"] == "image/png"
            assert response["X-Content-Type-Options"] == "nosniff"
        if method == "GET" or expected >= 400:
            assert snapshot() == before  # a read or a refusal changes nothing
        else:
            assert snapshot() != before  # an allowed write did something


# --- one's own, and nobody else's ------------------------------------------------------------


@pytest.mark.django_db
def test_me_routes_answer_about_the_caller_only(world):
    for actor in ACTORS[1:]:
        client, user = world.client(actor), world.users[actor]
        assert client.get("/api/v1/me/").json()["username"] == user.username, actor
        record = client.get("/api/v1/me/client-profile/").json()
        assert record["username"] == user.username, actor
    headlines = {
        actor: world.client(actor).get("/api/v1/me/freelancer-profile/").json()["headline"]
        for actor in ACTORS[1:]
    }
    assert headlines == {
        STRANGER: "",
        CLIENT: "",
        FREELANCER: "Ilustrator dan desainer logo untuk UMKM",
        MODERATOR: "",
    }


@pytest.mark.django_db
def test_writing_ones_profile_writes_no_one_elses(world):
    stranger = world.client(STRANGER)
    body = {"headline": "Penulis naskah iklan", "city": "Medan"}
    assert stranger.put("/api/v1/me/freelancer-profile/", body, format="json").status_code == 200
    shop = {"shop_name": "Kedai Teh Medan"}
    assert stranger.put("/api/v1/me/client-profile/", shop, format="json").status_code == 200
    assert stranger.patch("/api/v1/me/", {"display_name": "Rina"}, format="json").status_code == 200

    headlines = dict(FreelancerProfile.objects.values_list("user__username", "headline"))
    shops = dict(ClientProfile.objects.values_list("user__username", "shop_name"))
    names = dict(User.objects.values_list("username", "display_name"))
    name = {actor: user.username for actor, user in world.users.items()}
    listed = "Ilustrator dan desainer logo untuk UMKM"
    assert headlines == {
        name[STRANGER]: "Penulis naskah iklan",
        name[FREELANCER]: listed,
        world.ids["gone_name"]: listed,
    }
    assert shops == {name[STRANGER]: "Kedai Teh Medan", name[CLIENT]: "Toko Kue Bu Siti"}
    assert names[name[STRANGER]] == "Rina"
    for actor in (CLIENT, FREELANCER, MODERATOR):
        assert names[name[actor]] == world.users[actor].display_name, actor


def item_ids(client: APIClient, query: str = "") -> list[int]:
    response = client.get("/api/v1/portfolio-items/" + query)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_a_portfolio_list_shows_one_owners_items(world):
    own = world.client(STRANGER).post(
        "/api/v1/portfolio-items/", {"title": "Poster konser"}, format="json"
    )
    assert own.status_code == 201
    stranger_item = own.json()["id"]

    mine = {actor: item_ids(world.client(actor)) for actor in ACTORS[1:]}
    assert mine == {
        STRANGER: [stranger_item],
        CLIENT: [],
        FREELANCER: [world.ids["item"]],
        MODERATOR: [],
    }
    for actor in ACTORS:
        client = world.client(actor)
        owner = f"?owner={world.ids['freelancer_name']}"
        assert item_ids(client, owner) == [world.ids["item"]], actor
        # A deactivated account's portfolio is empty for everyone, not an error.
        assert item_ids(client, f"?owner={world.ids['gone_name']}") == [], actor


@pytest.mark.django_db
def test_an_image_is_reachable_only_through_its_own_item(world):
    stranger = world.client(STRANGER)
    own = stranger.post("/api/v1/portfolio-items/", {"title": "Poster"}, format="json").json()
    wrong = f"/api/v1/portfolio-items/{own['id']}/images/{world.ids['image']}/"
    before = snapshot()

    for actor in ACTORS:
        response = world.client(actor).get(wrong)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), actor
    # The owner of the item in the address may not delete another item's image through it.
    response = stranger.delete(wrong)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert snapshot() == before


@pytest.mark.django_db
def test_public_profiles_show_no_email_address(world):
    emails = [user.email for user in User.objects.all()]
    ids = world.ids
    paths = [
        "/freelancers/",
        f"/freelancers/{ids['freelancer_name']}/",
        f"/clients/{ids['client_name']}/",
        f"/clients/{ids['freelancer_name']}/",
        f"/portfolio-items/?owner={ids['freelancer_name']}",
        f"/portfolio-items/{ids['item']}/",
    ]
    for actor in ACTORS:
        for path in paths:
            response = world.client(actor).get("/api/v1" + path)
            assert response.status_code == 200, (actor, path)
            text = response.content.decode()
            assert not [email for email in emails if email in text], (actor, path)


@pytest.mark.django_db
def test_a_token_logged_out_is_refused_afterwards(world):
    client = world.client(FREELANCER)
    assert client.post("/api/v1/auth/logout/").status_code == 204

    response = client.get("/api/v1/me/")

    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")
