"""Every one-line text field people type refuses control characters (marketplace.text), in the
models, the API's write serializers and the pages' forms. A new CharField fails here until it
takes the validator or is listed as written by the machine (or as a search/lookup box)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.db import models
from rest_framework import serializers

import projects.api
from marketplace.text import validate_single_line

# Model CharFields that people type, one line each.
TYPED = {
    "accounts.User.display_name",
    "accounts.FreelancerProfile.headline",
    "accounts.FreelancerProfile.city",
    "accounts.ClientProfile.shop_name",
    "accounts.PortfolioItem.title",
    "accounts.Category.name_id",
    "accounts.Category.name_en",
    "accounts.Skill.name",
    "projects.Gig.title",
    "projects.Service.title",
    "projects.ServicePackage.name",
    "projects.Milestone.title",
    "payments.Withdrawal.bank_code",
    "payments.Withdrawal.account_number",
    "payments.Withdrawal.holder_name",
    "payments.Withdrawal.rejection_reason",
    "payments.Withdrawal.hold_reason",
    "payments.PayoutDestination.account_number",
    "payments.PayoutDestination.holder_name",
    "payments.PayoutDestination.label",
    "payments.IdentityCheck.legal_name",
    "payments.IdentityCheck.rejection_reason",
    "payments.DepositRefund.reason",
}
# Written by Garap itself (keys, digests, references, copies), checked some other way (the
# username's pattern, a URL field, a password hash), or names first refused by the upload checks.
NOT_TYPED = {
    "accounts.User.username",  # a strict pattern: letters, digits, dots, underscores
    "accounts.User.first_name",  # Django's own; Garap shows and asks for display_name instead
    "accounts.User.last_name",
    "accounts.User.password",
    "payments.IdentityCheck.nik",  # 16 digits, the API's and the form's pattern and payments.nik
}


def _fields() -> list[tuple[str, models.CharField]]:
    found = []
    for label in ("accounts", "projects", "payments"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.CharField)
                    and not isinstance(field, (models.EmailField, models.URLField))
                    and not field.choices
                    and field.editable
                ):
                    found.append((f"{label}.{model.__name__}.{field.name}", field))
    return found


@pytest.mark.parametrize("name", sorted(TYPED))
def test_typed_model_fields_refuse_control_characters(name):
    fields = dict(_fields())
    assert validate_single_line in fields[name].validators, name


# Every machine-written CharField, so that a new typed one cannot slip through unlisted.
MACHINE = {
    # keyed hashes of where people sign in from (accounts.signins), and a refusal's code
    "accounts.SignIn.address_hash",
    "accounts.SignIn.device_hash",
    "accounts.PortfolioImage.error_code",
    "accounts.ModeratorAction.target_type",
    "accounts.ModeratorAction.target_repr",
    "accounts.PortfolioImage.content_type",
    "accounts.ReputationChange.figure",
    "accounts.ReputationChange.old_value",
    "accounts.ReputationChange.new_value",
    "accounts.ReputationChange.reference",
    # what a payment is for, an opaque reference the service writes ("milestone:42")
    "payments.Deposit.purpose",
    "accounts.AuthToken.digest",
    "accounts.AuthToken.prefix",
    "accounts.Notification.kind",
    "accounts.Notification.key",
    "accounts.Notification.title",  # made from typed fields; e-mail subjects are cleaned too
    "accounts.Notification.link",
    # notices on phones: a browser's keys (the API's base64url patterns), the E.164 number the
    # service normalises, and what the providers answered
    "accounts.PushSubscription.p256dh",
    "accounts.PushSubscription.auth",
    "accounts.WhatsAppContact.phone",
    "accounts.WhatsAppContact.stop_reason",
    "accounts.NoticeDelivery.provider_id",
    "accounts.NoticeDelivery.error",
    "accounts.Category.slug",
    "accounts.Skill.slug",
    "projects.GigAttachment.original_name",
    "projects.GigAttachment.content_type",
    "projects.MessageAttachment.original_name",
    "projects.MessageAttachment.content_type",
    "projects.DeliveryFile.original_name",
    "projects.DeliveryFile.content_type",
    "projects.ReputationEvent.reference",
    "payments.Account.reference",
    "payments.LedgerTransaction.idempotency_key",
    "payments.LedgerTransaction.reference",
    "payments.LedgerTransaction.description",
    "payments.Deposit.provider",
    "payments.Deposit.reference",
    "payments.Deposit.provider_reference",
    "payments.Deposit.checkout_url",
    "payments.Deposit.gateway_outcome",
    "payments.DepositRefund.idempotency_key",
    "payments.DepositRefund.gateway_reference",
    "payments.DepositRefund.failure",
    "payments.IdempotencyRecord.key",
    "payments.IdempotencyRecord.endpoint",
    "payments.IdempotencyRecord.request_hash",
    # a payout's identifiers and the gateway's codes and words (payments.services.payouts and
    # payout_outcomes), and
    # a channel code from the gateway's list (the API's pattern)
    "payments.Withdrawal.channel_code",
    "payments.Withdrawal.payout_reference",
    "payments.Withdrawal.payout_idempotency_key",
    "payments.Withdrawal.payout_provider",
    "payments.Withdrawal.provider_reference",
    "payments.Withdrawal.failure_reason",
    "payments.Withdrawal.payout_error",
    "payments.PayoutDestination.channel_code",
}


def test_every_model_char_field_is_listed():
    names = {name for name, _field in _fields()}
    unlisted = names - TYPED - MACHINE - NOT_TYPED
    assert unlisted == set(), (
        f"decide: typed one-line text (validator) or machine-written: {unlisted}"
    )


def _package_modules(package: str) -> list[str]:
    """Every module of an API package, so a new part is checked without being listed."""
    return [
        f"{package}.{info.name}"
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__)
    ]


SERIALIZER_MODULES = [
    *_package_modules("accounts.api"),
    # Every module of the projects API, each part's serializers beside its views.
    *sorted(
        module.name for module in pkgutil.walk_packages(projects.api.__path__, "projects.api.")
    ),
    "payments.api.deposits",
    "payments.api.wallet",
    "payments.api.webhooks",
    "payments.api.withdrawals",
]
# Writable one-line CharFields that are lookups or searches (never stored or shown to others).
LOOKUPS = {
    "FreelancerQuerySerializer.skills",
    "FreelancerQuerySerializer.city",
    "GigBrowseQuerySerializer.q",
    "GigBrowseQuerySerializer.skills",
    "ServiceBrowseQuerySerializer.q",
    "ServiceBrowseQuerySerializer.skills",
    "InvitationCreateSerializer.freelancer",
    "ReportCreateSerializer.username",
    "LoginSerializer.username",
    "LoginSerializer.password",
    "RegisterSerializer.password",
}


def _serializer_fields() -> list[tuple[str, serializers.Field]]:
    found = []
    for module_name in SERIALIZER_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, serializers.Serializer) or cls.__module__ != module_name:
                continue
            for field_name, field in cls().fields.items():
                if (
                    type(field) is serializers.CharField
                    and not field.read_only
                    and field.max_length is not None
                    and field.max_length <= 300  # longer ones are multi-line texts
                ):
                    found.append((f"{name}.{field_name}", field))
    return found


def test_every_one_line_write_field_of_the_api_refuses_control_characters():
    missing = [
        name
        for name, field in _serializer_fields()
        if name not in LOOKUPS and validate_single_line not in field.validators
    ]
    assert missing == []
    assert len(_serializer_fields()) > len(LOOKUPS)  # the walk found the fields


FORM_MODULES = ["accounts.pages.forms", "projects.pages.gig_forms", "payments.pages.forms"]
FORM_LOOKUPS = {"FreelancerFilterForm.city", "BrowseForm.q", "InviteForm.freelancer"}


def test_every_one_line_field_of_the_pages_refuses_control_characters():
    missing, seen = [], 0
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module_name:
                continue
            for field_name, field in cls.base_fields.items():
                one_line = type(field) is forms.CharField and not isinstance(
                    field.widget, (forms.Textarea, forms.PasswordInput, forms.HiddenInput)
                )
                if not one_line:
                    continue
                seen += 1
                label = f"{name}.{field_name}"
                if label not in FORM_LOOKUPS and validate_single_line not in field.validators:
                    missing.append(label)
    assert missing == []
    assert seen >= 6
