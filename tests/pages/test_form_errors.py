"""Form errors land where the eye is, in valid ARIA, the same way on every form page.

A form that failed starts with the shared error summary (templates/forms/_refusal.html): a box
focused on load (tabindex="-1" + autofocus, so without JavaScript too) named by its heading
"There is a problem", listing each message once, a field's as a link to that field. The field
itself is aria-invalid and described by its message. A list is never given a role (axe rejects
role="alert" on a <ul>: it keeps its list role)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from accounts.models import User
from projects.models import Bid
from tests.accounts.factories import UserFactory
from tests.pages.conftest import browser
from tests.projects.factories import GigFactory

pytestmark = pytest.mark.django_db

LIST_WITH_A_ROLE = re.compile(r"<(ul|ol|li)\b[^>]*\brole=", re.IGNORECASE)
SUMMARY = re.compile(
    r'<div class="refusal" id="(?P<id>[^"]+)" role="group" tabindex="-1" autofocus '
    r'data-error-summary aria-labelledby="(?P=id)-title">\s*'
    r'<h2 id="(?P=id)-title">There is a problem</h2>\s*'
    r'<ul class="errorlist nonfield">(?P<items>.*?)</ul>\s*</div>',
    re.S,
)
ITEM = re.compile(r'<li>(?:<a href="#(?P<target>[^"]+)">(?P<link>[^<]*)</a>|(?P<text>[^<]*))</li>')


def summaries(page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each error summary on the page: its id and its items as (target id or "", text)."""
    return [
        (
            match["id"],
            [(m["target"] or "", m["link"] or m["text"]) for m in ITEM.finditer(match["items"])],
        )
        for match in SUMMARY.finditer(page)
    ]


def assert_links_work(page: str, items: list[tuple[str, str]]) -> None:
    """Every link of the summary goes to a field of the page marked invalid."""
    for target, _text in items:
        if target:
            control = re.search(rf'<(input|select|textarea)\b[^>]*\bid="{target}"[^>]*>', page)
            assert control, f"no field #{target}"
            assert 'aria-invalid="true"' in control.group(0), control.group(0)


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


def test_every_form_page_reports_errors_through_the_shared_summary():
    """Fix the class: a page template that lays out the fields of a form it POSTs also
    includes the summary, and none prints a form's errors its own way (as_div's list,
    non_field_errors). (The search filters are GET forms: their errors stay by the field.)"""
    pages = [
        path for path in templates() if "admin" not in path.parts and "forms" not in path.parts
    ]
    lays_out = [
        p
        for p in pages
        if 'method="post"' in p.read_text()
        and re.search(r"as_field_group|as_div|forms/_fields\.html", p.read_text())
    ]
    assert len(lays_out) >= 10
    missing = [
        str(p)
        for p in lays_out
        if "forms/_refusal.html" not in p.read_text() and "forms/_fields.html" not in p.read_text()
    ]
    own_way = [str(p) for p in pages if re.search(r"\.as_div|non_field_errors", p.read_text())]
    assert (missing, own_way) == ([], [])


def test_an_expired_wallet_form_is_summed_up_at_the_top_of_its_form():
    client = browser(UserFactory())

    response = client.post("/wallet/deposits/", {"topup-amount": "100000"})

    assert response.status_code == 400
    page = response.content.decode()
    assert not LIST_WITH_A_ROLE.search(page)
    assert summaries(page) == [
        ("error-summary", [("", "This form has expired. Please send it again.")])
    ]
    # Inside the form that failed, before its fields.
    form = re.search(r'<form method="post" action="/wallet/deposits/">(.*?)</form>', page, re.S)
    assert form
    inside = form.group(1)
    assert inside.index("error-summary") < inside.index('name="topup-amount"')


