"""Profile photos on the API: ``PUT/DELETE me/photo/`` and ``GET photos/{name}/``.

A photo is cleaned in the request (marketplace.images.clean_photo): a centred square of
PHOTO_SIDE pixels, re-encoded with no metadata. A refused file is a 400 with a message a person
can act on, and leaves everything as it was: the earlier photo, and no stored file."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from accounts.models import User
from accounts.photos import photo_url
from accounts.services import user_photo_set
from tests.accounts.factories import UserFactory
from tests.accounts.test_portfolio import SVG, blank_png, encode, gps_exif, jpeg, photo
from tests.conftest import client_for, english_client

pytestmark = pytest.mark.django_db

ME_PHOTO = "/api/v1/me/photo/"


@pytest.fixture(autouse=True)
def _fresh_storage(settings):
    # A changed STORAGES setting makes Django build a new, empty in-memory storage.
    settings.STORAGES = {**settings.STORAGES}


def stored_photos() -> list[str]:
    try:
        _folders, files = default_storage.listdir("photos")
    except FileNotFoundError:
        return []
    return sorted(f"photos/{name}" for name in files)


def put(client, name: str, data: bytes, content_type: str = "image/jpeg"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.put(
            ME_PHOTO,
            {"photo": SimpleUploadedFile(name, data, content_type=content_type)},
            format="multipart",
        )


def delete(client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.delete(ME_PHOTO)


def fetch(url: str):
    response = english_client().get(url)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def test_a_phone_photo_becomes_a_clean_square_anyone_can_see():
    user = UserFactory()
    data = jpeg((640, 480), exif=gps_exif(orientation=6), quality=95)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the GPS really is there

    response = put(client_for(user), "IMG_0042.JPG", data)

    assert response.status_code == 200, response.json()
    user.refresh_from_db()
    url = response.json()["photo_url"]
    assert url == photo_url(user) == f"/api/v1/photos/{user.photo.name.split('/')[-1]}/"
    assert stored_photos() == [user.photo.name]
    assert "IMG_0042" not in user.photo.name
    served, body = fetch(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert served["Cache-Control"].startswith("public")
    cleaned = Image.open(io.BytesIO(body))
    cleaned.load()
    assert (cleaned.format, cleaned.size) == ("JPEG", (256, 256))
    assert dict(cleaned.getexif()) == {}
    assert b"GarapPhone" not in body
    assert b"Exif\x00\x00" not in body


def test_a_new_photo_replaces_the_old_one_and_its_url():
    user = UserFactory()
    client = client_for(user)
    first = put(client, "a.png", encode(photo((300, 200)), "PNG"), "image/png").json()
    second = put(client, "b.webp", encode(photo((200, 300)), "WEBP"), "image/webp")

    assert second.status_code == 200
    user.refresh_from_db()
    assert stored_photos() == [user.photo.name]  # the first file is gone
    assert user.photo.name.endswith(".webp")
    assert fetch(first["photo_url"])[0].status_code == 404
    served, body = fetch(second.json()["photo_url"])
    assert served["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(body)).size == (256, 256)


REFUSALS = {
    "text-named-png": (
        ("notes.png", b"Ini bukan gambar, hanya teks biasa.\n" * 20, "image/png"),
        "unsupported_image",
        "This file is not a JPEG, PNG or WebP image. Upload an image in one of those formats.",
    ),
    "svg": (
        ("logo.svg", SVG, "image/svg+xml"),
        "unsupported_image",
        "This file is not a JPEG, PNG or WebP image. Upload an image in one of those formats.",
    ),
    "png-named-jpg": (
        ("foto.jpg", encode(photo(), "PNG"), "image/jpeg"),
        "image_type_mismatch",
        "This file is a PNG image but its name ends in .jpg. Rename it to .png or export it again.",
    ),
    "truncated-jpeg": (
        ("foto.jpg", jpeg((200, 200))[:600], "image/jpeg"),
        "invalid_image",
        "The file is not a readable image. It may be damaged or only partly uploaded; export it "
        "again and retry.",
    ),
    "bomb": (
        ("poster.png", blank_png(20_000, 20_000), "image/png"),
        "image_too_big_dimensions",
        "The image is too large: it may be at most 4096 × 4096 pixels and 16 megapixels in all. "
        "Resize it and upload it again.",
    ),
    # Decoded whole (no reduced-scale decoding for PNG), so smaller than a JPEG may be.
    "large-png": (
        ("layar.png", blank_png(2100, 2100), "image/png"),
        "image_too_big_dimensions",
        "This PNG photo is too large: a PNG or WebP photo may have at most 4 megapixels. "
        "Resize it, or upload it as a JPEG.",
    ),
    # Stopped while it streams in, before the view (marketplace.upload_limits): a 413.
    "too-many-bytes": (
        ("foto.jpg", jpeg((400, 400), quality=95), "image/jpeg"),
        "file_too_large",
        "The file “foto.jpg” is larger than 4 KB. Upload a smaller or compressed file.",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_bad_file_is_refused_saying_what_to_do_and_nothing_changes(settings, case):
    (name, data, content_type), code, message = REFUSALS[case]
    user = UserFactory()
    client = client_for(user)
    assert put(client, "lama.jpg", jpeg((64, 64))).status_code == 200
    user.refresh_from_db()
    before = user.photo.name
    if case == "too-many-bytes":
        settings.IMAGE_MAX_BYTES = 4096
        assert len(data) > 4096

    response = put(client, name, data, content_type)

    assert response.status_code == (413 if case == "too-many-bytes" else 400), response.json()
    assert response.json()["code"] == code
    assert response.json()["fields"] == {"photo": [message]}
    user.refresh_from_db()
    assert user.photo.name == before
    assert stored_photos() == [before]


def test_a_large_jpeg_is_taken_decoded_at_a_reduced_scale():
    user = UserFactory()
    response = put(client_for(user), "kamera.jpg", jpeg((2400, 1800)))
    assert response.status_code == 200, response.json()
    _served, body = fetch(response.json()["photo_url"])
    assert Image.open(io.BytesIO(body)).size == (256, 256)


def test_an_upload_without_a_file_is_a_400():
    user = UserFactory()
    response = client_for(user).put(ME_PHOTO, {}, format="multipart")
    assert response.status_code == 400
    assert "photo" in response.json()["fields"]
    assert stored_photos() == []


def test_removing_the_photo_takes_it_down():
    user = UserFactory()
    client = client_for(user)
    url = put(client, "a.jpg", jpeg()).json()["photo_url"]

    response = delete(client)

    assert response.status_code == 200
    assert response.json() == {"photo_url": ""}
    assert User.objects.get(pk=user.pk).photo.name == ""
    assert stored_photos() == []
    assert fetch(url)[0].status_code == 404
    assert delete(client).status_code == 200  # nothing to remove: still fine


def test_anonymous_cannot_set_or_remove_a_photo():
    owner = UserFactory()
    user_photo_set(user=owner, upload=SimpleUploadedFile("a.jpg", jpeg()))
    owner.refresh_from_db()
    anonymous = english_client()

    refused = anonymous.put(
        ME_PHOTO, {"photo": SimpleUploadedFile("b.jpg", jpeg())}, format="multipart"
    )

    assert refused.status_code == 401
    assert anonymous.delete(ME_PHOTO).status_code == 401
    assert stored_photos() == [User.objects.get(pk=owner.pk).photo.name] == [owner.photo.name]


def test_someone_elses_request_changes_only_their_own_photo():
    owner, stranger = UserFactory(), UserFactory()
    user_photo_set(user=owner, upload=SimpleUploadedFile("a.jpg", jpeg()))
    owner.refresh_from_db()

    assert delete(client_for(stranger)).status_code == 200
    assert put(client_for(stranger), "s.jpg", jpeg()).status_code == 200

    assert User.objects.get(pk=owner.pk).photo.name == owner.photo.name
    assert fetch(photo_url(owner))[0].status_code == 200


def test_a_closed_accounts_photo_and_unknown_names_are_not_found():
    owner = UserFactory()
    user_photo_set(user=owner, upload=SimpleUploadedFile("a.jpg", jpeg()))
    owner.refresh_from_db()
    url = photo_url(owner)
    User.objects.filter(pk=owner.pk).update(is_active=False)

    for path in (url, "/api/v1/photos/../etc/", "/api/v1/photos/" + "0" * 32 + ".jpg/"):
        response = english_client().get(path)
        assert response.status_code == 404, path


def test_the_schema_documents_the_photo_upload():
    schema = english_client().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/me/photo/"]["put"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "400" in operation["responses"]
    assert "delete" in schema["paths"]["/api/v1/me/photo/"]
    assert "/api/v1/photos/{name}/" in schema["paths"]


def test_the_account_and_the_freelancer_answers_give_the_photo_url():
    from tests.pages.test_profile_pages import listed

    user = listed().user
    client = client_for(user)
    assert client.get("/api/v1/me/").json()["photo_url"] == ""
    url = put(client, "a.jpg", jpeg()).json()["photo_url"]

    assert client.get("/api/v1/me/").json()["photo_url"] == url
    public = english_client().get(f"/api/v1/freelancers/{user.username}/").json()
    assert public["photo_url"] == url
    listed_ = english_client().get("/api/v1/freelancers/").json()["results"]
    assert [row["photo_url"] for row in listed_] == [url]


def test_a_photo_whose_file_the_storage_lost_is_not_found():
    owner = UserFactory()
    user_photo_set(user=owner, upload=SimpleUploadedFile("a.jpg", jpeg()))
    owner.refresh_from_db()
    default_storage.delete(owner.photo.name)

    response = english_client().get(photo_url(owner))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
