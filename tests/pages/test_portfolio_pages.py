"""A freelancer's portfolio on the web (accounts/pages/portfolio.py): the list to manage it,
adding and editing a piece with an image checked by the API's own service, reordering without
JavaScript, deleting after a confirmation — and the gallery on the public profile.

Who may do what: anonymous visitors are sent to log in; someone without a freelancer profile is
refused (403) with the offer to write one; another freelancer gets the 404 of an item that does
not exist, and nothing changes for any of them.
"""

from __future__ import annotations

import io
from html import escape

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from accounts.models import PortfolioImage, PortfolioItem
from accounts.services import (
    freelancer_profile_update,
    portfolio_image_add,
    portfolio_item_create,
)
from accounts.services.portfolio import portfolio_image_process
from marketplace.storage import private_storage
from tests.accounts.factories import UserFactory
from tests.accounts.test_portfolio import jpeg
from tests.pages.conftest import assert_login_redirect, browser
from tests.projects.factories import CategoryFactory, SkillFactory

pytestmark = pytest.mark.django_db

MANAGE = "/settings/portfolio/"
ADD = "/settings/portfolio/add/"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
NOT_AN_IMAGE = (
    "This file is not a JPEG, PNG or WebP image. Upload an image in one of those formats."
)


@pytest.fixture(autouse=True)
def _fresh_storage(settings):
    # A changed STORAGES setting gives each test a new, empty in-memory storage.
    settings.STORAGES = {**settings.STORAGES}


