"""Identity checks (KYC): the NIK's structure, submitting with cleaned private images, Finance
deciding in the admin (audited, never their own), withdrawals refused until approved with the
ledger untouched, the images deleted after the retention period, and who may see what."""

import io
import time
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import ModeratorAction, Notification
from accounts.roles import FINANCE, ensure_role_groups
from accounts.staff_policy import StaffIsParty
from marketplace.errors import DomainError
from payments.models import Entry, IdentityCheck, LedgerTransaction, Withdrawal
from payments.nik import nik_birth_date, nik_problem
from payments.services.identity import (
    identity_approve,
    identity_images_expire,
    identity_reject,
    identity_submit,
)
from payments.services.withdrawals import withdrawal_request
from payments.tasks import expire_identity_images
from tests.accounts.factories import UserFactory
from tests.admin.helpers import act_with_form
from tests.conftest import client_for
from tests.payments.factories import NIK, IdentityCheckFactory, verified
from tests.projects.factories import top_up
from tests.races import row_lock, within

TODAY = date(2026, 12, 7)
API = "/api/v1/me/identity/"
A = ModeratorAction.Action
WITHDRAWAL = {
    "amount": 60_000,
    "method": "bank",
    "bank_code": "BCA",
    "account_number": "1234567890",
    "holder_name": "Siti Aminah",
}


def jpeg(name: str = "ktp.jpg", exif: bool = True) -> SimpleUploadedFile:
    image = Image.effect_noise((40, 30), 64).convert("RGB")
    out = io.BytesIO()
    params = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make: what the cleaning must strip
        params["exif"] = data.tobytes()
    image.save(out, "JPEG", **params)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def submit(user, **overrides):
    values = {
        "legal_name": "Siti Aminah",
        "nik": NIK,
        "ktp_image": jpeg(),
        "selfie_image": jpeg("selfie.jpg"),
        **overrides,
    }
    return identity_submit(user=user, **values)


@pytest.fixture
def finance(db):
    ensure_role_groups()
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=FINANCE))
    return staff


def ledger_rows() -> tuple[int, int]:
    return LedgerTransaction.objects.count(), Entry.objects.count()


# --- the NIK -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "problem"),
    [
        (NIK, None),
        ("3174041208900003", None),  # the same man's: day 12 without the 40
        ("317404520890003", "digits"),
        ("31740452089000a3", "digits"),
        ("1074045208900003", "province"),
        ("9574045208900003", "province"),
        ("2274045208900003", "province"),  # no province 22
        ("3100045208900003", "regency"),
        ("3174005208900003", "regency"),
        ("3174043208900003", "birth_date"),  # 32 August
        ("3174047208900003", "birth_date"),  # 72 - 40 = 32
        ("3174043102900003", "birth_date"),  # 31 February
        ("3174040812260003", "birth_date"),  # 8 December 2026: tomorrow
        ("3174040101150003", "age"),  # 11 years old
        ("3174045208900000", "sequence"),
    ],
)
def test_the_nik_structure(nik, problem):
    assert nik_problem(nik, today=TODAY) == problem


def test_a_womans_birth_day_has_40_added_and_the_century_is_the_latest_past_one():
    assert nik_birth_date(NIK, today=TODAY) == date(1990, 8, 12)
    assert nik_birth_date("3174040101050001", today=TODAY) == date(2005, 1, 1)


# --- submitting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_submitting_stores_cleaned_images_privately():
    user = UserFactory()
    check = submit(user)
    assert check.status == IdentityCheck.Status.PENDING
    with check.ktp_image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.format == "JPEG"
        assert not image.getexif()  # the phone's metadata is gone
    assert check.ktp_image.name.startswith("identity/")
    assert "ktp" not in check.ktp_image.name  # a random name, not the upload's
    with pytest.raises(ValueError, match="private file"):
        check.selfie_image.url  # noqa: B018 - no public URL exists


