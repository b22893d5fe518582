"""No user content may widen a page: every text people write — a gig's title and description,
a bid's letter, messages and their file names, a profile's headline and bio, a shop name,
portfolio titles, reviews and replies, a dispute's reason, a notice — filled with a
300-character unbroken word and a long URL, and every page that shows them opened on a 320- and
a 360-pixel phone: none is wider than the screen, and the browse page's pager can be tapped.

The content is written straight to the database (the forms' own limits and filters have tests
of their own); each text is as long as its column allows. The stylesheet makes this hold for
any content (marketplace/static/garap/garap.css), not page by page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from accounts.masking import mask_texts
from accounts.models import (
    ClientProfile,
    FreelancerProfile,
    Notification,
    PortfolioItem,
)
from projects.models import Delivery, DeliveryFile, Dispute, GigAttachment, Milestone, Review
from tests.accounts.factories import UserFactory
from tests.projects.factories import (
    BidFactory,
    CategoryFactory,
    ContractFactory,
    ContractMessageFactory,
    GigFactory,
    MessageAttachmentFactory,
    SkillFactory,
)

WIDTHS = (320, 360)
WORD = ("Kuepukisusukejumatcha" * 15)[:300]  # 300 characters, no place to break
URL = "https://www.tokokue-sari.example/katalog/" + "kue-lapis-legit-pandan-" * 8 + "?ref=wa"
EMOJI = "🍰🧁🎂☕️🛵" * 12  # emoji, unbroken too
TEXT = f"{WORD} {URL} {EMOJI}"


def fill(limit: int) -> str:
    return TEXT[:limit]


def one_line(limit: int) -> str:
    return WORD[:limit]


def saved(obj: Any) -> Any:
    """Stored with its masked copies, read by everyone as written (``hide=False``)."""
    mask_texts(obj, hide=False)
    obj.save()
    return obj


@pytest.fixture
def world(db) -> dict[str, Any]:
    client = UserFactory(display_name=one_line(80))
    freelancer = UserFactory(display_name=one_line(80))
    category = CategoryFactory()
    # Many skills, each one long word: the lists of pills wrap.
    skills = [SkillFactory(category=category, name=f"{n}{one_line(78)}") for n in range(12)]
    ClientProfile.objects.create(user=client, shop_name=one_line(80))
    profile = saved(
        FreelancerProfile(
            user=freelancer, headline=one_line(120), bio=fill(3000), city=one_line(80)
        )
    )
    profile.skills.add(*skills)
    saved(
        PortfolioItem(
            owner=freelancer, title=one_line(120), description=fill(3000), link=URL, position=1
        )
    )
    gig = GigFactory(client=client, category=category, title=one_line(120), description=fill(5000))
    gig.skills.add(*skills)
    GigAttachment.objects.create(
        gig=gig,
        file="gigs/0/brief.pdf",
        original_name=one_line(196) + ".pdf",
        content_type="application/pdf",
        size=2048,
    )
    for _ in range(3):  # more than a page of them: the pager is shown
        bare_gig = GigFactory(
            client=client, category=category, title=one_line(120), description=TEXT
        )
    bid = BidFactory(gig=gig, freelancer=freelancer, cover_letter=fill(3000))

    contract = ContractFactory(
        bid__gig__client=client,
        bid__gig__title=one_line(120),
        bid__gig__description=TEXT,
        bid__freelancer=freelancer,
        bid__cover_letter=TEXT,
    )
    milestone = Milestone.objects.get(contract=contract)
    milestone.title = one_line(120)
    saved(milestone)
    message = ContractMessageFactory(contract=contract, sender=freelancer, body=fill(5000))
    MessageAttachmentFactory(message=message, original_name=one_line(196) + ".pdf")
    delivery = Delivery.objects.create(milestone=milestone, note=fill(5000))
    DeliveryFile.objects.create(
        delivery=delivery,
        file="contracts/0/deliveries/x.pdf",
        original_name=one_line(196) + ".pdf",
        content_type="application/pdf",
        size=2048,
    )
    Milestone.objects.filter(pk=milestone.pk).update(status=Milestone.Status.DISPUTED)
    Dispute.objects.create(milestone=milestone, opened_by=client, reason=fill(3000))
    now = timezone.now()
    for author, subject, role in (
        (client, freelancer, Review.Subject.FREELANCER),
        (freelancer, client, Review.Subject.CLIENT),
    ):
        saved(
            Review(
                contract=contract,
                author=author,
                subject=subject,
                subject_role=role,
                quality=5,
                communication=5,
                value=5,
                comment=fill(2000),
                revealed_at=now,
                reply=fill(2000),
                replied_at=now,
            )
        )
    for n, person in enumerate((client, freelancer)):
        Notification.objects.create(
            recipient=person,
            kind="dispute_resolved",
            key=f"layout:{n}",
            title=one_line(200),
            body=fill(2000),
            link=f"/contracts/{contract.pk}/",
        )
    return {
        "client": client,
        "freelancer": freelancer,
        "gig": gig,
        "bid": bid,
        "contract": contract,
        "bare_gig": bare_gig,  # no bids: its client may edit it
        "message": message,
    }


# The innermost elements that reach past the screen's right edge: what to fix.
STICKING_OUT = """() => {
  const w = document.documentElement.clientWidth;
  const reach = (e) => e.getBoundingClientRect().left + e.scrollWidth;
  const out = [...document.querySelectorAll("body *")].filter(
    (e) => e.getBoundingClientRect().right > w + 0.5 || reach(e) > w + 0.5);
  return out.filter((e) => !out.some((o) => o !== e && e.contains(o))).slice(0, 5).map(
    (e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") +
           " " + Math.round(Math.max(e.getBoundingClientRect().right, reach(e))) + "px " +
           (e.textContent || "").trim().slice(0, 40));
}"""


def sticking_out(page: Any) -> list[str]:
    return page.evaluate(STICKING_OUT)


def pages_of(world: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(name, who is signed in or None, path) for every page that shows the content."""
    client, freelancer = world["client"], world["freelancer"]
    gig, contract = world["gig"], world["contract"]
    return [
        ("browse", None, "/?page_size=2"),
        ("gig", None, f"/gigs/{gig.pk}/"),
        ("gig with its bids", client, f"/gigs/{gig.pk}/"),
        ("gig with my bid", freelancer, f"/gigs/{gig.pk}/"),
        ("accepting a bid", client, f"/bids/{world['bid'].pk}/accept/"),
        ("rejecting a bid", client, f"/bids/{world['bid'].pk}/reject/"),
        ("directory", None, "/freelancers/"),
        ("profile", None, f"/freelancers/{freelancer.username}/"),
        ("client record", None, f"/clients/{client.username}/"),
        ("contract (client)", client, f"/contracts/{contract.pk}/"),
        ("contract (freelancer)", freelancer, f"/contracts/{contract.pk}/"),
        ("dashboard (client)", client, "/dashboard/"),
        ("dashboard (freelancer)", freelancer, "/dashboard/"),
        ("notifications", client, "/notifications/"),
        ("editing a gig", client, f"/gigs/{world['bare_gig'].pk}/edit/"),
        ("reporting a bid", client, f"/report/bid/{world['bid'].pk}/"),
        ("reporting a message", client, f"/report/message/{world['message'].pk}/"),
        ("reporting a profile", client, f"/report/profile/{freelancer.username}/"),
        ("inviting from a profile", client, f"/freelancers/{freelancer.username}/invite/"),
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_user_content_widens_any_page(world, phone_page, login_in_browser, language):
    pages = {None: phone_page(language)}
    for person in (world["client"], world["freelancer"]):
        pages[person] = phone_page(language)
        login_in_browser(pages[person], person)
    missing: list[str] = []
    for page in pages.values():
        page.on(
            "response",
            lambda response: missing.append(response.url) if response.status == 404 else None,
        )

    too_wide: list[str] = []
    for name, who, path in pages_of(world):
        page = pages[who]
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            response = page.goto(path)
            assert response.status == 200, f"{name}: {response.status}"
            assert WORD[:80] in page.content(), f"{name} does not show the long content"
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide.append(f"{name} at {width} px: {scroll} px wide, by {sticking_out(page)}")

    assert too_wide == [], too_wide
    # Nothing on these pages asks for something that is not there (the icon included).
    assert missing == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_browse_pager_can_be_tapped(world, phone_page, width):
    page = phone_page("id")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/?page_size=2")

    link = page.locator("nav.pager a").last
    box = link.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= width, f"the pager's link ends at {box['x'] + box['width']}"
    assert box["height"] >= 40  # a finger's worth (2.75rem)
    # Nothing lies on top of it: a tap at its middle lands on the link.
    link.scroll_into_view_if_needed()
    box = link.bounding_box()
    middle = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    assert page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('nav.pager a') !== null",
        [middle["x"], middle["y"]],
    )
    link.tap()
    page.wait_for_url("**cursor=**")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
