"""The disputes console in the admin: who may see and settle, the unanswered flag and the queue's
order, the console page, and settling through ``milestone_resolve`` (the escrow moves in
payments; a refused split changes nothing)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.models import ModeratorAction
from payments.models import Account, LedgerTransaction
from projects.models import Dispute, Milestone, RevisionRequest
from projects.selectors.moderation_disputes import dispute_console, dispute_timeline
from projects.services import milestones as services
from projects.services.contracts import message_post
from tests.accounts.factories import UserFactory
from tests.admin.helpers import assert_sent_to_login
from tests.projects.factories import ContractFactory, top_up
from tests.samples import PDF

A = ModeratorAction.Action
ROLES = ["moderator", "plain_staff", "superuser", "ordinary"]
ALLOWED = {"moderator", "superuser"}
CHANGELIST = "/admin/projects/dispute/"
NOTE = "Logo final terlampir: PNG transparan dan SVG."


def disputed(*, by: str = "client", files: bool = False) -> Dispute:
    """A Rp 120.000 milestone, funded (the client's wallet keeps Rp 80.000), delivered and
    disputed by ``by`` — all through the services."""
    contract = ContractFactory(bid__amount=120_000)
    top_up(contract.client, 200_000)
    milestone = services.milestone_fund(
        milestone_id=contract.milestones.get().pk, actor=contract.client
    )
    uploads = [SimpleUploadedFile("logo-final.pdf", PDF, content_type="application/pdf")]
    services.milestone_submit(
        milestone_id=milestone.pk,
        actor=contract.freelancer,
        note=NOTE,
        files=uploads if files else None,
    )
    opener = contract.client if by == "client" else contract.freelancer
    services.milestone_dispute(
        milestone_id=milestone.pk, actor=opener, reason="Logonya bukan vektor."
    )
    return Dispute.objects.select_related("milestone__contract").get(milestone=milestone)


def balance(reference: str) -> int:
    found = Account.objects.filter(reference=reference).values_list("balance", flat=True).first()
    return found or 0


def books(dispute: Dispute) -> dict[str, int]:
    contract = dispute.milestone.contract
    return {
        "client": balance(f"wallet:{contract.client_id}"),
        "escrow": balance(f"escrow:milestone:{dispute.milestone_id}"),
        "freelancer": balance(f"wallet:{contract.freelancer_id}"),
        "fees": balance("platform:fees"),
    }


def resolve(client, dispute: Dispute, **form):
    return client.post(f"{CHANGELIST}{dispute.pk}/change/", form)


# --- who may do what --------------------------------------------------------------------------


def test_the_split_may_be_typed_the_indonesian_way(as_role):
    dispute = disputed()

    response = resolve(
        as_role("moderator"), dispute, freelancer_amount="Rp 60.000", note="Separuh."
    )

    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.freelancer_amount) == ("resolved", 60_000)


@pytest.mark.parametrize("role", ROLES)
def test_resolve_by_role(as_role, role):
    dispute = disputed()
    before = books(dispute), LedgerTransaction.objects.count()

    response = resolve(as_role(role), dispute, freelancer_amount="60000", note="Separuh jadi.")

    dispute.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 302
        assert response["Location"] == CHANGELIST
        assert (dispute.status, dispute.freelancer_amount) == ("resolved", 60_000)
        assert Milestone.objects.get(pk=dispute.milestone_id).status == Milestone.Status.RESOLVED
        # Rp 60.000 to the freelancer less the 10 % fee; Rp 60.000 back to the client.
        assert books(dispute) == {
            "client": 140_000,
            "escrow": 0,
            "freelancer": 54_000,
            "fees": 6_000,
        }
        assert Counter(ModeratorAction.objects.values_list("action", "target_id")) == Counter(
            {(A.RESOLVE_DISPUTE, dispute.pk): 1}
        )
        return
    if role == "ordinary":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 403
    assert dispute.status == Dispute.Status.OPEN
    assert (books(dispute), LedgerTransaction.objects.count()) == before
    assert not ModeratorAction.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("moderator", 200), ("superuser", 200), ("plain_staff", 403), ("finance", 403)],
)
def test_console_pages_by_role(as_role, role, expected):
    dispute = disputed()
    client = as_role(role)

    assert client.get(CHANGELIST).status_code == expected
    assert client.get(f"{CHANGELIST}{dispute.pk}/change/").status_code == expected


def test_console_pages_send_ordinary_users_to_the_login(as_role):
    dispute = disputed()
    client = as_role("ordinary")

    assert_sent_to_login(client.get(CHANGELIST))
    assert_sent_to_login(client.get(f"{CHANGELIST}{dispute.pk}/change/"))


def test_nobody_adds_or_deletes_a_dispute(as_role):
    dispute = disputed()
    client = as_role("superuser")

    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{dispute.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Dispute.objects.filter(pk=dispute.pk).exists()


# --- settling ---------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["120001", "-1", "", "lima puluh"])
def test_an_amount_outside_the_milestone_is_shown_and_changes_nothing(as_role, amount):
    dispute = disputed()
    before = books(dispute), LedgerTransaction.objects.count()

    response = resolve(as_role("moderator"), dispute, freelancer_amount=amount, note="Separuh.")

    assert response.status_code == 200
    assert response.templates[0].name == "admin/projects/dispute/console.html"
    assert list(response.context["form"].errors) == ["freelancer_amount"]
    assert "Nothing was changed." in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN
    assert (books(dispute), LedgerTransaction.objects.count()) == before
    assert not ModeratorAction.objects.exists()


def test_a_split_needs_a_note(as_role):
    dispute = disputed()

    response = resolve(as_role("moderator"), dispute, freelancer_amount="120000", note=" ")

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["note"]
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.OPEN
    assert not ModeratorAction.objects.exists()


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        ("0", {"client": 200_000, "escrow": 0, "freelancer": 0, "fees": 0}),
        ("120000", {"client": 80_000, "escrow": 0, "freelancer": 108_000, "fees": 12_000}),
    ],
)
def test_the_whole_range_settles(as_role, share, expected):
    dispute = disputed()

    response = resolve(as_role("moderator"), dispute, freelancer_amount=share, note="Diputuskan.")

    assert response.status_code == 302
    assert books(dispute) == expected
    assert ModeratorAction.objects.filter(action=A.RESOLVE_DISPUTE).count() == 1


def test_settling_twice_moves_the_money_once(as_role):
    dispute = disputed()
    client = as_role("moderator")
    resolve(client, dispute, freelancer_amount="60000", note="Separuh.")
    after = books(dispute), LedgerTransaction.objects.count()

    again = resolve(client, dispute, freelancer_amount="120000", note="Semua.")

    assert again.status_code == 302
    assert (books(dispute), LedgerTransaction.objects.count()) == after
    assert ModeratorAction.objects.count() == 1
    assert Dispute.objects.get(pk=dispute.pk).freelancer_amount == 60_000


# --- the queue and its flag -------------------------------------------------------------------


def test_an_unanswered_dispute_is_listed_first(as_role, roles, settings, time_machine):
    settings.DISPUTE_RESPONSE_DAYS = 3
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    answered = disputed(by="client")  # the oldest
    time_machine.move_to(start + timedelta(hours=1), tick=False)
    silent = disputed(by="freelancer")
    time_machine.move_to(start + timedelta(hours=2), tick=False)
    # The opener writing again, or a moderator writing, is not an answer.
    message_post(
        contract_id=silent.milestone.contract_id,
        actor=silent.milestone.contract.freelancer,
        body="Mohon segera ditinjau.",
    )
    message_post(
        contract_id=silent.milestone.contract_id,
        actor=roles["moderator"],
        body="Kami sedang meninjau.",
    )
    message_post(
        contract_id=answered.milestone.contract_id,
        actor=answered.milestone.contract.freelancer,
        body="Saya kirim ulang dalam format SVG.",
    )
    time_machine.move_to(start + timedelta(days=3), tick=False)
    recent = disputed(by="client")
    time_machine.move_to(start + timedelta(days=4), tick=False)

    rows = list(dispute_console())

    assert rows == [silent, answered, recent]
    assert [row.unanswered for row in rows] == [True, False, False]
    html = as_role("moderator").get(CHANGELIST).content.decode()
    assert f"unanswered 3 days by {silent.milestone.contract.client.username}" in html


def test_a_young_silent_dispute_is_not_flagged(db, settings, time_machine):
    settings.DISPUTE_RESPONSE_DAYS = 3
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    dispute = disputed()

    time_machine.move_to(start + timedelta(days=3) - timedelta(minutes=1), tick=False)
    assert [row.unanswered for row in dispute_console()] == [False]
    time_machine.move_to(start + timedelta(days=3), tick=False)
    assert [row.unanswered for row in dispute_console()] == [True]

    Dispute.objects.filter(pk=dispute.pk).update(status=Dispute.Status.RESOLVED)
    assert [row.unanswered for row in dispute_console()] == [False]


def test_filters(as_role, settings, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    silent = disputed()
    time_machine.move_to(start + timedelta(days=5), tick=False)
    recent = disputed()
    client = as_role("moderator")

    def listed(query: str) -> list[int]:
        response = client.get(CHANGELIST + query)
        assert response.status_code == 200
        return [row.pk for row in response.context["cl"].result_list]

    assert listed("?unanswered=yes") == [silent.pk]
    assert listed("?unanswered=no") == [recent.pk]
    assert listed("?status__exact=open") == [silent.pk, recent.pk]
    assert listed(f"?q={recent.milestone.contract.client.username}") == [recent.pk]


# --- the console page -------------------------------------------------------------------------


def test_console_shows_the_case(as_role, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    dispute = disputed(by="client", files=True)
    contract = dispute.milestone.contract
    time_machine.move_to(start + timedelta(hours=1), tick=False)
    message_post(contract_id=contract.pk, actor=contract.freelancer, body="Sudah sesuai brief.")

    page = as_role("moderator").get(f"{CHANGELIST}{dispute.pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Logonya bukan vektor." in html
    assert "Sudah sesuai brief." in html
    assert NOTE in html
    [file] = dispute.milestone.deliveries.get().files.all()
    # Linked through the console's own permission-checked view, never a raw storage path.
    assert f'href="{CHANGELIST}{dispute.pk}/files/delivery/{file.pk}/"' in html
    assert file.file.name not in html
    assert "Rp 120.000" in html
    assert 'name="freelancer_amount"' in html
    # Typed as people write rupiah ("60.000"); the limit is in the help text and the field.
    assert 'inputmode="numeric"' in html


def test_a_settled_dispute_shows_no_form(as_role):
    dispute = disputed()
    client = as_role("moderator")
    resolve(client, dispute, freelancer_amount="60000", note="Separuh.")

    page = client.get(f"{CHANGELIST}{dispute.pk}/change/")

    assert page.status_code == 200
    assert 'name="freelancer_amount"' not in page.content.decode()


def test_timeline_tells_the_story_in_order(db, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    contract = ContractFactory(bid__amount=120_000)
    top_up(contract.client, 200_000)
    time_machine.move_to(start + timedelta(hours=1), tick=False)
    milestone = services.milestone_fund(
        milestone_id=contract.milestones.get().pk, actor=contract.client
    )
    time_machine.move_to(start + timedelta(hours=2), tick=False)
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)
    time_machine.move_to(start + timedelta(hours=3), tick=False)
    services.milestone_request_revision(
        milestone_id=milestone.pk, actor=contract.client, note="Warnanya kurang cerah."
    )
    time_machine.move_to(start + timedelta(hours=4), tick=False)
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)
    time_machine.move_to(start + timedelta(hours=5), tick=False)
    message_post(contract_id=contract.pk, actor=contract.client, body="Sebelum sengketa.")
    time_machine.move_to(start + timedelta(hours=6), tick=False)
    services.milestone_dispute(milestone_id=milestone.pk, actor=contract.client, reason="Buruk.")
    time_machine.move_to(start + timedelta(hours=7), tick=False)
    message_post(contract_id=contract.pk, actor=contract.freelancer, body="Saya tidak setuju.")
    dispute = Dispute.objects.get(milestone=milestone)

    with translation.override("en"):
        timeline = dispute_timeline(dispute)

    assert [when - start for when, _what in timeline] == [
        timedelta(0),
        *[timedelta(hours=h) for h in (1, 2, 3, 4, 6, 7)],
    ]
    whats = [what for _when, what in timeline]
    assert whats[0] == (
        f"Contract started: {contract.client.username} hired {contract.freelancer.username} "
        "for Rp 120.000."
    )
    assert whats[1] == f"The client funded “{milestone.title}”: Rp 120.000 held in escrow."
    assert whats[2] == "Delivery 1 by the freelancer, 0 file(s)."
    assert whats[3] == "The client asked for revision 1: Warnanya kurang cerah."
    assert whats[4] == "Delivery 2 by the freelancer, 0 file(s)."
    assert whats[5] == f"{contract.client.username} opened the dispute: Buruk."
    assert whats[6] == f"Message from {contract.freelancer.username}: Saya tidak setuju."


ASKED = "Logonya harus vektor, dan warnanya biru tua seperti di brief."


def revised_and_disputed() -> Dispute:
    """A milestone delivered, sent back once with ``ASKED``, delivered again and disputed."""
    contract = ContractFactory(bid__amount=120_000, bid__revisions_included=2)
    top_up(contract.client, 200_000)
    milestone = services.milestone_fund(
        milestone_id=contract.milestones.get().pk, actor=contract.client
    )
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)
    services.milestone_request_revision(
        milestone_id=milestone.pk, actor=contract.client, note=ASKED
    )
    services.milestone_submit(milestone_id=milestone.pk, actor=contract.freelancer, note=NOTE)
    services.milestone_dispute(milestone_id=milestone.pk, actor=contract.client, reason="Buruk.")
    return Dispute.objects.get(milestone=milestone)


def test_the_console_shows_the_revision_request_under_the_delivery_it_answers(as_role):
    dispute = revised_and_disputed()

    page = as_role("moderator").get(f"{CHANGELIST}{dispute.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Revision 1 of 2 asked by the client" in html
    assert html.count(ASKED) == 2  # under delivery 1, and in the timeline
    assert html.index("Delivery 1") < html.index(ASKED) < html.index("Delivery 2")


def test_a_request_made_before_requests_had_rows_is_read_from_its_notice(db):
    dispute = revised_and_disputed()
    RevisionRequest.objects.all().delete()  # as if asked before projects 0012 kept rows

    with translation.override("en"):
        whats = [what for _when, what in dispute_timeline(dispute)]

    # The notice's key holds the number; its body (in the freelancer's language) the note.
    [asked] = [what for what in whats if "revision" in what]
    assert asked.startswith("The client asked for revision 1: ")
    assert ASKED in asked


def test_staff_who_may_only_look_see_the_console_without_the_form(admin_client_for):
    viewer = UserFactory(username="viewer1", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_dispute", content_type__app_label="projects")
    )
    dispute = disputed()
    client = admin_client_for(viewer)

    page = client.get(f"{CHANGELIST}{dispute.pk}/change/")
    response = resolve(client, dispute, freelancer_amount="60000", note="Separuh.")

    assert page.status_code == 200
    assert 'name="freelancer_amount"' not in page.content.decode()
    assert response.status_code == 403
    assert Dispute.objects.get(pk=dispute.pk).status == Dispute.Status.OPEN
    assert not ModeratorAction.objects.exists()


# --- the console's files: through its own permission-checked view ----------------------------


def file_url(dispute: Dispute, kind: str, file_id: int) -> str:
    return f"{CHANGELIST}{dispute.pk}/files/{kind}/{file_id}/"


def test_the_console_serves_the_disputes_files_as_downloads(as_role):
    dispute = disputed(files=True)
    contract = dispute.milestone.contract
    attached = message_post(
        contract_id=contract.pk,
        actor=contract.client,
        body="Lihat catatan saya.",
        files=[SimpleUploadedFile("catatan.txt", b"<html><script>alert(1)</script></html>")],
    )
    [delivered] = dispute.milestone.deliveries.get().files.all()
    [attachment] = attached.attachments.all()
    moderator = as_role("moderator")

    page = moderator.get(f"{CHANGELIST}{dispute.pk}/change/").content.decode()
    for kind, stored, content in (
        ("delivery", delivered, PDF),
        ("message", attachment, b"<html><script>alert(1)</script></html>"),
    ):
        url = file_url(dispute, kind, stored.pk)
        assert f'href="{url}"' in page

        response = moderator.get(url)

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        # Never shown inline, whatever it contains: an uploaded page must not run here.
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert stored.original_name in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")


def test_the_console_keeps_the_files_of_a_removed_message(as_role):
    dispute = disputed()
    contract = dispute.milestone.contract
    message = message_post(
        contract_id=contract.pk,
        actor=contract.freelancer,
        body="Berkasnya.",
        files=[SimpleUploadedFile("bukti.pdf", PDF)],
    )
    message.removed_at = timezone.now()  # as a moderator's content removal leaves it
    message.save(update_fields=["removed_at"])
    [attachment] = message.attachments.all()

    response = as_role("moderator").get(file_url(dispute, "message", attachment.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("role", ["plain_staff", "ordinary"])
def test_only_who_may_view_the_console_gets_its_files(as_role, role):
    dispute = disputed(files=True)
    [delivered] = dispute.milestone.deliveries.get().files.all()

    response = as_role(role).get(file_url(dispute, "delivery", delivered.pk))

    if role == "ordinary":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 404
    assert not hasattr(response, "streaming_content")


def test_a_file_of_another_dispute_or_kind_is_not_found(as_role):
    first, second = disputed(files=True), disputed(files=True)
    [other] = second.milestone.deliveries.get().files.all()
    moderator = as_role("moderator")

    assert moderator.get(file_url(first, "delivery", other.pk)).status_code == 404
    assert moderator.get(file_url(first, "message", other.pk)).status_code == 404
    assert moderator.get(file_url(first, "kyc", other.pk)).status_code == 404
    assert moderator.get(file_url(second, "delivery", other.pk)).status_code == 200


def test_the_console_shows_the_evidence_before_the_form_that_settles(as_role):
    """A moderator reads the deliveries, their files, the revision asked, the thread and the
    timeline first: the settle form comes after all of it (and answers at its own place)."""
    dispute = revised_and_disputed()
    contract = dispute.milestone.contract
    message_post(
        contract_id=contract.pk,
        actor=contract.freelancer,
        body="Berkasnya saya lampirkan lagi di sini.",
        files=[SimpleUploadedFile("logo-lagi.pdf", PDF, content_type="application/pdf")],
    )

    page = as_role("moderator").get(f"{CHANGELIST}{dispute.pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    form = html.index('<form method="post" action="#settle"')
    evidence = [
        html.index("<h2>Deliveries</h2>"),
        html.index(ASKED),  # the revision request, under the delivery it answers
        html.index("<h2>Messages</h2>"),
        html.index("Berkasnya saya lampirkan lagi di sini."),
        html.index("logo-lagi.pdf"),  # a file in the thread
        html.index("<h2>Timeline</h2>"),
    ]
    assert evidence == sorted(evidence)
    assert max(evidence) < html.index("<h2>Settle the dispute</h2>") < form