def png(name: str = "karya.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def freelancer(**fields):
    fields.setdefault("preferred_language", "en")
    user = UserFactory(**fields)
    freelancer_profile_update(user=user, headline="Desainer logo untuk UMKM", skill_ids=[])
    return user


def piece(owner, title: str = "Logo kedai kopi", images: int = 1) -> PortfolioItem:
    item = portfolio_item_create(owner=owner, title=title, description="Untuk Kopi Senja.")
    for n in range(images):
        image = portfolio_image_add(item_id=item.pk, owner=owner, upload=png(f"{n}.png"))
        portfolio_image_process(image_id=image.pk)  # the worker's half, run here
    return item


def stored(folder: str = "portfolio") -> list[str]:
    """Every cleaned image file under ``folder``, in any owner's subfolder."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return files + [f for sub in folders for f in stored(f"{folder}/{sub}")]


def uploads() -> list[str]:
    try:
        return private_storage().listdir("incoming/portfolio")[1]
    except FileNotFoundError:
        return []


def snapshot() -> list:
    return [
        list(
            PortfolioItem.objects.order_by("pk").values_list(
                "pk", "owner_id", "title", "description", "link", "category_id", "position"
            )
        ),
        list(PortfolioImage.objects.order_by("pk").values_list("pk", "item_id", "status")),
        list(PortfolioItem.skills.through.objects.order_by("pk").values_list("pk", "skill_id")),
        sorted(stored()),
        sorted(uploads()),
    ]


def form(**overrides) -> dict:
    return {
        "title": "Kemasan keripik pedas",
        "description": "Desain kemasan untuk UMKM di Malang.",
        "category": "",
        "link": "",
        **overrides,
    }


def order(owner) -> list[str]:
    return list(
        PortfolioItem.objects.filter(owner=owner)
        .order_by("position", "id")
        .values_list("title", flat=True)
    )


def routes(item: PortfolioItem) -> list[tuple[str, str, dict]]:
    """Every management route for ``item``, with a body that would change something."""
    image = item.images.first()
    base = f"/settings/portfolio/{item.pk}/"
    return [
        ("get", MANAGE, {}),
        ("get", ADD, {}),
        ("post", ADD, form()),
        ("get", base, {}),
        ("post", base, form(title="Diubah orang lain")),
        ("get", f"{base}delete/", {}),
        ("post", f"{base}delete/", {}),
        ("post", f"{base}move/", {"direction": "up"}),
        ("get", f"{base}images/{image.pk}/delete/", {}),
        ("post", f"{base}images/{image.pk}/delete/", {}),
    ]


# --- who may -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in():
    owner = freelancer()
    item = piece(owner)
    piece(owner, "Menu warung")
    before = snapshot()

    for method, path, body in routes(item):
        assert_login_redirect(getattr(browser(), method)(path, body), path)

    assert snapshot() == before


def test_someone_without_a_freelancer_profile_is_offered_to_write_one():
    owner = freelancer()
    item = piece(owner)
    piece(owner, "Menu warung")
    client_only = UserFactory(preferred_language="en")  # never wrote a headline
    before = snapshot()

    for method, path, body in routes(item):
        response = getattr(browser(client_only), method)(path, body)
        assert response.status_code == 403, (method, path)
        body_text = response.content.decode()
        assert "Write your freelancer profile first" in body_text
        assert 'href="/settings/#profile"' in body_text

    assert snapshot() == before


def test_another_freelancer_cannot_see_change_move_or_delete_an_item():
    owner, stranger = freelancer(), freelancer()
    item = piece(owner)
    piece(owner, "Menu warung")
    before = snapshot()

    for method, path, body in routes(item):
        if path in (MANAGE, ADD):
            continue  # their own list and form: nothing of the owner's there
        response = getattr(browser(stranger), method)(path, body)
        assert response.status_code == 404, (method, path)
        missing = path.replace(f"/{item.pk}/", "/999999/")
        assert getattr(browser(stranger), method)(missing, body).status_code == 404

    assert snapshot() == before
    theirs = browser(stranger).get(MANAGE).content.decode()
    assert "Logo kedai kopi" not in theirs


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_ones_pieces_in_order_with_thumbnails_and_states():
    owner = freelancer()
    first = piece(owner, "Logo kedai kopi")
    second = piece(owner, "Menu warung", images=0)
    pending = portfolio_image_add(item_id=second.pk, owner=owner, upload=png("baru.png"))
    PortfolioItem.objects.filter(pk=second.pk).update(removed_at=timezone.now())

    response = browser(owner).get(MANAGE)

    assert response.status_code == 200
    body = response.content.decode()
    assert [i.pk for i in response.context["items"]] == [first.pk, second.pk]
    image = first.images.get()
    assert f'src="/api/v1/portfolio-items/{first.pk}/images/{image.pk}/"' in body
    assert f"/images/{pending.pk}/" not in body  # not cleaned yet: no thumbnail of it
    assert "Image being prepared" in body
    assert "Removed by a moderator: only you see it" in body
    assert escape("Move “Menu warung” up") in body
    assert escape("Move “Logo kedai kopi” down") in body
    assert escape("Move “Logo kedai kopi” up") not in body  # the first has no "up"
    assert f'href="/settings/portfolio/{first.pk}/delete/"' in body


def test_an_empty_list_offers_to_add_the_first_piece():
    body = browser(freelancer()).get(MANAGE).content.decode()
    assert "Add your first piece" in body
    assert f'href="{ADD}"' in body


def test_the_list_is_in_indonesian_for_an_indonesian_reader():
    owner = freelancer(preferred_language="id")
    piece(owner)
    response = browser(owner, language="id").get(MANAGE)
    assert response.status_code == 200
    assert '<html lang="id">' in response.content.decode()


# --- adding and editing --------------------------------------------------------------------------


def test_adding_a_piece_with_an_image(django_capture_on_commit_callbacks):
    owner = freelancer()
    client = browser(owner)
    category = CategoryFactory(name_en="Design")
    skill = SkillFactory(category=category)
    assert client.get(ADD).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):  # the worker cleans the image
        response = client.post(
            ADD,
            form(
                category=category.pk,
                skills=[skill.pk],
                link="https://www.behance.net/siti",
                image=png(),
            ),
        )

    item = PortfolioItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{MANAGE}#item-{item.pk}"
    assert (item.owner, item.title, item.description, item.category, item.link) == (
        owner,
        "Kemasan keripik pedas",
        "Desain kemasan untuk UMKM di Malang.",
        category,
        "https://www.behance.net/siti",
    )
    assert list(item.skills.all()) == [skill]
    image = item.images.get()
    assert image.status == PortfolioImage.Status.READY
    assert len(stored()) == 1
    assert uploads() == []
    listed = client.get(MANAGE).content.decode()
    assert escape("“Kemasan keripik pedas” is added to your portfolio.") in listed
    assert f"/api/v1/portfolio-items/{item.pk}/images/{image.pk}/" in listed


@pytest.mark.parametrize(
    ("name", "data"),
    [("logo.svg", SVG), ("logo.png", SVG), ("logo.png", b"Ini bukan gambar.\n" * 20)],
)
def test_a_bad_image_is_refused_on_its_field_and_nothing_is_saved(name, data):
    owner = freelancer()
    item = piece(owner)
    before = snapshot()
    bad = SimpleUploadedFile(name, data, content_type="image/png")

    added = browser(owner).post(ADD, form(image=bad))
    bad.seek(0)
    edited = browser(owner).post(
        f"/settings/portfolio/{item.pk}/", form(title="Judul baru", image=bad)
    )

    for response in (added, edited):
        assert response.status_code == 400
        assert response.context["form"].errors["image"] == [NOT_AN_IMAGE]
        body = response.content.decode()
        assert "data-error-summary" in body  # the summary at the top of the form
        assert escape("Judul baru" if response is edited else "Kemasan keripik pedas") in body
    assert snapshot() == before  # no item, no title change, no image, no file


def test_a_second_image_and_a_misnamed_one_on_edit(django_capture_on_commit_callbacks):
    owner = freelancer()
    item = piece(owner)
    url = f"/settings/portfolio/{item.pk}/"
    before = snapshot()

    misnamed = browser(owner).post(url, form(image=png("foto.jpg")))

    assert misnamed.status_code == 400
    assert misnamed.context["form"].errors["image"] == [
        "This file is a PNG image but its name ends in .jpg. Rename it to .png or export it again."
    ]
    assert snapshot() == before
    with django_capture_on_commit_callbacks(execute=True):
        saved = browser(owner).post(url, form(title="Logo kedai kopi (baru)", image=png("b.png")))
    assert saved.status_code == 302
    assert saved["Location"] == url
    item.refresh_from_db()
    assert item.title == "Logo kedai kopi (baru)"
    assert item.images.filter(status=PortfolioImage.Status.READY).count() == 2


def test_a_picture_damaged_past_its_header_is_shown_failed_with_its_reason(
    django_capture_on_commit_callbacks,
):
    owner = freelancer()
    item = piece(owner, images=0)
    data = jpeg((200, 200), quality=95)
    cut = data[: len(data) // 2]  # the header is whole: the request accepts it
    truncated = SimpleUploadedFile("foto.jpg", cut, content_type="image/jpeg")
    url = f"/settings/portfolio/{item.pk}/"

    with django_capture_on_commit_callbacks(execute=True):  # the worker finds the damage
        saved = browser(owner).post(url, form(title="Foto produk", image=truncated))

    assert saved.status_code == 302  # its header passed: the request accepted it
    image = item.images.get()
    assert image.status == PortfolioImage.Status.FAILED
    page = browser(owner).get(url).content.decode()
    assert "Could not be used" in page
    assert "The file is not a readable image." in page
    assert f"/images/{image.pk}/delete/" in page
    assert "An image could not be used" in browser(owner).get(MANAGE).content.decode()
    public = browser().get(f"/freelancers/{owner.username}/").content.decode()
    assert f"/images/{image.pk}/" not in public


def test_editing_a_piece_changes_what_is_given():
    owner = freelancer()
    category = CategoryFactory()
    skill = SkillFactory(category=category)
    item = piece(owner)
    item.skills.set([skill])
    page = browser(owner).get(f"/settings/portfolio/{item.pk}/")
    assert page.status_code == 200
    assert page.context["form"]["title"].value() == "Logo kedai kopi"
    assert page.context["form"]["skills"].value() == [skill.pk]

    response = browser(owner).post(
        f"/settings/portfolio/{item.pk}/",
        form(title="Logo Kopi Senja", description="", category=category.pk, link="kopisenja.id"),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.description, item.category, item.link) == (
        "Logo Kopi Senja",
        "",
        category,
        "https://kopisenja.id",
    )
    assert list(item.skills.all()) == []  # every box unticked


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "Dua\nbaris"}, "title"),
        ({"link": "https://wa.me/6281234567890"}, "link"),
        ({"link": "bukan alamat"}, "link"),
        ({"category": "999999"}, "category"),
    ],
)
def test_a_bad_field_is_shown_by_the_field_and_nothing_is_saved(overrides, field):
    owner = freelancer()
    item = piece(owner)
    before = snapshot()

    added = browser(owner).post(ADD, form(**overrides))
    edited = browser(owner).post(f"/settings/portfolio/{item.pk}/", form(**overrides))

    for response in (added, edited):
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert "Nothing was saved. Check the fields marked below." in response.content.decode()
    assert snapshot() == before


def test_a_piece_with_the_most_images_offers_no_more():
    owner = freelancer()
    item = piece(owner, images=PortfolioItem.MAX_IMAGES)
    page = browser(owner).get(f"/settings/portfolio/{item.pk}/")
    assert "image" not in page.context["form"].fields
    assert "This piece has the most images it may: 8." in page.content.decode()


# --- deleting ------------------------------------------------------------------------------------


def test_deleting_a_piece_asks_first(django_capture_on_commit_callbacks):
    owner = freelancer()
    item = piece(owner, images=2)
    other = piece(owner, "Menu warung")
    url = f"/settings/portfolio/{item.pk}/delete/"

    asked = browser(owner).get(url)

    assert asked.status_code == 200
    body = asked.content.decode()
    assert escape("Delete “Logo kedai kopi”?") in body
    assert "The piece and its 2 images are deleted for good." in body
    assert f'action="{url}"' in body
    assert PortfolioItem.objects.filter(pk=item.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser(owner).post(url)
    assert response.status_code == 302
    assert response["Location"] == MANAGE
    assert list(PortfolioItem.objects.values_list("pk", flat=True)) == [other.pk]
    assert len(stored()) == 1  # the deleted piece's two files are gone, the other's kept


def test_deleting_an_image_asks_first(django_capture_on_commit_callbacks):
    owner = freelancer()
    item = piece(owner, images=2)
    first, second = item.images.order_by("position")
    url = f"/settings/portfolio/{item.pk}/images/{first.pk}/delete/"

    asked = browser(owner).get(url)

    assert asked.status_code == 200
    assert "Delete this image?" in asked.content.decode()
    assert item.images.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = browser(owner).post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/settings/portfolio/{item.pk}/#images"
    assert list(item.images.values_list("pk", flat=True)) == [second.pk]
    # An image of another of one's own items is not found under this one.
    other = piece(owner, "Menu warung")
    foreign = other.images.get()
    wrong = f"/settings/portfolio/{item.pk}/images/{foreign.pk}/delete/"
    assert browser(owner).post(wrong).status_code == 404
    assert other.images.count() == 1


# --- reordering ----------------------------------------------------------------------------------


def test_moving_pieces_up_and_down_without_javascript():
    owner = freelancer()
    a, b, c = (piece(owner, title, images=0) for title in ("A", "B", "C"))
    client = browser(owner)

    def move(item, direction):
        return client.post(f"/settings/portfolio/{item.pk}/move/", {"direction": direction})

    response = move(c, "up")
    assert response.status_code == 302
    assert response["Location"] == f"{MANAGE}#item-{c.pk}"
    assert order(owner) == ["A", "C", "B"]
    move(a, "down")
    assert order(owner) == ["C", "A", "B"]
    assert escape("“A” moved down.") in client.get(MANAGE).content.decode()
    move(c, "up")  # already first: stays
    move(b, "down")  # already last: stays
    assert order(owner) == ["C", "A", "B"]
    assert move(a, "sideways").status_code == 400
    assert order(owner) == ["C", "A", "B"]
    # The API reads the same order.
    positions = list(
        PortfolioItem.objects.filter(owner=owner)
        .order_by("position")
        .values_list("position", flat=True)
    )
    assert positions == [0, 1, 2]


# --- the public side -----------------------------------------------------------------------------


def test_the_profile_shows_a_gallery_linking_to_each_piece():
    owner = freelancer()
    item = piece(owner, images=2)
    bare = piece(owner, "Menu warung", images=0)
    visitor = browser(UserFactory(preferred_language="en"))

    body = visitor.get(f"/freelancers/{owner.username}/").content.decode()

    first = item.images.order_by("position").first()
    assert f'href="/freelancers/{owner.username}/portfolio/{item.pk}/"' in body
    assert f'href="/freelancers/{owner.username}/portfolio/{bare.pk}/"' in body
    assert f'src="/api/v1/portfolio-items/{item.pk}/images/{first.pk}/"' in body
    assert body.count(f"/api/v1/portfolio-items/{item.pk}/images/") == 1  # a thumbnail only
    assert "2 images" in body
    assert "Manage your portfolio" not in body
    own = browser(owner).get(f"/freelancers/{owner.username}/").content.decode()
    assert f'href="{MANAGE}"' in own
    assert "Manage your portfolio" in own

    detail = visitor.get(f"/freelancers/{owner.username}/portfolio/{item.pk}/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Logo kedai kopi" in page
    assert "Untuk Kopi Senja." in page
    for image in item.images.all():
        assert f'src="/api/v1/portfolio-items/{item.pk}/images/{image.pk}/"' in page
    assert "Edit this piece" not in page
    assert "Edit this piece" in browser(owner).get(detail.request["PATH_INFO"]).content.decode()


def test_a_piece_is_found_only_under_its_owners_name():
    owner, other = freelancer(), freelancer()
    item = piece(owner, images=0)
    removed = piece(owner, "Dihapus moderator", images=0)
    PortfolioItem.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    visitor = browser()

    assert (
        visitor.get(f"/freelancers/{owner.username.upper()}/portfolio/{item.pk}/").status_code
        == 200
    )
    assert visitor.get(f"/freelancers/{other.username}/portfolio/{item.pk}/").status_code == 404
    assert visitor.get(f"/freelancers/{owner.username}/portfolio/999999/").status_code == 404
    assert visitor.get(f"/freelancers/{owner.username}/portfolio/{removed.pk}/").status_code == 404
    own = browser(owner).get(f"/freelancers/{owner.username}/portfolio/{removed.pk}/")
    assert own.status_code == 200
    assert "Removed by a moderator: only you see it" in own.content.decode()


def test_an_empty_portfolio_invites_its_owner_and_is_neutral_for_others():
    owner = freelancer()
    path = f"/freelancers/{owner.username}/"

    own = browser(owner).get(path).content.decode()
    other = browser(UserFactory(preferred_language="en")).get(path).content.decode()
    anonymous = browser().get(path).content.decode()

    assert "Add your first piece" in own
    assert f'href="{ADD}"' in own
    assert "No portfolio pieces yet." not in own
    for body in (other, anonymous):
        assert "No portfolio pieces yet." in body
        assert "Add your first piece" not in body
        assert ADD not in body


# --- cost ----------------------------------------------------------------------------------------


def _queries(path_of, items: int, viewer_is_owner: bool) -> int:
    owner = freelancer()
    skills = SkillFactory.create_batch(2)
    category = CategoryFactory()
    for n in range(items):
        item = PortfolioItem.objects.create(
            owner=owner, title=f"Karya {n}", position=n, category=category
        )
        item.skills.set(skills)
        for m in range(2):
            PortfolioImage.objects.create(
                item=item,
                image=f"portfolio/{owner.pk}/{n}-{m}.png",
                content_type="image/png",
                width=640,
                height=480,
                size=100,
                position=m,
            )
    client = browser(owner if viewer_is_owner else UserFactory())
    path = path_of(owner)
    client.get(path)  # the session's first request may write it
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer_is_owner", [True, False])
def test_the_profile_costs_the_same_with_1_or_20_pieces(viewer_is_owner):
    def path(owner):
        return f"/freelancers/{owner.username}/"

    assert _queries(path, 1, viewer_is_owner) == _queries(path, 20, viewer_is_owner)


def test_the_list_to_manage_costs_the_same_with_1_or_20_pieces():
    def path(owner):
        return MANAGE

    assert _queries(path, 1, True) == _queries(path, 20, True)
