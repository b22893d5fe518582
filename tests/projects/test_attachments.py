"""Files on gigs and in contract threads: what is accepted, what is refused, who may download."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Notification
from marketplace.storage import private_storage
from projects.models import ContractMessage, Gig, GigAttachment, GigInvitation, MessageAttachment
from tests.accounts.factories import UserFactory
from tests.conftest import client_for, english_client
from tests.projects.factories import ContractFactory, GigFactory
from tests.samples import PDF

# --- real, tiny files of each accepted kind --------------------------------------------------


def png_bytes() -> bytes:
    """A 1×1 white PNG: signature, IHDR, IDAT, IEND with their CRCs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # filter byte, then one pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """An 8×8 mid-grey baseline JPEG: one block whose DC and AC are both empty."""
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    quant = b"\xff\xdb\x00\x43\x00" + b"\x01" * 64
    frame = b"\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00"
    # One Huffman code ("0") per table: DC category 0, and AC end-of-block.
    dc_table = b"\xff\xc4\x00\x14\x00" + b"\x01" + b"\x00" * 15 + b"\x00"
    ac_table = b"\xff\xc4\x00\x14\x10" + b"\x01" + b"\x00" * 15 + b"\x00"
    scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x3f"  # bits 0,0 then 1-padding
    return b"\xff\xd8" + app0 + quant + frame + dc_table + ac_table + scan + b"\xff\xd9"


def office_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Brief logo toko kue</w:t></w:r></w:p></w:body></w:document>"
)
DOCX = office_bytes({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": DOCUMENT})
TEXT = "Warna: krem dan cokelat. Huruf: bulat, ramah. Ukuran: 1080×1080.\n".encode()

ACCEPTED = [
    ("brief.pdf", PDF, "application/pdf"),
    ("contoh.png", png_bytes(), "image/png"),
    ("foto toko.jpg", jpeg_bytes(), "image/jpeg"),
    (
        "brief.docx",
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("catatan.txt", TEXT, "text/plain"),
]

UNSUPPORTED = (
    "Files of this type are not accepted. Allowed: csv, docx, gif, jpeg, jpg, pdf, "
    "png, pptx, txt, webp, xlsx."
)
REFUSED = [
    (
        "gambar.pdf",
        png_bytes(),
        "The file's content is not a valid .pdf file.",
        "Content does not match the file type.",
    ),
    (
        "catatan.png",
        TEXT,
        "The file's content is not a valid .png file.",
        "Content does not match the file type.",
    ),
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", UNSUPPORTED, "Unsupported file type."),
    (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        UNSUPPORTED,
        "Unsupported file type.",
    ),
    (
        "halaman.html",
        b"<html><script>alert(1)</script></html>",
        UNSUPPORTED,
        "Unsupported file type.",
    ),
    ("tanpa-ekstensi", TEXT, UNSUPPORTED, "Unsupported file type."),
    (
        "latin1.txt",
        "Kafe di Bandung: caf\u00e9".encode("latin-1"),
        "The file's content is not a valid .txt file.",
        "Content does not match the file type.",
    ),
    (
        "biner.txt",
        b"teks\x00dengan nol",
        "The file's content is not a valid .txt file.",
        "Content does not match the file type.",
    ),
    (
        "lembar.docx",
        office_bytes({"[Content_Types].xml": CONTENT_TYPES, "xl/book.xml": "<x/>"}),
        "The file's content is not a valid .docx file.",
        "Content does not match the file type.",
    ),
    (
        "rusak.docx",
        b"PK\x03\x04 not really a zip",
        "The file's content is not a valid .docx file.",
        "Content does not match the file type.",
    ),
]


@pytest.fixture(autouse=True)
def _fresh_storage(settings):
    # Changing STORAGES gives each test its own empty in-memory storage, so "nothing stored"
    # is not confused by another test's files.
    settings.STORAGES = {**settings.STORAGES}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored(prefix: str) -> list[str]:
    """The files kept in storage under ``prefix`` (tests store in memory)."""
    try:
        _dirs, files = private_storage().listdir(prefix)
    except FileNotFoundError:
        return []
    return files


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def post_file(client, gig: Gig, name: str, content: bytes):
    return client.post(
        f"/api/v1/gigs/{gig.pk}/attachments/", {"file": upload(name, content)}, format="multipart"
    )


# --- gig attachments -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type"), ACCEPTED, ids=[case[0] for case in ACCEPTED]
)
def test_owner_attaches_an_accepted_file(name, content, content_type):
    gig = GigFactory()

    response = post_file(client_for(gig.client), gig, name, content)

    assert response.status_code == 201, response.json()
    attachment = GigAttachment.objects.get(gig=gig)
    assert response.json() == {
        "id": attachment.pk,
        "name": name.replace(" ", "_"),
        "content_type": content_type,
        "size": len(content),
    }
    assert attachment.file.name.startswith(f"gigs/{gig.pk}/")
    assert name.rsplit(".", 1)[0] not in attachment.file.name  # stored under a random name
    with attachment.file.open("rb") as stored_file:
        assert stored_file.read() == content
    detail = client_for(gig.client).get(f"/api/v1/gigs/{gig.pk}/").json()
    assert detail["attachments"] == [response.json()]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message", "field_message"), REFUSED, ids=[case[0] for case in REFUSED]
)
def test_file_of_a_refused_type_or_content_is_refused_and_not_stored(
    name, content, message, field_message
):
    gig = GigFactory()

    response = post_file(client_for(gig.client), gig, name, content)

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": message,
        "fields": {"files": [field_message]},
    }
    assert GigAttachment.objects.count() == 0
    assert stored(f"gigs/{gig.pk}") == []


