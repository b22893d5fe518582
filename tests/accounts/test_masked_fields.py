"""Every text field of every Garap model is either filtered for contact details or allowed
through here, with the reason — so a new field a counterparty or the public reads cannot be
added unfiltered by accident: this test fails until its author decides.

Filtered means one of two things (``accounts.masking``): a ``MaskedCopyField`` beside it (the
text is masked for everyone but its author and moderators when it is written), or the
``refuse_contact_details`` validator (short identity fields: contact details are a 400).
A field with ``choices`` holds a fixed vocabulary, not text anyone typed, and needs neither.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from accounts.masking import MaskedCopyField, masked_copies, refuse_contact_details

# "app.Model.field": why the other party and the public never read it before a contract is
# funded (or why it is not text a user typed).
ALLOWED = {
    # Seen only by the person themselves and staff, or not typed by a person at all.
    "accounts.User.password": "a hash; never shown",
    "accounts.User.first_name": "Django's; no form or API writes or shows it",
    "accounts.User.last_name": "Django's; no form or API writes or shows it",
    "accounts.User.email": "shown to its owner and staff only",
    "accounts.AuthToken.digest": "a hash of the token",
    "accounts.AuthToken.auth_hash": "a hash tying the token to the password",
    "accounts.SignIn.address_hash": "a keyed hash of an address, never shown",
    "accounts.SignIn.device_hash": "a keyed hash of a browser's id, never shown",
    "accounts.PortfolioImage.error_code": "a refusal's code Garap writes",
    "projects.RevisionRequest.note": (
        "a client writes it on submitted work, so the milestone is funded: the parties only"
    ),
    "projects.TrustCheck.note": "a moderator's note, shown to staff only",
    "accounts.AuthToken.prefix": "the token's first characters, shown to its owner",
    "accounts.Notification.kind": "a notice kind's code",
    "accounts.Notification.key": "an occurrence key, never shown",
    "accounts.Notification.link": "an API path Garap builds",
    "accounts.Notification.title": (
        "rendered for its one recipient from texts already masked for them (accounts.notices)"
    ),
    "accounts.Notification.body": (
        "rendered for its one recipient from texts already masked for them (accounts.notices)"
    ),
    "accounts.PortfolioImage.content_type": "set by the server from the image it re-encoded",
    "accounts.PushSubscription.endpoint": "a browser's push address, seen by its owner only",
    "accounts.PushSubscription.p256dh": "a browser's public key, never shown to others",
    "accounts.PushSubscription.auth": "a browser's push secret, never shown to others",
    "accounts.WhatsAppContact.phone": "one's own WhatsApp number, shown to its owner only",
    "accounts.WhatsAppContact.stop_reason": "WhatsApp's refusal, written by Garap",
    "accounts.NoticeDelivery.provider_id": "the push service's or WhatsApp's message id",
    "accounts.NoticeDelivery.error": "a provider's refusal, written by Garap for staff",
    "accounts.ReputationChange.figure": "written by the reputation calculation",
    "accounts.ReputationChange.old_value": "written by the reputation calculation",
    "accounts.ReputationChange.new_value": "written by the reputation calculation",
    "accounts.ReputationChange.reference": "written by the reputation calculation",
    # Written by staff.
    "accounts.ModeratorAction.target_type": "the audit log, written by Garap for staff",
    "accounts.ModeratorAction.target_repr": "the audit log, written by Garap for staff",
    "accounts.ModeratorAction.reason": "written by a moderator",
    "accounts.Suspension.reason": "written by a moderator, shown to the suspended user",
    "accounts.Suspension.lift_reason": "written by a moderator",
    "accounts.Category.slug": "the taxonomy, written by staff",
    "accounts.Category.name_id": "the taxonomy, written by staff",
    "accounts.Category.name_en": "the taxonomy, written by staff",
    "accounts.Skill.slug": "the taxonomy, written by staff",
    "accounts.Skill.name": "the taxonomy, written by staff",
    "projects.Gig.rejection_reason": "written by a moderator to the gig's client",
    "projects.Service.rejection_reason": "written by a moderator to the service's freelancer",
    "projects.Dispute.resolution_note": "written by a moderator",
    "projects.Report.resolution_note": "written by a moderator",
    # Read by the writer and staff only.
    "projects.Report.note": "the reporter's note to moderators",
    "payments.Account.reference": "an internal account key (milestone:42)",
    "payments.LedgerTransaction.idempotency_key": "internal",
    "payments.LedgerTransaction.reference": "internal",
    "payments.LedgerTransaction.description": "written by Garap; the wallet's owner reads it",
    "payments.Deposit.provider": "a gateway's code",
    "payments.Deposit.reference": "Garap's payment reference",
    "payments.Deposit.provider_reference": "the gateway's reference",
    "payments.Deposit.checkout_url": "the gateway's checkout page, for the payer",
    "payments.Deposit.purpose": "what the payment is for, written by Garap (milestone:42)",
    "payments.Deposit.gateway_outcome": "the gateway's answer, for the payer and finance",
    "payments.Withdrawal.bank_code": "the payee's own bank details, for finance",
    "payments.Withdrawal.account_number": "the payee's own bank details, for finance",
    "payments.Withdrawal.holder_name": "the payee's own bank details, for finance",
    "payments.Withdrawal.rejection_reason": "written by finance staff to the payee",
    "payments.Withdrawal.channel_code": "the payout gateway's bank or e-wallet code",
    "payments.Withdrawal.payout_reference": "Garap's reference for the payout",
    "payments.Withdrawal.payout_idempotency_key": "the payout's key, written by Garap",
    "payments.Withdrawal.payout_provider": "a gateway's code",
    "payments.Withdrawal.provider_reference": "the gateway's id for the payout",
    "payments.Withdrawal.failure_reason": "the gateway's reason code, for the payee and finance",
    "payments.Withdrawal.payout_error": "the gateway's refusal, for finance",
    "payments.Withdrawal.hold_reason": "written by finance staff or Garap, for finance",
    "payments.PayoutDestination.channel_code": "the gateway's bank or e-wallet code",
    "payments.PayoutDestination.account_number": "the payee's own bank details, for finance",
    "payments.PayoutDestination.holder_name": "the payee's own bank details, for finance",
    "payments.PayoutDestination.label": "the payee's own name for the account; only they see it",
    "payments.DepositRefund.reason": "written by finance staff, sent to the gateway",
    "payments.DepositRefund.idempotency_key": "the refund's key, written by Garap",
    "payments.DepositRefund.gateway_reference": "the gateway's id for the refund",
    "payments.DepositRefund.failure": "the gateway's refusal, for finance",
    "payments.IdentityCheck.legal_name": "the freelancer's own identity, for finance only",
    "payments.IdentityCheck.nik": "the freelancer's own identity, for finance only",
    "payments.IdentityCheck.rejection_reason": "written by finance staff to the freelancer",
    "payments.IdempotencyRecord.key": "internal",
    "payments.IdempotencyRecord.endpoint": "internal",
    "payments.IdempotencyRecord.request_hash": "internal",
    "projects.GigAttachment.content_type": "set by the server from the file's content",
    "projects.MessageAttachment.content_type": "set by the server from the file's content",
    "projects.DeliveryFile.content_type": "set by the server from the file's content",
    "projects.ReputationEvent.reference": "internal",
    # Written on a funded milestone: both parties are protected by the escrow, and only they
    # (and moderators) read these.
    "projects.Delivery.note": "written on a funded milestone, read by the parties only",
    "projects.DeliveryFile.original_name": "delivered on a funded milestone to the parties only",
    "projects.Dispute.reason": "a dispute is opened on funded work, read by the parties only",
}


def garap_models() -> list[type[models.Model]]:
    """The models of the apps in this repository (not Django's or a library's)."""
    root = Path(settings.BASE_DIR).resolve()
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == root  # not a library's, even in a local .venv
        for model in config.get_models()
    ]


def label(model: type[models.Model], field: models.Field) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def text_fields() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for model in garap_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, MaskedCopyField)
        and not field.choices
    ]


def test_the_three_apps_are_looked_at():
    assert {model._meta.app_label for model in garap_models()} >= {
        "accounts",
        "payments",
        "projects",
    }


def test_every_text_field_is_masked_refusing_or_allowed_with_a_reason():
    unfiltered = [
        label(model, field)
        for model, field in text_fields()
        if field.name not in masked_copies(model)
        and refuse_contact_details not in field.validators
        and label(model, field) not in ALLOWED
    ]
    assert unfiltered == [], (
        "Text fields nobody decided about: give each a MaskedCopyField (accounts.masking) and "
        "mask it in the service that writes it, or the refuse_contact_details validator, or "
        "add it to ALLOWED with the reason no counterparty or the public reads it before funding."
    )


def test_the_allow_list_names_only_unfiltered_fields_that_exist():
    fields = {label(model, field): (model, field) for model, field in text_fields()}
    assert sorted(set(ALLOWED) - set(fields)) == []
    filtered = [
        name
        for name in ALLOWED
        if fields[name][1].name in masked_copies(fields[name][0])
        or refuse_contact_details in fields[name][1].validators
    ]
    assert filtered == []
    assert all(reason.strip() for reason in ALLOWED.values())


def test_each_masked_copy_names_a_text_field_and_its_author():
    copies = [(model, copy) for model in garap_models() for copy in masked_copies(model).values()]
    assert len(copies) >= 13
    for model, copy in copies:
        original = model._meta.get_field(copy.of)
        assert isinstance(original, models.CharField | models.TextField), label(model, copy)
        assert copy.name == f"{copy.of}_masked"
        assert not copy.editable
        # The author path starts at a field of the model: a foreign key or its id.
        first, *rest = copy.author.split(".")
        field = model._meta.get_field(first.removesuffix("_id"))
        assert field.is_relation, label(model, copy)
        if rest:
            assert field.related_model._meta.get_field(rest[0].removesuffix("_id")).is_relation
