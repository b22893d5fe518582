"""Request bodies are capped before and while they are read: an oversized upload is refused
with a 413 having read nothing (a Content-Length over the cap) or no more than the limit (a
file that grows past its size as it streams in), and nothing beyond the limit ever reaches
the temporary folder. Every upload endpoint, API and pages; and per-account upload limits.

The bodies are real multipart bodies, read by Django from a WSGI input stream that records
how much was read and how large the temporary folder grew at each read."""

from __future__ import annotations

import gc
import io
from pathlib import Path

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from accounts.models import PortfolioImage, PortfolioItem
from projects.models import ContractMessage, Delivery, GigAttachment, MessageAttachment
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.pages.conftest import browser
from tests.projects.factories import ContractFactory, GigFactory, top_up

pytestmark = pytest.mark.django_db
KB, MB = 1024, 1024 * 1024
CHUNK = 64 * KB  # how much Django reads at a time


class WatchedBody(io.BytesIO):
    """A WSGI input that counts what the server read of it and, at every read, how many bytes
    the temporary upload folder held."""

    def __init__(self, data: bytes, temp_dir: Path) -> None:
        super().__init__(data)
        self.temp_dir = temp_dir
        self.read_bytes = 0
        self.most_in_temp = 0

    def _watch(self, chunk: bytes) -> bytes:
        self.read_bytes += len(chunk)
        in_temp = sum(p.stat().st_size for p in self.temp_dir.rglob("*") if p.is_file())
        self.most_in_temp = max(self.most_in_temp, in_temp)
        return chunk

    def read(self, size: int | None = -1) -> bytes:
        return self._watch(super().read(size))

    def readline(self, size: int | None = -1) -> bytes:
        return self._watch(super().readline(size))