@pytest.mark.django_db
def test_empty_file_is_refused_and_not_stored():
    gig = GigFactory()

    response = post_file(client_for(gig.client), gig, "kosong.txt", b"")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["file"]  # the upload's own field: `file`
    assert GigAttachment.objects.count() == 0
    assert stored(f"gigs/{gig.pk}") == []


@pytest.mark.django_db
def test_file_over_the_size_cap_is_refused_and_one_at_the_cap_accepted(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    gig = GigFactory()
    owner = client_for(gig.client)

    too_big = post_file(owner, gig, "besar.txt", b"a" * (1024 * 1024 + 1))

    # Refused while it streamed in, at the first byte past the cap: 413, nothing kept.
    message = "The file “besar.txt” is larger than 1 MB. Upload a smaller or compressed file."
    assert too_big.status_code == 413
    assert too_big.json() == {
        "code": "file_too_large",
        "message": message,
        "fields": {"file": [message]},
    }
    assert GigAttachment.objects.count() == 0
    assert stored(f"gigs/{gig.pk}") == []

    at_cap = post_file(owner, gig, "pas.txt", b"a" * (1024 * 1024))
    assert at_cap.status_code == 201
    assert at_cap.json()["size"] == 1024 * 1024


@pytest.mark.django_db
def test_upload_without_a_file_is_refused():
    gig = GigFactory()

    response = client_for(gig.client).post(
        f"/api/v1/gigs/{gig.pk}/attachments/", {}, format="multipart"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["file"]
    assert GigAttachment.objects.count() == 0


@pytest.mark.django_db
def test_sixth_file_on_a_gig_is_a_conflict():
    gig = GigFactory()
    owner = client_for(gig.client)
    for number in range(5):
        assert post_file(owner, gig, f"brief-{number}.pdf", PDF).status_code == 201

    response = post_file(owner, gig, "brief-6.pdf", PDF)

    assert response.status_code == 409
    assert response.json() == {
        "code": "too_many_files",
        "message": "A gig has at most 5 files.",
        "fields": {},
    }
    assert GigAttachment.objects.filter(gig=gig).count() == 5
    assert len(stored(f"gigs/{gig.pk}")) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Gig.Status.AWARDED, Gig.Status.CANCELLED, Gig.Status.COMPLETED])
