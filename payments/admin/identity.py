"""Identity checks, read-only; Finance approves or rejects them with the actions, which call
``identity_approve`` / ``identity_reject`` (each writes one audit record and tells the
freelancer). The KTP photo and the selfie are private files: this page shows them through
``image_view``, which serves them to holders of ``payments.review_identity`` only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import SignedInHttpRequest
from accounts.staff_admin import NoActionsOnOwnDeals
from marketplace.admin_actions import action_with_form, run_for_each
from marketplace.admin_base import ReadOnlyAdmin, staff_has
from payments.models import IdentityCheck
from payments.services.identity import identity_approve, identity_reject

IMAGES = {"ktp": "ktp_image", "selfie": "selfie_image"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class IdentityRejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("The freelancer is told this and may submit again."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
    )


@admin.register(IdentityCheck)
class IdentityCheckAdmin(NoActionsOnOwnDeals, ReadOnlyAdmin):
    """Identity checks; Finance decides them with the actions (never their own: no checkbox on
    their own rows, and the services refuse)."""

    list_display = ["id", "user", "legal_name", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", "created_at", "decided_at"]
    list_select_related = ["user", "decided_by"]
    search_fields = ["user__username", "legal_name", "nik"]
    fields = readonly_fields = (
        "user",
        "legal_name",
        "nik",
        "ktp",
        "selfie",
        "status",
        "rejection_reason",
        "decided_by",
        "decided_at",
        "images_deleted_at",
        "created_at",
    )
    actions = ["approve", "reject"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[IdentityCheck]:
        return self.staff_party(request, super().get_queryset(request))

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The photos are of someone's KTP: Finance only, not every staff member who may view.
        return staff_has(request, "payments.review_identity")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "payments.review_identity") or super().has_module_permission(
            request
        )

    def has_review_identity_permission(self, request: HttpRequest) -> bool:
        return staff_has(request, "payments.review_identity")

    def get_urls(self) -> list:
        return [
            path(
                "<path:object_id>/image/<str:which>/",
                self.admin_site.admin_view(self.image_view),
                name="payments_identitycheck_image",
            ),
            *super().get_urls(),
        ]

    def image_view(self, request: HttpRequest, object_id: str, which: str) -> FileResponse:
        """A check's KTP photo or selfie, for Finance only. Re-encoded by us (no active
        content), so shown inline; never cached by anyone else."""
        if which not in IMAGES or not self.has_view_permission(request):
            raise Http404
        check = self.get_object(request, unquote(object_id))
        if check is None:
            raise Http404
        image = getattr(check, IMAGES[which])
        if not image.name:
            raise Http404
        extension = image.name.rsplit(".", 1)[-1].lower()
        response = FileResponse(
            image.open("rb"), content_type=CONTENT_TYPES.get(extension, "application/octet-stream")
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def _image(self, check: IdentityCheck, which: str) -> SafeString | str:
        if not getattr(check, IMAGES[which]).name:
            return _("deleted") if check.images_deleted_at else "–"
        url = reverse("admin:payments_identitycheck_image", args=[check.pk, which])
        return format_html('<a href="{0}"><img src="{0}" alt="" style="max-width:320px"></a>', url)

    @admin.display(description=gettext_lazy("KTP photo"))
    def ktp(self, check: IdentityCheck) -> SafeString | str:
        return self._image(check, "ktp")

    @admin.display(description=gettext_lazy("selfie with the KTP"))
    def selfie(self, check: IdentityCheck) -> SafeString | str:
        return self._image(check, "selfie")

    @admin.action(
        description=gettext_lazy("Approve selected identity checks"),
        permissions=["review_identity"],
    )
    def approve(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[IdentityCheck]
    ) -> None:
        run_for_each(
            self,
            request,
            queryset.order_by("pk"),
            lambda check: identity_approve(check_id=check.pk, staff=request.user),
            _("%(count)s identity check(s) approved; the freelancers were told."),
        )

    @admin.action(
        description=gettext_lazy("Reject selected identity checks…"),
        permissions=["review_identity"],
    )
    def reject(
        self, request: SignedInHttpRequest, queryset: models.QuerySet[IdentityCheck]
    ) -> HttpResponse | None:
        return action_with_form(
            self,
            request,
            queryset.order_by("pk"),
            form_class=IdentityRejectForm,
            title=_("Reject identity checks"),
            apply=lambda request, check, data: identity_reject(
                check_id=check.pk, staff=request.user, reason=data["reason"]
            ),
            done_message=_("%(count)s identity check(s) rejected; the freelancers were told why."),
            action_name="reject",
        )
