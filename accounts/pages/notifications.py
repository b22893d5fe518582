"""The notifications page: one's notices newest first, unread ones marked, each leading to the
page it is about. Reading one (a POST) marks it read and opens that page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.notices import notice_page_path
from accounts.requests import SignedInHttpRequest
from marketplace.pages import cursor_page

PAGE_SIZE = 20
ORDERING = ("-created_at", "-id")


@login_required
def notification_list(request: SignedInHttpRequest) -> HttpResponse:
    page = cursor_page(
        request, selectors.notification_list(user=request.user), ORDERING, page_size=PAGE_SIZE
    )
    for notice in page.items:
        notice.page_path = notice_page_path(notice.link)
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: SignedInHttpRequest, notification_id: int) -> HttpResponse:
    notice = selectors.notification_get(user=request.user, notification_id=notification_id)
    services.notification_mark_read(notification=notice)
    return redirect(notice_page_path(notice.link))


@login_required
@require_POST
def notification_read_all(request: SignedInHttpRequest) -> HttpResponse:
    # One write per unread notice, through the service that marks one (there is no bulk one);
    # unread notices are few, and each is marked at most once.
    unread = selectors.notification_list(user=request.user).filter(read_at__isnull=True)
    for notice in unread:
        services.notification_mark_read(notification=notice)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications")


urlpatterns = [
    path("notifications/", notification_list, name="notifications"),
    path("notifications/read-all/", notification_read_all, name="notifications-read-all"),
    path("notifications/<int:notification_id>/read/", notification_read, name="notification-read"),
]
