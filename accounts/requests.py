"""Who is asking, as the type checker sees it.

Every API view needs a signed-in user unless it says otherwise (``IsAuthenticated`` is DRF's
default permission here) and the account pages sit behind ``login_required``: by the time such a
view's body runs, ``request.user`` is a ``User``, never ``AnonymousUser``. Django's and DRF's
request classes cannot know that, so these annotations say it. They are annotations only: at run
time they are the ordinary request classes, and nothing is checked or converted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    class SignedInRequest(Request):
        """A DRF request that passed ``IsAuthenticated``."""

        @property
        def user(self) -> User: ...
        @user.setter
        def user(self, value: User) -> None: ...

    class SignedInHttpRequest(HttpRequest):
        """A Django request behind ``login_required``."""

        user: User

    # Whoever made a request, signed in or not (``request.user``).
    Visitor: TypeAlias = User | AnonymousUser
    # The reader of a text or list: a user, an anonymous visitor, or None for nobody in
    # particular (a notice e-mail, a task): whoever is not signed in sees the public view.
    Viewer: TypeAlias = User | AnonymousUser | None
else:
    SignedInRequest = Request
    SignedInHttpRequest = HttpRequest
