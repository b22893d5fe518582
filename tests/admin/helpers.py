"""What the admin tests share: where the admin sends strangers, how a refusal looks, which
actions a page offers, and an action posted as the browser posts it."""

from __future__ import annotations

LOGIN = "/admin/login/"


def assert_sent_to_login(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def assert_refused(response, role: str) -> None:
    """Refused as the admin refuses ``role``: an ordinary user is sent to the login page, staff
    without the permission get 403."""
    if role == "ordinary":
        assert_sent_to_login(response)
    else:
        assert response.status_code == 403


def offered_actions(response) -> set[str]:
    action_form = response.context["action_form"]
    if action_form is None:
        return set()
    return {name for name, _label in action_form.fields["action"].choices if name}


def act_with_form(client, url: str, action: str, objects, **form):
    """An admin action as the browser sends it: the selection, and the action's form."""
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], **form}
    if form:
        data["apply"] = "1"
    else:
        data["index"] = "0"
    return client.post(url, data)
