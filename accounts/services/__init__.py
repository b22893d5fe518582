"""Writes for accounts. ``users``: sign-up, tokens, settings, notices; ``profiles``: the public
profile, the client's shop name, e-mail verification; ``portfolio``: portfolio items and images."""

from accounts.services.account_emails import (
    account_email_deliver,
    account_email_request,
    email_verification_token,
)
from accounts.services.audit import audit_record
from accounts.services.notifications import (
    notification_email_deliver,
    notification_emails_pending,
    notification_mark_read,
    notification_preferences_update,
    notification_send,
)
from accounts.services.photos import user_photo_remove, user_photo_set
from accounts.services.portfolio import (
    portfolio_image_add,
    portfolio_image_delete,
    portfolio_item_create,
    portfolio_item_delete,
    portfolio_item_save,
    portfolio_item_step,
    portfolio_item_unlink_contract,
    portfolio_item_update,
)
from accounts.services.profiles import (
    client_profile_update,
    email_verification_send,
    email_verify,
    freelancer_profile_update,
    profiles_ensure,
)
from accounts.services.signins import fingerprint, sign_in_record
from accounts.services.users import (
    token_digest,
    token_issue,
    token_obtain,
    token_revoke,
    user_logout_everywhere,
    user_password_set,
    user_register,
    user_update,
)

__all__ = [
    "account_email_deliver",
    "account_email_request",
    "audit_record",
    "client_profile_update",
    "email_verification_send",
    "email_verification_token",
    "email_verify",
    "fingerprint",
    "freelancer_profile_update",
    "notification_email_deliver",
    "notification_emails_pending",
    "notification_mark_read",
    "notification_preferences_update",
    "notification_send",
    "portfolio_image_add",
    "portfolio_image_delete",
    "portfolio_item_create",
    "portfolio_item_delete",
    "portfolio_item_save",
    "portfolio_item_step",
    "portfolio_item_unlink_contract",
    "portfolio_item_update",
    "profiles_ensure",
    "sign_in_record",
    "token_digest",
    "token_issue",
    "token_obtain",
    "token_revoke",
    "user_logout_everywhere",
    "user_password_set",
    "user_photo_remove",
    "user_photo_set",
    "user_register",
    "user_update",
]