def text(size: int) -> bytes:
    return (b"baris teks biasa\n" * (size // 17 + 1))[:size]


class NamedBytes(io.BytesIO):
    def __init__(self, name: str, data: bytes) -> None:
        super().__init__(data)
        self.name = name


def send(client, path: str, fields: dict, temp_dir: Path, *, chunked: bool = False):
    """POST ``fields`` (files as (name, bytes)) as one real multipart body; the response, and
    the body stream for what was read."""
    data = {
        key: [NamedBytes(n, b) for n, b in value] if isinstance(value, list) else value
        for key, value in fields.items()
    }
    body = encode_multipart(BOUNDARY, data)
    stream = WatchedBody(body, temp_dir)
    extra = {"wsgi.input": stream, "CONTENT_TYPE": MULTIPART_CONTENT}
    if chunked:
        extra["HTTP_TRANSFER_ENCODING"] = "chunked"
    else:
        extra["CONTENT_LENGTH"] = str(len(body))
    # The body goes in as the WSGI input: the client's own data argument stays empty.
    return client.generic("POST", path, b"", content_type=MULTIPART_CONTENT, **extra), stream


@pytest.fixture
def temp_dir(settings, tmp_path) -> Path:
    folder = tmp_path / "upload-temp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.STORAGES = {**settings.STORAGES}  # a fresh in-memory storage per test
    return folder


@pytest.fixture
def small_limits(settings):
    """1 MB files: a message or a delivery takes 5 MB + 256 KB, an image 1 MB + 256 KB."""
    settings.ATTACHMENT_MAX_BYTES = 1 * MB
    settings.IMAGE_MAX_BYTES = 1 * MB


def funded_milestone():
    from projects.services.milestones import milestone_fund

    contract = ContractFactory()
    top_up(contract.client, 200_000)
    return milestone_fund(milestone_id=contract.milestones.get().pk, actor=contract.client)


def endpoint(kind: str):
    """(client, path, file field, other fields, rows that must stay absent) for one endpoint."""
    if kind == "portfolio-image":
        owner = UserFactory()
        item = PortfolioItem.objects.create(owner=owner, title="Logo")
        return (
            client_for(owner),
            f"/api/v1/portfolio-items/{item.pk}/images/",
            "image",
            {},
            [PortfolioImage],
        )
    if kind == "gig-attachment":
        gig = GigFactory()
        return (
            client_for(gig.client),
            f"/api/v1/gigs/{gig.pk}/attachments/",
            "file",
            {},
            [GigAttachment],
        )
    if kind in ("message", "message-page"):
        contract = ContractFactory()
        if kind == "message":
            client, path = client_for(contract.client), f"/api/v1/contracts/{contract.pk}/messages/"
        else:
            client, path = browser(contract.client), f"/contracts/{contract.pk}/messages/"
        return (
            client,
            path,
            "files",
            {"body": "Ini berkasnya."},
            [
                ContractMessage,
                MessageAttachment,
            ],
        )
    milestone = funded_milestone()
    freelancer = milestone.contract.freelancer
    if kind == "delivery":
        client, path = client_for(freelancer), f"/api/v1/milestones/{milestone.pk}/submit/"
    else:
        client, path = browser(freelancer), f"/milestones/{milestone.pk}/submit/"
    return client, path, "files", {"note": "Selesai."}, [Delivery]


ENDPOINTS = ["portfolio-image", "gig-attachment", "message", "delivery", "message-page",
             "delivery-page"]  # fmt: skip
CAPS = {  # the body cap of each with 1 MB files
    "portfolio-image": 1 * MB + 256 * KB,
    "gig-attachment": 1 * MB + 256 * KB,
    "message": 5 * MB + 256 * KB,
    "delivery": 5 * MB + 256 * KB,
    "message-page": 5 * MB + 256 * KB,
    "delivery-page": 5 * MB + 256 * KB,
}


@pytest.mark.parametrize("kind", ENDPOINTS)
def test_a_body_declared_over_the_cap_is_refused_unread(temp_dir, small_limits, kind):
    client, path, field, fields, models = endpoint(kind)
    size = CAPS[kind] + 1 * MB
    name = "foto.jpg" if field == "image" else "besar.txt"

    response, body = send(client, path, {**fields, field: [(name, text(size))]}, temp_dir)

    assert response.status_code == 413
    assert body.read_bytes == 0  # not a byte of it was read
    assert body.most_in_temp == 0
    assert all(not model.objects.exists() for model in models)
    if kind.endswith("-page"):
        page = response.content.decode()
        assert "Too much to upload at once" in page
        assert "at most 5 file(s) of 1 MB each" in page
    else:
        body_json = response.json()
        assert body_json["code"] == "request_too_large"
        assert body_json["fields"] == {field: [body_json["message"]]}
        assert "Send fewer or smaller files." in body_json["message"]


@pytest.mark.parametrize("kind", ["message", "delivery", "message-page", "delivery-page"])
def test_a_file_growing_past_its_size_is_stopped_as_it_streams_in(settings, temp_dir, kind):
    # Within the body's cap (5 × 3 MB), but one file of 8 MB: Django streams it to the
    # temporary folder, and the reading stops at the first chunk past 3 MB.
    settings.ATTACHMENT_MAX_BYTES = 3 * MB
    client, path, field, fields, models = endpoint(kind)

    response, body = send(client, path, {**fields, field: [("video.txt", text(8 * MB))]}, temp_dir)

    assert response.status_code == 413
    assert body.most_in_temp <= 3 * MB + CHUNK
    assert body.read_bytes <= 3 * MB + 3 * CHUNK
    gc.collect()
    assert list(temp_dir.iterdir()) == []
    assert all(not model.objects.exists() for model in models)
    if not kind.endswith("-page"):
        message = "The file “video.txt” is larger than 3 MB. Upload a smaller or compressed file."
        assert response.json() == {
            "code": "file_too_large",
            "message": message,
            "fields": {"files": [message]},
        }


def test_an_image_growing_past_its_size_is_stopped_before_it_is_decoded(settings, temp_dir):
    settings.IMAGE_MAX_BYTES = 3 * MB
    client, path, field, _fields, _models = endpoint("portfolio-image")
    data = text(3 * MB + 128 * KB)  # the body is under the cap (3 MB + 256 KB), the file not

    response, body = send(client, path, {field: [("foto.jpg", data)]}, temp_dir)

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert body.most_in_temp <= 3 * MB + CHUNK
    assert not PortfolioImage.objects.exists()


def test_the_sixth_file_is_refused_before_it_is_read(temp_dir, small_limits):
    client, path, field, fields, models = endpoint("message")
    files = [(f"{n}.txt", text(800 * KB)) for n in range(6)]  # 4.7 MB: under the body cap

    response, body = send(client, path, {**fields, field: files}, temp_dir)

    assert response.status_code == 413
    assert response.json()["code"] == "too_many_files"
    assert body.read_bytes < 5 * 800 * KB + 3 * CHUNK  # stopped where the sixth began
    assert all(not model.objects.exists() for model in models)


@pytest.mark.parametrize("kind", ["gig-attachment", "message", "delivery-page"])
def test_a_chunked_upload_without_a_length_is_a_411_not_an_empty_upload(temp_dir, kind):
    client, path, field, fields, models = endpoint(kind)

    response, body = send(
        client, path, {**fields, field: [("a.txt", text(2 * MB))]}, temp_dir, chunked=True
    )

    assert response.status_code == 411
    assert body.read_bytes == 0
    assert all(not model.objects.exists() for model in models)
    if not kind.endswith("-page"):
        assert response.json()["code"] == "length_required"


def test_a_page_that_takes_no_files_refuses_them_unread(temp_dir):
    response, body = send(
        browser(),
        "/accounts/login/",
        {"username": "siapa", "password": "x", "cv": [("cv.txt", text(1 * MB))]},
        temp_dir,
    )

    assert response.status_code == 413
    assert "does not take files" in response.content.decode()
    assert body.most_in_temp == 0


def test_any_other_request_is_capped_at_request_max_bytes(temp_dir, settings, user):
    settings.REQUEST_MAX_BYTES = 4 * KB

    response = client_for(user).generic(
        "PATCH", "/api/v1/me/", '{"display_name": "' + "x" * 5000 + '"}', "application/json"
    )

    assert response.status_code == 413
    assert response.json()["message"] == "The request is larger than 4 KB. Send less at once."


# --- uploads per account ---------------------------------------------------------------------


def test_uploads_past_the_accounts_rate_are_a_429_with_when_to_retry(settings, temp_dir):
    settings.UPLOAD_THROTTLE_RATE = "2/hour"
    gig = GigFactory()
    owner = client_for(gig.client)
    path = f"/api/v1/gigs/{gig.pk}/attachments/"
    for n in range(2):
        response, _body = send(owner, path, {"file": [(f"{n}.txt", b"isi")]}, temp_dir)
        assert response.status_code == 201

    response, body = send(owner, path, {"file": [("3.txt", text(100 * KB))]}, temp_dir)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 3500 <= response.json()["retry_after"] <= 3600
    assert response["Retry-After"] == str(response.json()["retry_after"])
    assert body.read_bytes == 0  # refused before the body was read
    assert GigAttachment.objects.count() == 2
    # Per account: someone else uploads as usual; a text-only message is no upload.
    other = GigFactory()
    again, _ = send(client_for(other.client), f"/api/v1/gigs/{other.pk}/attachments/",
                    {"file": [("a.txt", b"isi")]}, temp_dir)  # fmt: skip
    assert again.status_code == 201


def test_uploads_from_the_pages_count_and_are_refused_with_a_page(settings, temp_dir):
    settings.UPLOAD_THROTTLE_RATE = "1/hour"
    client, path, field, fields, _models = endpoint("message-page")

    first, _ = send(client, path, {**fields, field: [("a.txt", b"isi")]}, temp_dir)
    second, body = send(client, path, {**fields, field: [("b.txt", b"isi")]}, temp_dir)

    assert first.status_code == 302
    assert second.status_code == 429
    assert "Too many uploads" in second.content.decode()
    assert 3500 <= int(second["Retry-After"]) <= 3600
    assert body.read_bytes == 0
    assert MessageAttachment.objects.count() == 1