@pytest.mark.django_db
def test_a_bad_nik_or_a_non_image_stores_nothing():
    user = UserFactory()
    with pytest.raises(DomainError, match="province") as refused:
        submit(user, nik="1074045208900003")
    assert refused.value.fields == {"nik": [refused.value.message]}
    text = SimpleUploadedFile("ktp.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(DomainError) as refused:
        submit(user, ktp_image=text)
    assert refused.value.code == "unsupported_image"
    assert IdentityCheck.objects.count() == 0


@pytest.mark.django_db
def test_one_pending_at_a_time_and_a_rejected_one_may_be_submitted_again(finance):
    user = UserFactory()
    first = submit(user)
    with pytest.raises(DomainError) as refused:
        submit(user)
    assert refused.value.code == "identity_pending"
    identity_reject(check_id=first.pk, staff=finance, reason="Foto KTP buram")
    second = submit(user)
    identity_approve(check_id=second.pk, staff=finance)
    with pytest.raises(DomainError) as refused:
        submit(user)
    assert refused.value.code == "identity_approved"


# --- deciding -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approving_and_rejecting_are_audited_and_told(finance):
    approved, rejected = submit(UserFactory()), submit(UserFactory())
    identity_approve(check_id=approved.pk, staff=finance)
    identity_approve(check_id=approved.pk, staff=finance)  # a repeat is a no-op
    identity_reject(check_id=rejected.pk, staff=finance, reason="Wajah tidak terlihat")
    actions = list(
        ModeratorAction.objects.order_by("id").values_list("action", "target_id", "reason")
    )
    assert actions == [
        (A.APPROVE_IDENTITY, approved.pk, ""),
        (A.REJECT_IDENTITY, rejected.pk, "Wajah tidak terlihat"),
    ]
    kinds = dict(Notification.objects.values_list("recipient_id", "kind"))
    assert kinds == {approved.user_id: "identity_approved", rejected.user_id: "identity_rejected"}
    rejected.refresh_from_db()
    assert rejected.rejection_reason == "Wajah tidak terlihat"
    assert rejected.decided_by == finance


@pytest.mark.django_db
def test_finance_never_decides_their_own_and_the_attempt_is_recorded(finance):
    own = submit(finance)
    with pytest.raises(StaffIsParty):
        identity_approve(check_id=own.pk, staff=finance)
    own.refresh_from_db()
    assert own.status == IdentityCheck.Status.PENDING
    assert list(ModeratorAction.objects.values_list("action", flat=True)) == [A.REFUSED_AS_PARTY]


@pytest.mark.django_db
def test_only_finance_decides():
    check = submit(UserFactory())
    plain_staff = UserFactory(is_staff=True)
    with pytest.raises(DomainError, match="finance staff"):
        identity_approve(check_id=check.pk, staff=plain_staff)


# --- withdrawals need it ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", [None, "pending", "rejected"])
def test_a_withdrawal_without_an_approved_identity_is_refused_and_moves_nothing(state):
    user = UserFactory()
    top_up(user, 100_000)
    if state:
        IdentityCheckFactory(user=user, status=state)
    before = ledger_rows()
    response = client_for(user).post("/api/v1/wallet/withdrawals/", WITHDRAWAL, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "identity_not_verified"
    assert "Verify your identity" in response.json()["message"]
    assert ledger_rows() == before
    assert Withdrawal.objects.count() == 0


@pytest.mark.django_db
def test_an_approved_identity_lets_money_leave():
    user = verified(UserFactory())
    top_up(user, 100_000)
    withdrawal = withdrawal_request(user=user, **WITHDRAWAL)
    assert withdrawal.status == Withdrawal.Status.REQUESTED


# --- retention ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_images_are_deleted_after_the_retention_period_once_decided(
    finance, settings, django_capture_on_commit_callbacks
):
    settings.KYC_IMAGE_RETENTION_DAYS = 30
    waiting = submit(UserFactory())
    old, recent = submit(UserFactory()), submit(UserFactory())
    identity_approve(check_id=old.pk, staff=finance)
    identity_reject(check_id=recent.pk, staff=finance, reason="Buram")
    IdentityCheck.objects.filter(pk=old.pk).update(decided_at=timezone.now() - timedelta(days=31))
    old.refresh_from_db()
    storage, name = old.ktp_image.storage, old.ktp_image.name
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_identity_images() == 1
    assert not storage.exists(name)
    old.refresh_from_db()
    assert (old.ktp_image.name, old.selfie_image.name) == ("", "")
    assert old.images_deleted_at is not None
    for kept in (waiting, recent):
        kept.refresh_from_db()
        assert kept.ktp_image.storage.exists(kept.ktp_image.name)
    assert identity_images_expire(now=timezone.now()) == 0  # twice is harmless


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_retention_sweep_passes_a_check_held_elsewhere_and_deletes_it_next_run(
    finance, settings
):
    """A check whose row another transaction holds does not stall the sweep's worker: the
    others' images go now, its own on the next run."""
    settings.KYC_IMAGE_RETENTION_DAYS = 30
    held, other = submit(UserFactory()), submit(UserFactory())
    for check in (held, other):
        identity_approve(check_id=check.pk, staff=finance)
    IdentityCheck.objects.update(decided_at=timezone.now() - timedelta(days=31))
    held.refresh_from_db()
    storage, name = held.ktp_image.storage, held.ktp_image.name

    with row_lock(held) as holder:
        started = time.monotonic()
        assert within(10, expire_identity_images, unblock=holder.rollback) == 1
        assert time.monotonic() - started < 5
        assert storage.exists(name)
        held.refresh_from_db()
        assert held.images_deleted_at is None
        other.refresh_from_db()
        assert other.images_deleted_at is not None

    assert expire_identity_images() == 1  # the next run: the row is free
    assert not storage.exists(name)
    held.refresh_from_db()
    assert (held.ktp_image.name, held.selfie_image.name) == ("", "")
    assert expire_identity_images() == 0


def test_the_sweep_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "payments.expire_identity_images" in tasks


# --- the API by who asks ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_by_who_asks(finance):
    owner, stranger = UserFactory(), UserFactory()
    IdentityCheckFactory(user=owner, status="rejected", rejection_reason="Buram")
    assert Client().get(API).status_code == 401
    assert Client().post(API, {}).status_code == 401
    mine = client_for(owner).get(API)
    assert mine.status_code == 200
    assert mine.json()["status"] == "rejected"
    assert mine.json()["rejection_reason"] == "Buram"
    assert mine.json()["nik_last_digits"] == NIK[-4:]
    assert "ktp_image" not in mine.json()
    # A stranger (and a Finance moderator) sees only their own: none.
    assert client_for(stranger).get(API).json()["status"] == "none"
    assert client_for(finance).get(API).json()["status"] == "none"
    body = {
        "legal_name": "Siti Aminah",
        "nik": NIK,
        "ktp_image": jpeg(),
        "selfie_image": jpeg("selfie.jpg"),
    }
    created = client_for(owner).post(API, body, format="multipart")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "pending"
    again = client_for(owner).post(
        API, {**body, "ktp_image": jpeg(), "selfie_image": jpeg("s.jpg")}, format="multipart"
    )
    assert again.status_code == 409
    bad = client_for(stranger).post(
        API,
        {**body, "nik": "0000000000000000", "ktp_image": jpeg(), "selfie_image": jpeg("s.jpg")},
        format="multipart",
    )
    assert bad.status_code == 400
    assert "nik" in bad.json()["fields"]


# --- the admin and the images by who asks --------------------------------------------------------


def browser(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_images_and_the_admin_by_who_asks(finance):
    owner = UserFactory()
    check = submit(owner)
    image_url = f"/admin/payments/identitycheck/{check.pk}/image/ktp/"
    page_url = f"/admin/payments/identitycheck/{check.pk}/change/"
    plain_staff = UserFactory(is_staff=True)
    for who in (None, UserFactory(), owner):  # anonymous, a stranger, the owner
        for url in (image_url, page_url, "/admin/payments/identitycheck/"):
            response = browser(who).get(url)
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")
    for url in (image_url, page_url):
        assert browser(plain_staff).get(url).status_code in (403, 404)
    shown = browser(finance).get(image_url)
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/jpeg"
    assert "no-store" in shown["Cache-Control"]
    page = browser(finance).get(page_url)
    assert page.status_code == 200
    assert image_url.encode() in page.content
    assert (
        browser(finance).get(f"/admin/payments/identitycheck/{check.pk}/image/other/").status_code
        == 404
    )


@pytest.mark.django_db
def test_finance_approves_and_rejects_in_the_admin_but_not_their_own(finance):
    approve_me, reject_me, own = submit(UserFactory()), submit(UserFactory()), submit(finance)
    client = browser(finance)
    url = "/admin/payments/identitycheck/"
    act_with_form(client, url, "approve", [approve_me])
    act_with_form(client, url, "reject", [reject_me], reason="Buram")
    act_with_form(client, url, "approve", [own])
    states = dict(IdentityCheck.objects.values_list("pk", "status"))
    assert states == {approve_me.pk: "approved", reject_me.pk: "rejected", own.pk: "pending"}
