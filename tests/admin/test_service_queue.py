"""The service (jasa) moderation queue in the admin: who may see and act, the queue's order and
figures, approving and rejecting services through the services."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ModeratorAction
from projects.models import ContactHit, Service
from projects.selectors.moderation import service_moderation_queue
from tests.accounts.factories import UserFactory
from tests.admin.helpers import assert_sent_to_login
from tests.projects.factories import ServiceFactory, with_packages

A = ModeratorAction.Action
ROLES = ["moderator", "plain_staff", "finance", "superuser", "ordinary"]
ALLOWED = {"moderator", "superuser"}
CHANGELIST = "/admin/projects/service/"


def pending(**kwargs) -> Service:
    return with_packages(
        ServiceFactory(status=Service.Status.PENDING_REVIEW, published_at=None, **kwargs)
    )


def statuses(services) -> list[str]:
    return [Service.objects.get(pk=service.pk).status for service in services]


def audit() -> Counter:
    return Counter(ModeratorAction.objects.values_list("action", "target_id"))


def act(client, action: str, services, **form):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [s.pk for s in services], **form}
    )


@pytest.mark.parametrize("role", ROLES)
def test_approve_by_role(as_role, role):
    services = [pending(), pending()]

    response = act(as_role(role), "approve_selected", services)

    if role in ALLOWED:
        assert response.status_code == 302
        assert statuses(services) == ["live", "live"]
        assert audit() == Counter({(A.APPROVE_SERVICE, s.pk): 1 for s in services})
        return
    if role == "ordinary":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 403
    assert statuses(services) == ["pending_review", "pending_review"]
    assert not ModeratorAction.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_reject_by_role(as_role, role):
    services = [pending(), pending()]

    response = act(
        as_role(role),
        "reject_selected",
        services,
        apply="1",
        common_reason="unclear",
        reason="Sebutkan isi tiap paket.",
    )

    if role in ALLOWED:
        assert response.status_code == 302
        assert statuses(services) == ["rejected", "rejected"]
        assert audit() == Counter({(A.REJECT_SERVICE, s.pk): 1 for s in services})
        reasons = set(Service.objects.values_list("rejection_reason", flat=True))
        # The common reason in the freelancer's language (Bahasa Indonesia by default).
        assert reasons == {
            "Paketnya kurang jelas: sebutkan apa yang didapat di tiap paket, dan berapa lama "
            "pengerjaannya. Sebutkan isi tiap paket."
        }
        return
    if role == "ordinary":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 403
    assert statuses(services) == ["pending_review", "pending_review"]
    assert not ModeratorAction.objects.exists()


def test_a_rejection_without_a_reason_is_asked_for_again(as_role):
    service = pending()

    response = act(as_role("moderator"), "reject_selected", [service], apply="1")

    assert response.status_code == 200
    assert "Choose a reason or write one" in response.content.decode()
    assert statuses([service]) == ["pending_review"]
    assert not ModeratorAction.objects.exists()


def test_the_change_page_shows_the_packages_and_the_filters_findings(as_role):
    service = pending(description="Logo cepat; hubungi 0812 3456 7890 untuk detail pesanan.")
    Service.objects.filter(pk=service.pk).update(content_flags=["phone"])

    page = as_role("moderator").get(f"{CHANGELIST}{service.pk}/change/").content.decode()

    assert "0812 3456 7890" in page  # moderators read the text as written
    assert "phone number" in page
    assert "Rp 100.000" in page
    assert "Rp 400.000" in page
    assert 'value="approve_selected"' in page


def test_nobody_edits_or_deletes_a_service_by_hand(as_role):
    service = pending(title="Jasa logo toko roti")
    client = as_role("superuser")

    edit = client.post(f"{CHANGELIST}{service.pk}/change/", {"title": "Diubah moderator"})

    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert edit.status_code == 403
    assert client.post(f"{CHANGELIST}{service.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Service.objects.get(pk=service.pk).title == "Jasa logo toko roti"


def test_queue_lists_pending_services_first_oldest_first(db, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    old_live = ServiceFactory()
    time_machine.move_to(start + timedelta(hours=1), tick=False)
    older_pending = pending()
    time_machine.move_to(start + timedelta(hours=2), tick=False)
    newer_pending = pending()
    time_machine.move_to(start + timedelta(hours=3), tick=False)
    draft = ServiceFactory(status=Service.Status.DRAFT, published_at=None)

    assert list(service_moderation_queue()) == [older_pending, newer_pending, old_live, draft]


def test_queue_shows_the_freelancers_history(db):
    freelancer = UserFactory()
    service = pending(freelancer=freelancer)
    ServiceFactory(freelancer=freelancer)  # published
    ServiceFactory(freelancer=freelancer, status=Service.Status.REJECTED, published_at=None)
    ServiceFactory(status=Service.Status.REJECTED, published_at=None)  # someone else's
    ContactHit.objects.create(
        user=freelancer, source="service", source_id=service.pk, kinds=["phone"]
    )

    row = service_moderation_queue().get(pk=service.pk)

    assert (
        row.freelancer_services_published,
        row.freelancer_services_rejected,
        row.freelancer_open_reports,
        row.freelancer_contact_hits,
    ) == (1, 1, 0, 1)
