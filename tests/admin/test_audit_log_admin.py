"""The moderators' audit log in the admin: who may read it, that nobody — a superuser
included — can add, change or delete a record there, and that PostgreSQL refuses it too."""

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import ModeratorAction
from accounts.services import audit_record
from payments.models import IdempotencyRecord
from tests.accounts.factories import UserFactory
from tests.admin.helpers import assert_refused

ROLES = ["moderator", "finance", "plain_staff", "superuser", "ordinary"]
READERS = {"moderator", "finance", "superuser"}
LOG = "/admin/accounts/moderatoraction/"


@pytest.fixture
def record(roles):
    target = UserFactory(username="pelanggar")
    return audit_record(
        moderator=roles["moderator"],
        action=ModeratorAction.Action.WARN_USER,
        target=target,
        reason="Bahasa kasar",
        note="first warning",
    )


def snapshot(record) -> tuple:
    return tuple(
        ModeratorAction.objects.filter(pk=record.pk).values_list(
            "moderator_id", "action", "target_type", "target_id", "target_repr", "reason", "details"
        )
    )


@pytest.mark.parametrize("role", ROLES)
def test_log_pages_by_role(roles, admin_client_for, role, record):
    client = admin_client_for(roles[role])

    listed = client.get(LOG)
    shown = client.get(f"{LOG}{record.pk}/change/")

    if role in READERS:
        assert listed.status_code == 200
        assert [r.pk for r in listed.context["cl"].result_list] == [record.pk]
        assert shown.status_code == 200
        assert b'name="_save"' not in shown.content
        assert b"Bahasa kasar" in shown.content
    else:
        assert_refused(listed, role)
        assert_refused(shown, role)


@pytest.mark.parametrize("role", ROLES)
def test_nobody_can_add_a_record_through_the_admin(roles, admin_client_for, role, record):
    client = admin_client_for(roles[role])
    form = {
        "moderator": roles["superuser"].pk,
        "action": "warn_user",
        "target_type": "accounts.user",
        "target_id": "1",
        "target_repr": "palsu",
    }

    page = client.get(f"{LOG}add/")
    posted = client.post(f"{LOG}add/", form)

    assert_refused(page, role)
    assert_refused(posted, role)
    assert list(ModeratorAction.objects.values_list("pk", flat=True)) == [record.pk]


@pytest.mark.parametrize("role", ROLES)
def test_nobody_can_change_a_record_through_the_admin(roles, admin_client_for, role, record):
    before = snapshot(record)

    response = admin_client_for(roles[role]).post(
        f"{LOG}{record.pk}/change/",
        {
            "moderator": roles["superuser"].pk,
            "action": "approve_gig",
            "target_type": "accounts.user",
            "target_id": record.target_id,
            "target_repr": "diubah",
            "reason": "diubah",
            "_save": "Save",
        },
    )

    assert_refused(response, role)
    assert snapshot(record) == before


@pytest.mark.parametrize("role", ROLES)
def test_nobody_can_delete_a_record_through_the_admin(roles, admin_client_for, role, record):
    client = admin_client_for(roles[role])

    page = client.get(f"{LOG}{record.pk}/delete/")
    posted = client.post(f"{LOG}{record.pk}/delete/", {"post": "yes"})
    bulk = client.post(
        LOG, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )

    assert_refused(page, role)
    assert_refused(posted, role)
    if role in READERS:
        assert bulk.status_code == 200  # no action exists here: the POST just shows the list
    else:
        assert_refused(bulk, role)
    assert ModeratorAction.objects.filter(pk=record.pk).count() == 1


@pytest.mark.parametrize("role", sorted(READERS))
def test_no_bulk_action_is_offered_on_the_log(roles, admin_client_for, role, record):
    response = admin_client_for(roles[role]).get(LOG)

    assert response.context["action_form"] is None
    assert b"delete_selected" not in response.content


def test_the_object_links_to_its_admin_page_when_there_is_one(roles, admin_client_for, record):
    unregistered = IdempotencyRecord.objects.create(
        user=roles["ordinary"],
        key="k1",
        endpoint="POST /x",
        request_hash="0" * 64,
        response_status=201,
    )
    audit_record(
        moderator=roles["superuser"],
        action=ModeratorAction.Action.REMOVE_CONTENT,
        target=unregistered,
        reason="tes",
    )

    page = admin_client_for(roles["moderator"]).get(LOG).content.decode()

    assert f'<a href="/admin/accounts/user/{record.target_id}/change/">pelanggar</a>' in page
    assert str(unregistered) in page
    assert "/admin/payments/idempotencyrecord/" not in page


def test_log_filters_and_search(roles, admin_client_for, record):
    other = audit_record(
        moderator=roles["superuser"],
        action=ModeratorAction.Action.SUSPEND_USER,
        target=UserFactory(username="penipu"),
        reason="Penipuan",
    )
    client = admin_client_for(roles["finance"])

    def listed(query: str) -> list[int]:
        return [r.pk for r in client.get(LOG + query).context["cl"].result_list]

    assert listed("?action__exact=suspend_user") == [other.pk]
    assert listed(f"?moderator__id__exact={roles['moderator'].pk}") == [record.pk]
    assert listed("?q=penipu") == [other.pk]
    assert listed("?q=moderator1") == [record.pk]
    assert listed(f"?target_type=accounts.user&target_id={record.target_id}") == [record.pk]


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_moderatoraction SET reason = 'diubah' WHERE id = %s",
        "DELETE FROM accounts_moderatoraction WHERE id = %s",
    ],
)
def test_postgres_refuses_raw_sql_changes_to_the_log(record, sql):
    before = snapshot(record)

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [record.pk])

    assert snapshot(record) == before
