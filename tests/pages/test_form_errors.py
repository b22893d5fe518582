"""Form errors are announced in valid ARIA: a form-wide refusal is a live region (a div with
role="alert") around its list, never a list given the alert role (which axe rejects: a <ul>
keeps its list role); a field's error is tied to its field by aria-describedby."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.accounts.factories import UserFactory
from tests.pages.conftest import browser

pytestmark = pytest.mark.django_db

LIST_WITH_A_ROLE = re.compile(r"<(ul|ol|li)\b[^>]*\brole=", re.IGNORECASE)
REFUSAL = re.compile(
    r'<div class="refusal" role="alert"><ul class="errorlist nonfield">(.*?)</ul></div>', re.S
)


def templates() -> list[Path]:
    roots = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    return sorted(path for root in roots for path in root.rglob("*.html"))


def test_no_template_gives_a_list_a_role():
    found = templates()
    assert found, "no templates found"
    offenders = [
        f"{path}: {match.group(0)}"
        for path in found
        for match in LIST_WITH_A_ROLE.finditer(path.read_text())
    ]
    assert offenders == []


def test_an_expired_wallet_form_is_refused_in_a_live_region_around_the_list():
    client = browser(UserFactory())

    response = client.post("/wallet/deposits/", {"topup-amount": "100000"})

    assert response.status_code == 400
    page = response.content.decode()
    assert not LIST_WITH_A_ROLE.search(page)
    assert REFUSAL.findall(page) == ["<li>This form has expired. Please send it again.</li>"]


def test_a_field_error_is_described_on_its_field_and_not_a_second_alert():
    client = browser(UserFactory())
    page = client.get("/wallet/").content.decode()
    token = re.search(r'name="topup-token" value="([^"]+)"', page).group(1)

    response = client.post("/wallet/deposits/", {"topup-token": token, "topup-amount": "abc"})

    page = response.content.decode()
    assert response.status_code == 400
    field = re.search(r'<input[^>]*name="topup-amount"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    described = re.search(r'aria-describedby="([^"]*)"', field).group(1).split()
    error_id = next(name for name in described if name.endswith("_error"))
    assert re.search(rf'<ul class="errorlist" id="{error_id}"><li>[^<]+</li></ul>', page)
    assert not LIST_WITH_A_ROLE.search(page)
    assert REFUSAL.findall(page) == []


def test_the_refusal_partial_shows_every_message_and_nothing_without_one():
    from django.template.loader import render_to_string

    html = render_to_string("forms/_refusal.html", {"errors": ["Gagal."], "more": []})

    assert REFUSAL.findall(html) == ["<li>Gagal.</li>"]
    assert render_to_string("forms/_refusal.html", {"errors": [], "more": []}).strip() == ""
