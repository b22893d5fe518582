"""A small marketplace for the fuzzer and the hostile-input tests: two users, each with private
things the other may never receive.

The two users the fuzzer acts as:

- ``client`` (Citra) posts gigs, hires, funds and approves;
- ``freelancer`` (Fajar) bids, delivers, withdraws and keeps a portfolio.

They share one contract (Citra hired Fajar: a funded milestone, a submitted one with a
delivery, a thread), which each may see. Around them, two bystanders give each of them private
things the other must never receive: Citra hired Zaki too (a sealed bid, a thread, a hidden
review), and Fajar works for Yoga (a sealed bid on Yoga's gig, a thread, a delivery, a hidden
review, a withdrawal of what Yoga paid him). Each private text field holds a unique *marker*
(lower-case letters only, so no contact filter rewrites it), and the private amounts (sealed
bids, wallet balances, withdrawals) are odd numbers nothing else in the world shares: a
response to one user that holds a marker or an amount of the other's is a leak
(``tests/fuzz/hooks.py`` checks every response of the fuzz run for them).

Everything is created through the services, as the product creates it. ``build_world()`` runs
in a test's database or, through ``python -m tests.fuzz.world OUT.json``, on the database the
fuzz server serves (``scripts/fuzz.sh``).

The data (``World``) is plain JSON, read by the fuzzer's hooks without Django; only building it
needs Django, so its imports live in the functions that build.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

# The throw-away users of a fuzz database log in with it.
PASSWORD = "fuzz-garap-world-2026"
ROLES = ("client", "freelancer")


@dataclass
class Secrets:
    """What only one user (and the bystanders they deal with) may receive."""

    strings: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)


@dataclass
class World:
    password: str
    # role -> {"id", "username", "email"}
    users: dict[str, dict[str, Any]]
    # role -> what the *other* role must never receive
    secrets: dict[str, Secrets]
    # kind ("gig", "bid", …) -> label -> primary key (or username, provider)
    ids: dict[str, dict[str, Any]]
    # role -> kind -> the object of that kind the role acts on by default (a label of ``ids``)
    home: dict[str, dict[str, str]]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> World:
        data = json.loads(text)
        data["secrets"] = {role: Secrets(**value) for role, value in data["secrets"].items()}
        return cls(**data)

    def other(self, role: str) -> str:
        return "freelancer" if role == "client" else "client"

    def forbidden_for(self, role: str | None) -> Secrets:
        """The secrets a response to ``role`` must not hold: the other user's; both users' for
        anyone else (anonymous, or an account the fuzzer registered)."""
        if role in ROLES:
            return self.secrets[self.other(role)]
        both = Secrets()
        for secrets in self.secrets.values():
            both.strings += secrets.strings
            both.numbers += secrets.numbers
        return both

    def leaks(
        self, role: str | None, body: bytes, headers: dict[str, str] | None = None
    ) -> list[str]:
        """The private markers and amounts of anyone but ``role`` in a response: markers
        anywhere in the body or a header (a download's file name), amounts as JSON numbers."""
        forbidden = self.forbidden_for(role)
        text = body.decode("utf-8", errors="replace")
        text += "\n" + "\n".join(f"{k}: {v}" for k, v in (headers or {}).items())
        found = [marker for marker in forbidden.strings if marker in text]
        if forbidden.numbers:
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            amounts = set(forbidden.numbers)
            found += [str(n) for n in dict.fromkeys(json_numbers(document)) if n in amounts]
        return found

    def values_of(self, route: str, param: str) -> list[Any]:
        """Every known value of a path parameter: both users' objects and the bystanders'."""
        return list(self.ids.get(param_kind(route, param), {}).values())

    def home_value(self, route: str, param: str, role: str) -> Any:
        kind = param_kind(route, param)
        return self.ids[kind][self.home[role][kind]] if kind in self.home[role] else None


def json_numbers(value: Any) -> list[int]:
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            found.append(item)
    return found


# Path parameters named alike mean different objects on different routes.
PARAM_KINDS = {
    "gig_id": "gig",
    "bid_id": "bid",
    "contract_id": "contract",
    "milestone_id": "milestone",
    "item_id": "portfolio_item",
    "image_id": "portfolio_image",
    "file_id": "delivery_file",
    "notification_id": "notification",
    "review_id": "review",
    "username": "username",
    "provider": "provider",
}


def param_kind(route: str, param: str) -> str:
    if param == "attachment_id":
        return "gig_attachment" if "/gigs/" in route else "message_attachment"
    return PARAM_KINDS.get(param, param)


# --- building it through the services ------------------------------------------------------

# A 1×1 PNG for the portfolio image (the service decodes and re-encodes it).
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
    "53de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def _text_file(name: str, text: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def _png(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, _PNG, content_type="image/png")


def _user(username: str, email: str, display_name: str):
    from accounts.services import user_register

    user, _token, _raw = user_register(
        username=username, email=email, password=PASSWORD, display_name=display_name
    )
    return user


def _top_up(user, amount: int) -> str:
    from payments.services.deposits import deposit_complete, deposit_create

    deposit = deposit_create(user=user, amount=amount, provider="sandbox")
    deposit_complete(provider="sandbox", reference=deposit.reference, status="paid", amount=amount)
    return deposit.reference


def _gig(client, moderator, category, title: str, budget: int, publish: bool = True, **extra):
    from django.utils import timezone

    from projects.models import Gig
    from projects.services.gigs import gig_approve, gig_create

    now = timezone.now()
    gig = gig_create(
        client=client,
        title=title,
        description=f"{title}. Detail pekerjaan ada di lampiran, hasil dikirim dalam format PNG.",
        category=category.pk,
        budget=budget,
        bidding_deadline=now + timedelta(days=5),
        delivery_deadline=now + timedelta(days=20),
        publish=publish,
        **extra,
    )
    if gig.status == Gig.Status.PENDING_REVIEW:  # a new client's first gig waits for a moderator
        gig = gig_approve(gig_id=gig.pk, moderator=moderator)
    return gig


def _bid(gig, freelancer, amount: int, cover_letter: str):
    from projects.services.bids import bid_place

    return bid_place(
        gig_id=gig.pk,
        freelancer=freelancer,
        amount=amount,
        delivery_days=7,
        cover_letter=cover_letter,
        revisions_included=2,
    )


def _hire(gig, client, freelancer, amount: int, cover_letter: str):
    from projects.services.bids import bid_accept

    bid = _bid(gig, freelancer, amount, cover_letter)
    return bid, bid_accept(bid_id=bid.pk, actor=client)


def _complete(contract, cover_note: str, file_name: str):
    """Fund, deliver and approve the contract's one milestone: the contract completes."""
    from projects.services.milestones import milestone_approve, milestone_fund, milestone_submit

    milestone = contract.milestones.get()
    milestone_fund(milestone_id=milestone.pk, actor=contract.client)
    milestone_submit(
        milestone_id=milestone.pk,
        actor=contract.freelancer,
        note=cover_note,
        files=[_text_file(file_name, "hasil pekerjaan")],
    )
    milestone_approve(milestone_id=milestone.pk, actor=contract.client)
    return milestone


def _review(contract, author, comment: str):
    from projects.services.reviews import review_submit

    return review_submit(
        contract_id=contract.pk, actor=author, quality=5, communication=4, value=5, comment=comment
    )


def _message(contract, sender, body: str, file_name: str | None = None):
    from projects.services.contracts import message_post

    files = [_text_file(file_name, "lampiran pesan")] if file_name else []
    return message_post(contract_id=contract.pk, actor=sender, body=body, files=files)


def _balance(user) -> int:
    from payments.selectors.wallet import wallet_summary

    return wallet_summary(user=user).available


def build_world() -> World:
    """Build the world in one transaction (see the module's docstring)."""
    from django.db import transaction

    with transaction.atomic():
        return _build_world()


def _build_world() -> World:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import Category, Notification
    from accounts.roles import MODERATORS, ensure_role_groups
    from accounts.services.portfolio import portfolio_image_add, portfolio_item_create
    from payments.services.deposits import deposit_create
    from payments.services.withdrawals import withdrawal_request
    from projects.sample_data.demo.taxonomy import load_taxonomy
    from projects.services.contracts import milestones_split
    from projects.services.gigs import gig_attachment_add, gig_invite
    from projects.services.milestones import milestone_fund, milestone_submit
    from projects.services.reports import report_create
    from tests.payments.factories import verified

    if not Category.objects.exists():
        load_taxonomy()
    design = Category.objects.filter(is_active=True).order_by("-min_price").first()
    ensure_role_groups()
    moderator = _user("fuzz.moderator", "moderator@fuzz.garap.test", "Moderator Fuzz")
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])
    moderator.groups.add(Group.objects.get(name=MODERATORS))

    citra = _user("citra.klien", "citra.zqxcitraemail@fuzz.garap.test", "Citra Klien")
    fajar = _user("fajar.lepas", "fajar.zqxfajaremail@fuzz.garap.test", "Fajar Lepas")
    yoga = _user("yoga.klien", "yoga@fuzz.garap.test", "Yoga Klien")
    zaki = _user("zaki.lepas", "zaki@fuzz.garap.test", "Zaki Lepas")
    citra_deposit = _top_up(citra, 5_432_109)
    _top_up(yoga, 3_217_531)
    fajar_pending_deposit = deposit_create(user=fajar, amount=123_457, provider="sandbox")
    price = design.min_price

    # --- what both may see: Citra hired Fajar ------------------------------------------------
    shared_gig = _gig(citra, moderator, design, "Logo toko kue bersama", price * 4)
    zaki_rejected = _bid(shared_gig, zaki, price * 3 + 1_371, "zqxcitrazakirejectedcover")
    shared_bid, shared = _hire(shared_gig, citra, fajar, price * 3, "Saya siap mengerjakan logo.")
    first, second = milestones_split(
        contract_id=shared.pk,
        actor=citra,
        parts=[
            # Not before the 7 days the bid promised.
            {"title": "Konsep awal", "amount": price, "due_at": timezone.now() + timedelta(days=8)},
            {
                "title": "File final",
                "amount": price * 2,
                "due_at": timezone.now() + timedelta(days=12),
            },
        ],
    )
    milestone_fund(milestone_id=first.pk, actor=citra)
    milestone_fund(milestone_id=second.pk, actor=citra)
    milestone_submit(
        milestone_id=second.pk,
        actor=fajar,
        note="Tiga konsep logo terlampir.",
        files=[_text_file("konsep-logo.txt", "konsep")],
    )
    shared_message = _message(shared, citra, "Terima kasih, saya tunggu konsepnya.", "brief.txt")
    _message(shared, fajar, "Baik, konsep pertama saya kirim besok.")

    # --- Citra's own: an open gig with no bid yet, another with sealed bids, a draft, an
    # invite-only gig, and a completed contract with Zaki -----------------------------------
    open_gig = _gig(citra, moderator, design, "Desain kemasan kue kering", price * 2)
    sealed_gig = _gig(citra, moderator, design, "Desain stiker kemasan", price * 2)
    zaki_sealed = _bid(sealed_gig, zaki, price + 7_651, "zqxcitrazakisealedcover")
    fajar_on_citra = _bid(sealed_gig, fajar, price + 2_000, "Saya bisa mulai hari ini.")
    draft = _gig(citra, moderator, design, "zqxcitradraft rencana promosi", price, publish=False)
    draft_attachment = gig_attachment_add(
        gig_id=draft.pk, actor=citra, upload=_text_file("zqxcitraattachment.txt", "rencana")
    )
    invite_only = _gig(
        citra, moderator, design, "zqxcitrainvite desain brosur", price, visibility="invite_only"
    )
    gig_invite(gig_id=invite_only.pk, actor=citra, freelancer_username=zaki.username)
    zaki_gig = _gig(citra, moderator, design, "Desain banner toko", price * 2)
    zaki_bid, with_zaki = _hire(zaki_gig, citra, zaki, price * 2 + 3_111, "Banner siap dua hari.")
    citra_zaki_message = _message(
        with_zaki, citra, "zqxcitrazakimessage warna merah", "zqxcitrazakifile.txt"
    )
    _complete(with_zaki, "Banner selesai.", "banner.txt")
    citra_review = _review(with_zaki, citra, "zqxcitrareview rapi dan cepat")
    citra_report, _created = report_create(
        reporter=citra,
        target_type="profile",
        target_id=zaki.pk,
        reason="other",
        note="zqxcitrareport catatan",
    )

    # --- Fajar's own: a sealed bid on Yoga's gig, a completed contract with Yoga, a portfolio
    # item, a withdrawal -----------------------------------------------------------------------
    yoga_open = _gig(yoga, moderator, design, "Desain menu warung", price * 2)
    fajar_sealed = _bid(yoga_open, fajar, price + 4_321, "zqxfajaryogasealedcover")
    yoga_gig = _gig(yoga, moderator, design, "Logo warung kopi", price * 3)
    fajar_yoga_bid, with_yoga = _hire(
        yoga_gig, yoga, fajar, price * 3 + 5_379, "zqxfajaryogaacceptedcover"
    )
    fajar_yoga_message = _message(
        with_yoga, fajar, "zqxfajaryogamessage draf pertama", "zqxfajaryogafile.txt"
    )
    yoga_message = _message(with_yoga, yoga, "Tolong kirim drafnya ke sini.")
    yoga_milestone = _complete(
        with_yoga, "zqxfajardelivery logo final", "zqxfajarfiledelivered.txt"
    )
    fajar_review = _review(with_yoga, fajar, "zqxfajarreview klien ramah")
    fajar_report, _created = report_create(
        reporter=fajar,
        target_type="message",
        target_id=yoga_message.pk,
        reason="other",
        note="zqxfajarreport catatan",
    )
    verified(fajar)  # every withdrawal needs an approved identity
    withdrawal = withdrawal_request(
        user=fajar,
        amount=61_733,
        method="bank",
        bank_code="BCA",
        account_number="8675309021",
        holder_name="zqxfajarholder",
    )
    item = portfolio_item_create(owner=fajar, title="Logo kedai teh", description="Logo vektor.")
    image = portfolio_image_add(item_id=item.pk, owner=fajar, upload=_png("kedai.png"))

    def notices(user) -> dict[str, int]:
        rows = Notification.objects.filter(recipient=user).order_by("pk")
        return {
            f"{user.username}-{n}": pk for n, pk in enumerate(rows.values_list("pk", flat=True))
        }

    def deliveries(milestone) -> dict[str, int]:
        delivery = milestone.deliveries.get()
        return {f"milestone-{milestone.pk}": delivery.files.get().pk}

    def attachments(message) -> dict[str, int]:
        return {f"message-{message.pk}": message.attachments.get().pk}

    world = World(
        password=PASSWORD,
        users={
            role: {"id": user.pk, "username": user.username, "email": user.email}
            for role, user in (("client", citra), ("freelancer", fajar))
        },
        secrets={
            "client": Secrets(
                strings=[
                    "zqxcitraemail",
                    "zqxcitrazakirejectedcover",
                    "zqxcitrazakisealedcover",
                    "zqxcitradraft",
                    "zqxcitraattachment",
                    "zqxcitrainvite",
                    "zqxcitrazakimessage",
                    "zqxcitrazakifile",
                    "zqxcitrareview",
                    "zqxcitrareport",
                    citra_deposit,
                ],
                numbers=[zaki_rejected.amount, zaki_sealed.amount, _balance(citra)],
            ),
            "freelancer": Secrets(
                strings=[
                    "zqxfajaremail",
                    "zqxfajaryogasealedcover",
                    "zqxfajaryogaacceptedcover",
                    "zqxfajaryogamessage",
                    "zqxfajaryogafile",
                    "zqxfajardelivery",
                    "zqxfajarfiledelivered",
                    "zqxfajarreview",
                    "zqxfajarreport",
                    "zqxfajarholder",
                    "8675309021",
                    fajar_pending_deposit.reference,
                ],
                numbers=[
                    fajar_sealed.amount,
                    fajar_yoga_bid.amount,
                    withdrawal.amount,
                    _balance(fajar),
                ],
            ),
        },
        ids={
            "gig": {
                "shared": shared_gig.pk,
                "open": open_gig.pk,
                "sealed": sealed_gig.pk,
                "citra_draft": draft.pk,
                "citra_invite_only": invite_only.pk,
                "citra_zaki": zaki_gig.pk,
                "yoga_open": yoga_open.pk,
                "yoga_fajar": yoga_gig.pk,
            },
            "bid": {
                "shared": shared_bid.pk,
                "fajar_on_citra": fajar_on_citra.pk,
                "zaki_rejected": zaki_rejected.pk,
                "zaki_sealed": zaki_sealed.pk,
                "zaki_hired": zaki_bid.pk,
                "fajar_sealed": fajar_sealed.pk,
                "fajar_yoga": fajar_yoga_bid.pk,
            },
            "contract": {
                "shared": shared.pk,
                "citra_zaki": with_zaki.pk,
                "fajar_yoga": with_yoga.pk,
            },
            "milestone": {
                "shared_funded": first.pk,
                "shared_submitted": second.pk,
                "citra_zaki": with_zaki.milestones.get().pk,
                "fajar_yoga": yoga_milestone.pk,
            },
            "message_attachment": {
                **attachments(shared_message),
                **attachments(citra_zaki_message),
                **attachments(fajar_yoga_message),
            },
            "gig_attachment": {"citra_draft": draft_attachment.pk},
            "delivery_file": {**deliveries(second), **deliveries(yoga_milestone)},
            "portfolio_item": {"fajar": item.pk},
            "portfolio_image": {"fajar": image.pk},
            "notification": {**notices(citra), **notices(fajar)},
            "review": {"citra_hidden": citra_review.pk, "fajar_hidden": fajar_review.pk},
            "report": {"citra": citra_report.pk, "fajar": fajar_report.pk},
            "withdrawal": {"fajar": withdrawal.pk},
            "username": {u.username: u.username for u in (citra, fajar, yoga, zaki, moderator)},
            "category": {design.slug: design.pk},
            "provider": {"sandbox": "sandbox"},
        },
        home={},
    )
    first_notice = {
        role: f"{user.username}-0" for role, user in (("client", citra), ("freelancer", fajar))
    }
    for role in ROLES:
        world.home[role] = {
            "gig": "open",
            "bid": "fajar_on_citra",
            "contract": "shared",
            "milestone": "shared_funded",
            "message_attachment": f"message-{shared_message.pk}",
            "gig_attachment": "citra_draft",
            "delivery_file": f"milestone-{second.pk}",
            "portfolio_item": "fajar",
            "portfolio_image": "fajar",
            "notification": first_notice[role],
            "review": "fajar_hidden" if role == "freelancer" else "citra_hidden",
            "username": world.users[world.other(role)]["username"],
            "provider": "sandbox",
        }
    _ensure_distinct_numbers(world)
    return world


def _ensure_distinct_numbers(world: World) -> None:
    """A private amount equal to one the other user may see would make the leak check cry wolf."""
    client, freelancer = (set(world.secrets[role].numbers) for role in ROLES)
    if client & freelancer:
        raise AssertionError(f"private amounts shared by both users: {sorted(client & freelancer)}")


def main(argv: list[str]) -> int:
    """``python -m tests.fuzz.world OUT.json``: build the world on the configured database."""
    import django

    django.setup()
    world = build_world()
    if len(argv) > 1:
        with open(argv[1], "w", encoding="utf-8") as out:
            out.write(world.to_json())
    else:
        sys.stdout.write(world.to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