def test_files_cannot_be_added_once_the_gig_is_awarded_or_closed(status):
    gig = GigFactory(status=status)

    response = post_file(client_for(gig.client), gig, "brief.pdf", PDF)

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert GigAttachment.objects.count() == 0
    assert stored(f"gigs/{gig.pk}") == []


@pytest.mark.django_db
def test_only_the_owner_may_attach_files():
    gig = GigFactory()

    stranger = post_file(client_for(UserFactory()), gig, "brief.pdf", PDF)
    anonymous = post_file(english_client(), gig, "brief.pdf", PDF)

    assert stranger.status_code == 404
    assert anonymous.status_code == 401
    assert GigAttachment.objects.count() == 0


@pytest.mark.django_db
def test_owner_can_attach_to_a_draft():
    gig = GigFactory(status=Gig.Status.DRAFT, published_at=None)

    assert post_file(client_for(gig.client), gig, "brief.pdf", PDF).status_code == 201


def _attached(gig: Gig, name: str = "Brief Logo (final).pdf", content: bytes = PDF) -> dict:
    response = post_file(client_for(gig.client), gig, name, content)
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.mark.django_db
def test_anyone_who_can_see_a_public_gig_downloads_its_file_as_an_attachment():
    gig = GigFactory()
    attachment = _attached(gig)
    url = f"/api/v1/gigs/{gig.pk}/attachments/{attachment['id']}/"

    for client in (english_client(), client_for(UserFactory()), client_for(gig.client)):
        response = client.get(url + "?download=1")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"] == 'attachment; filename="Brief_Logo_final.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert downloaded(response) == PDF


