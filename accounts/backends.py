"""Log in with a username or an e-mail address, in any letter case, behind the per-account
login delay (``accounts.lockout``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts import lockout
from accounts.models import User


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        field = "email__iexact" if "@" in username else "username__iexact"
        user = User.objects.filter(**{field: username}).first()
        key = lockout.subject_key(identifier=username, user_id=user.pk if user else None)
        wait = lockout.seconds_left(key)
        if wait:
            # Refused unchecked: a guess made while the delay runs tells nothing and does not
            # lengthen the delay (which would let an attacker keep the owner out).
            lockout.mark_delayed(request, wait)
            return None
        if user is None:
            # Spend the same time as a real check, so timing does not reveal who has an account.
            User().set_password(password)
            lockout.record_failure(key)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            lockout.clear(key)
            return user
        lockout.record_failure(key)
        return None
