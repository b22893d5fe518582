"""``Authorization: Bearer <token>`` for the API, with expiry and revocation."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts import selectors
from accounts.models import AuthToken, User
from accounts.services import token_digest


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, AuthToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Malformed Authorization header. Send: Authorization: Bearer <token>.")
            )
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("The token is not valid. Log in again.")
            ) from None

        token = selectors.token_get_by_digest(digest=token_digest(raw))
        if token is None or not selectors.token_is_current(token=token):
            raise exceptions.AuthenticationFailed(
                _("The token is not valid or was revoked. Log in again to get a new one.")
            )
        if selectors.token_is_expired(token=token):
            raise exceptions.AuthenticationFailed(
                _("Your token has expired. Log in again to get a new one.")
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is deactivated."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
