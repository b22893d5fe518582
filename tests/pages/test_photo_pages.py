"""The profile photo page (/settings/photo/) and the avatar shown wherever a person is named
where a hire is decided: the freelancer's profile, the directory, the bid cards, the contract."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.models import User
from accounts.photos import photo_url
from accounts.services import user_photo_set
from tests.accounts.factories import UserFactory
from tests.accounts.test_portfolio import jpeg
from tests.pages.conftest import assert_login_redirect, browser
from tests.pages.test_profile_pages import listed
from tests.projects.factories import BidFactory, GigFactory

pytestmark = pytest.mark.django_db

PAGE = "/settings/photo/"
REMOVE = "/settings/photo/remove/"


@pytest.fixture(autouse=True)
def _fresh_storage(settings):
    settings.STORAGES = {**settings.STORAGES}


def stored_photos() -> list[str]:
    try:
        return sorted(f"photos/{name}" for name in default_storage.listdir("photos")[1])
    except FileNotFoundError:
        return []


def with_photo(user: User) -> User:
    user_photo_set(user=user, upload=SimpleUploadedFile("wajah.jpg", jpeg((120, 90))))
    user.refresh_from_db()
    return user


def post(client, path: str, data: dict):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(path, data)


def test_the_page_has_its_name_for_the_settings_pages_to_link():
    assert reverse("profile-photo") == PAGE
    assert reverse("profile-photo-remove") == REMOVE


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("path", [PAGE, REMOVE])
def test_anonymous_visitors_are_sent_to_log_in(method, path):
    response = getattr(browser(), method)(path)
    assert_login_redirect(response, path)
    assert stored_photos() == []


def test_without_a_photo_the_page_shows_the_initials_and_an_upload_form():
    user = UserFactory(display_name="Siti Rahayu")

    response = browser(user).get(PAGE)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'role="img" aria-label="Photo of Siti Rahayu">SR</span>' in body
    assert 'enctype="multipart/form-data"' in body
    assert 'accept="image/jpeg,image/png,image/webp"' in body
    assert 'data-preview="photo-preview"' in body  # garap.js previews the chosen file
    assert REMOVE not in body  # nothing to remove


def test_uploading_a_photo_saves_it_and_shows_it():
    user = UserFactory()
    photo = SimpleUploadedFile("wajah.jpg", jpeg((300, 200)), content_type="image/jpeg")

    client = browser(user)

    response = post(client, PAGE, {"photo": photo})

    assert response.status_code == 302
    assert response["Location"] == PAGE
    user.refresh_from_db()
    assert stored_photos() == [user.photo.name]
    page = client.get(PAGE).content.decode()
    assert "Your photo is saved." in page
    assert f'src="{photo_url(user)}"' in page
    assert f'href="{REMOVE}"' in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "surat.pdf",
            b"%PDF-1.4 bukan foto" * 20,
            "This file is not a JPEG, PNG or WebP image. Upload an image in one of those formats.",
        ),
        (
            "wajah.png",
            jpeg(),
            "This file is a JPEG image but its name ends in .png. Rename it to .jpg or export "
            "it again.",
        ),
    ],
)
def test_a_bad_file_comes_back_on_the_form_and_nothing_changes(name, data, message):
    user = with_photo(UserFactory())
    before = user.photo.name

    response = post(browser(user), PAGE, {"photo": SimpleUploadedFile(name, data)})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.get(pk=user.pk).photo.name == before
    assert stored_photos() == [before]


def test_sending_no_file_says_to_choose_one():
    user = UserFactory()
    response = post(browser(user), PAGE, {})
    assert response.status_code == 400
    assert "Choose a photo to upload." in response.content.decode()
    assert stored_photos() == []


def test_removing_asks_first_then_removes():
    user = with_photo(UserFactory())
    url = photo_url(user)

    client = browser(user)
    asked = client.get(REMOVE)
    assert asked.status_code == 200
    assert "Remove your photo?" in asked.content.decode()
    assert User.objects.get(pk=user.pk).photo.name  # asking removed nothing

    response = post(client, REMOVE, {})

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert User.objects.get(pk=user.pk).photo.name == ""
    assert stored_photos() == []
    assert browser().get(url).status_code == 404
    assert "Your photo is removed." in client.get(PAGE).content.decode()


def test_a_signed_in_stranger_only_ever_reaches_their_own_photo():
    owner, stranger = with_photo(UserFactory()), UserFactory()

    assert post(browser(stranger), REMOVE, {}).status_code == 302

    assert User.objects.get(pk=owner.pk).photo.name == owner.photo.name
    assert stored_photos() == [owner.photo.name]
    assert browser(stranger).get(REMOVE)["Location"] == PAGE  # nothing of theirs to remove


def test_the_photo_is_shown_on_the_profile_directory_bid_card_and_contract(contract):
    freelancer = with_photo(listed(user=contract.freelancer).user)
    src = f'src="{photo_url(freelancer)}"'
    gig = GigFactory()
    BidFactory(gig=gig, freelancer=freelancer)

    pages = {
        "profile": browser().get(f"/freelancers/{freelancer.username}/"),
        "directory": browser().get("/freelancers/"),
        "bid card": browser(gig.client).get(f"/gigs/{gig.pk}/"),
        "contract": browser(contract.client).get(f"/contracts/{contract.pk}/"),
    }

    for name, response in pages.items():
        assert response.status_code == 200, name
        assert src in response.content.decode(), name
    profile = pages["profile"].content.decode()
    assert f'alt="Photo of {freelancer.public_name}"' in profile  # alone: it is named
    # Beside the name on a card it is decorative.
    assert f'{src} alt=""' in pages["bid card"].content.decode()
    # The client has no photo: their initials, hidden from screen readers (the name is there).
    client = contract.client
    assert f'aria-hidden="true">{client.initials}</span>' in pages["contract"].content.decode()