@pytest.mark.django_db
def test_text_file_is_still_served_as_a_download():
    gig = GigFactory()
    attachment = _attached(gig, "catatan.txt", TEXT)

    response = english_client().get(f"/api/v1/gigs/{gig.pk}/attachments/{attachment['id']}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="catatan.txt"'
    assert downloaded(response) == TEXT


@pytest.mark.django_db
def test_files_of_a_gig_you_cannot_see_are_not_found():
    draft = GigFactory(status=Gig.Status.DRAFT, published_at=None)
    private = GigFactory(visibility=Gig.Visibility.INVITE_ONLY)
    invited = UserFactory()
    GigInvitation.objects.create(gig=private, freelancer=invited)
    draft_file, private_file = _attached(draft), _attached(private)
    stranger = client_for(UserFactory())

    draft_url = f"/api/v1/gigs/{draft.pk}/attachments/{draft_file['id']}/"
    private_url = f"/api/v1/gigs/{private.pk}/attachments/{private_file['id']}/"
    assert stranger.get(draft_url).status_code == 404
    assert english_client().get(draft_url).status_code == 404
    assert stranger.get(private_url).status_code == 404
    assert english_client().get(private_url).status_code == 404
    assert client_for(draft.client).get(draft_url).status_code == 200
    assert client_for(invited).get(private_url).status_code == 200


@pytest.mark.django_db
def test_file_asked_for_under_another_gig_is_not_found():
    gig, other = GigFactory(), GigFactory()
    attachment = _attached(gig)

    response = english_client().get(f"/api/v1/gigs/{other.pk}/attachments/{attachment['id']}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_owner_removes_a_file(django_capture_on_commit_callbacks):
    gig = GigFactory()
    attachment = _attached(gig)
    stored_name = GigAttachment.objects.get().file.name
    url = f"/api/v1/gigs/{gig.pk}/attachments/{attachment['id']}/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(gig.client).delete(url)

    assert response.status_code == 204
    assert GigAttachment.objects.count() == 0
    assert not private_storage().exists(stored_name)
    assert english_client().get(url).status_code == 404


@pytest.mark.django_db
def test_deleting_a_draft_removes_its_stored_files(django_capture_on_commit_callbacks):
    gig = GigFactory(status=Gig.Status.DRAFT, published_at=None)
    _attached(gig, "a.pdf")
    _attached(gig, "b.txt", TEXT)
    assert len(stored(f"gigs/{gig.pk}")) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(gig.client).delete(f"/api/v1/gigs/{gig.pk}/")

    assert response.status_code == 204
    assert GigAttachment.objects.count() == 0
    assert stored(f"gigs/{gig.pk}") == []


@pytest.mark.django_db
def test_only_the_owner_removes_a_file():
    gig = GigFactory()
    attachment = _attached(gig)
    url = f"/api/v1/gigs/{gig.pk}/attachments/{attachment['id']}/"

    assert client_for(UserFactory()).delete(url).status_code == 404
    assert english_client().delete(url).status_code == 401
    assert GigAttachment.objects.count() == 1


@pytest.mark.django_db
def test_files_cannot_be_removed_once_the_gig_is_awarded():
    gig = GigFactory()
    attachment = _attached(gig)
    Gig.objects.filter(pk=gig.pk).update(status=Gig.Status.AWARDED)

    response = client_for(gig.client).delete(
        f"/api/v1/gigs/{gig.pk}/attachments/{attachment['id']}/"
    )

    assert response.status_code == 409
    assert GigAttachment.objects.count() == 1


# --- files in a contract's thread ------------------------------------------------------------


def post_message(client, contract, body: str, files: list[SimpleUploadedFile]):
    data: dict = {"body": body}
    if files:
        data["files"] = files
    return client.post(f"/api/v1/contracts/{contract.pk}/messages/", data, format="multipart")


@pytest.mark.django_db
def test_message_with_several_files_and_a_body():
    contract = ContractFactory()
    freelancer = client_for(contract.freelancer)

    response = post_message(
        freelancer,
        contract,
        "Konsep pertama terlampir.",
        [upload("konsep 1.pdf", PDF), upload("konsep-2.png", png_bytes()), upload("n.txt", TEXT)],
    )

    assert response.status_code == 201, response.json()
    message = ContractMessage.objects.get()
    assert message.body == "Konsep pertama terlampir."
    assert message.sender == contract.freelancer
    attachments = list(MessageAttachment.objects.filter(message=message).order_by("id"))
    assert response.json()["attachments"] == [
        {
            "id": attachments[0].pk,
            "name": "konsep_1.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
        },
        {
            "id": attachments[1].pk,
            "name": "konsep-2.png",
            "content_type": "image/png",
            "size": len(png_bytes()),
        },
        {"id": attachments[2].pk, "name": "n.txt", "content_type": "text/plain", "size": len(TEXT)},
    ]
    assert all(a.file.name.startswith(f"contracts/{contract.pk}/messages/") for a in attachments)
    thread = client_for(contract.client).get(f"/api/v1/contracts/{contract.pk}/messages/").json()
    assert thread["results"][0]["attachments"] == response.json()["attachments"]
    assert Notification.objects.filter(recipient=contract.client).count() == 1


@pytest.mark.django_db
def test_message_with_only_files_is_noticed_in_the_recipients_language():
    contract = ContractFactory(
        bid__gig__client__preferred_language="en", bid__freelancer__preferred_language="id"
    )

    from_client = post_message(client_for(contract.client), contract, "", [upload("a.pdf", PDF)])
    from_freelancer = post_message(
        client_for(contract.freelancer), contract, "", [upload("b.pdf", PDF)]
    )

    assert from_client.status_code == 201, from_client.json()
    assert from_client.json()["body"] == ""
    assert from_freelancer.status_code == 201, from_freelancer.json()
    client_name, freelancer_name = contract.client.public_name, contract.freelancer.public_name
    to_freelancer = Notification.objects.get(recipient=contract.freelancer)
    to_client = Notification.objects.get(recipient=contract.client)
    assert to_freelancer.body == f"{client_name}: (berkas)"
    assert to_client.body == f"{freelancer_name}: (files)"


@pytest.mark.django_db
def test_message_with_too_many_files_is_refused_and_nothing_written():
    contract = ContractFactory()

    response = post_message(
        client_for(contract.client),
        contract,
        "Enam berkas sekaligus.",
        [upload(f"berkas-{n}.pdf", PDF) for n in range(6)],
    )

    # The sixth file is refused as it starts to arrive: 413, and the five before it are gone.
    assert response.status_code == 413
    assert response.json() == {
        "code": "too_many_files",
        "message": "Send at most 5 file(s) at once.",
        "fields": {"files": ["Send at most 5 file(s) at once."]},
    }
    assert ContractMessage.objects.count() == 0
    assert MessageAttachment.objects.count() == 0
    assert stored(f"contracts/{contract.pk}/messages") == []
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_message_with_one_bad_file_is_refused_and_nothing_written():
    contract = ContractFactory()

    response = post_message(
        client_for(contract.client),
        contract,
        "Ini file-nya.",
        [upload("baik.pdf", PDF), upload("jahat.pdf", png_bytes())],
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "The file's content is not a valid .pdf file.",
        "fields": {"files": ["Content does not match the file type."]},
    }
    assert ContractMessage.objects.count() == 0
    assert MessageAttachment.objects.count() == 0
    assert stored(f"contracts/{contract.pk}/messages") == []
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_message_with_an_empty_file_is_refused_and_nothing_written():
    contract = ContractFactory()

    response = post_message(
        client_for(contract.client), contract, "Kosong.", [upload("kosong.txt", b"")]
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["files.0"]
    assert ContractMessage.objects.count() == 0


@pytest.mark.django_db
def test_parties_download_a_message_file_and_a_stranger_cannot():
    contract = ContractFactory()
    posted = post_message(
        client_for(contract.freelancer), contract, "Final.", [upload("Logo Final.pdf", PDF)]
    ).json()
    url = f"/api/v1/contracts/{contract.pk}/messages/attachments/{posted['attachments'][0]['id']}/"

    for party in (contract.client, contract.freelancer):
        response = client_for(party).get(url + "?download=1")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"] == 'attachment; filename="Logo_Final.pdf"'
        assert downloaded(response) == PDF

    assert client_for(UserFactory()).get(url).status_code == 404
    assert english_client().get(url).status_code == 401


@pytest.mark.django_db
def test_message_file_asked_for_under_another_contract_is_not_found():
    contract = ContractFactory()
    other = ContractFactory(bid__gig__client=contract.client)
    posted = post_message(
        client_for(contract.client), contract, "Brief.", [upload("brief.pdf", PDF)]
    ).json()

    response = client_for(contract.client).get(
        f"/api/v1/contracts/{other.pk}/messages/attachments/{posted['attachments'][0]['id']}/"
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_stranger_cannot_post_files_to_a_thread():
    contract = ContractFactory()

    response = post_message(client_for(UserFactory()), contract, "Halo", [upload("a.pdf", PDF)])

    assert response.status_code == 404
    assert ContractMessage.objects.count() == 0
    assert MessageAttachment.objects.count() == 0


@pytest.mark.django_db
def test_download_name_is_cleaned_and_keeps_non_ascii_letters():
    gig = GigFactory()
    attachment = _attached(gig, "Désain Kopi ☕ <final>.pdf")

    response = english_client().get(
        f"/api/v1/gigs/{gig.pk}/attachments/{attachment['id']}/?download=1"
    )

    assert attachment["name"] == "Désain_Kopi__final.pdf"
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''D%C3%A9sain_Kopi__final.pdf"
    )
    assert downloaded(response) == PDF