def test_a_field_error_is_linked_from_the_summary_and_described_on_its_field():
    client = browser(UserFactory())
    page = client.get("/wallet/").content.decode()
    token = re.search(r'name="topup-token" value="([^"]+)"', page).group(1)

    response = client.post("/wallet/deposits/", {"topup-token": token, "topup-amount": "abc"})

    page = response.content.decode()
    assert response.status_code == 400
    [(_id, items)] = summaries(page)
    [(target, text)] = items
    assert text.startswith("Amount: ")
    assert_links_work(page, items)
    field = re.search(rf'<input[^>]*id="{target}"[^>]*>', page).group(0)
    described = re.search(r'aria-describedby="([^"]*)"', field).group(1).split()
    error_id = next(name for name in described if name.endswith("_error"))
    assert re.search(rf'<ul class="errorlist" id="{error_id}"><li>[^<]+</li></ul>', page)
    assert not LIST_WITH_A_ROLE.search(page)


def test_the_summary_partial_shows_every_message_once_and_nothing_without_one():
    html = render_to_string("forms/_refusal.html", {"errors": ["Gagal."], "more": ["Lagi."]})

    assert summaries(html) == [("error-summary", [("", "Gagal."), ("", "Lagi.")])]
    assert render_to_string("forms/_refusal.html", {"errors": [], "more": []}).strip() == ""
    assert render_to_string("forms/_fields.html", {}).strip() == ""


def test_a_checkbox_group_in_error_is_linked_at_its_first_box():
    from django import forms

    from marketplace.templatetags.form_errors import error_summary

    class Pick(forms.Form):
        kinds = forms.MultipleChoiceField(
            label="Kinds",
            choices=[("Group", [("a", "A"), ("b", "B")])],
            widget=forms.CheckboxSelectMultiple,
        )

    form = Pick({"kinds": ["z"]})
    [item] = error_summary(form)
    assert item.target == "id_kinds_0_0"
    assert f'id="{item.target}"' in str(form["kinds"])


def test_a_refused_sign_up_sums_up_at_the_top_and_creates_nothing():
    response = browser().post(
        "/accounts/signup/",
        {
            "username": "x",
            "email": "bukan-email",
            "password": "rahasia-Sekali-42",
            "password_confirm": "lain",
            "preferred_language": "en",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    [(_id, items)] = summaries(page)
    assert list(dict.fromkeys(target for target, _text in items)) == [
        "id_username",
        "id_email",
        "id_password_confirm",
    ]
    assert_links_work(page, items)
    assert page.count("The two passwords differ.") == 2  # in the summary and by its field
    assert not User.objects.exists()


def test_a_wrong_login_is_summed_up_once():
    UserFactory(username="sari")

    response = browser().post("/accounts/login/", {"username": "sari", "password": "salah"})

    page = response.content.decode()
    assert response.status_code == 400
    assert summaries(page) == [("error-summary", [("", "Wrong username, e-mail or password.")])]
    assert page.count("Wrong username, e-mail or password.") == 1


def test_a_refused_bid_lands_at_the_bid_form_and_places_nothing():
    gig = GigFactory(budget=150_000)
    freelancer = UserFactory()
    client = browser(freelancer)
    form_action = f'action="/gigs/{gig.pk}/bid/"'
    before = client.get(f"/gigs/{gig.pk}/").content.decode()
    assert form_action in before
    # Only the preview (which refuses nothing) comes back by a #fragment: one in the form's
    # action would cancel the summary's autofocus.
    assert f'formaction="/gigs/{gig.pk}/bid/#my-bid"' in before

    response = client.post(
        f"/gigs/{gig.pk}/bid/",
        {"amount": "banyak", "delivery_days": "0", "revisions_included": "1", "cover_letter": ""},
    )

    page = response.content.decode()
    assert response.status_code == 400
    [(summary_id, items)] = summaries(page)
    assert {target for target, _text in items} >= {"id_amount", "id_delivery_days"}
    assert_links_work(page, items)
    # The summary is the bid form's first child, in the "your bid" section: the page lands
    # there (the summary's autofocus scrolls it into view), not at the top of the gig.
    section = re.search(r'<section class="card" id="my-bid">(.*?)</section>', page, re.S).group(1)
    opening = rf"{re.escape(form_action)}[^>]*>\s*<input[^>]*csrfmiddlewaretoken[^>]*>\s*"
    assert re.search(rf'{opening}<div class="refusal" id="{summary_id}"', section)
    assert page.count("data-error-summary") == 1
    assert not Bid.objects.exists()
