"""Shapes more than one part of the API shows: the account as its owner sees it, a skill, a
portfolio item with its images (on a freelancer's profile and in projects' reviews), and a
written text as the request's user may read it (projects' serializers use it too)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rest_framework import serializers

from accounts.masking import shown
from accounts.models import PortfolioImage, User
from accounts.photos import photo_url
from marketplace.api.strict import StrictModelSerializer
from marketplace.images import refusal_message

if TYPE_CHECKING:
    from accounts.requests import Viewer


def request_viewer(context: Mapping[str, Any]) -> Viewer:
    """The user a serializer's output is for (``context["request"].user``); None without one,
    who is nobody's author."""
    return getattr(context.get("request"), "user", None)


class ShownTextField(serializers.CharField):
    """A text someone wrote, as this request's user may read it: with contact details masked
    unless they wrote it or moderate (``accounts.masking.shown``, from the stored copies)."""

    def __init__(self, text: str | None = None, *, of: str = "", **kwargs: Any) -> None:
        # The model field; the serializer field's own name by default (bind() sets it).
        self.text = text or ""
        self.of = of  # the attribute path to the row holding it ("contract.gig"); "" for itself
        # Not read_only: these serializers only answer, and the schema keeps its shape.
        super().__init__(source="*", **kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        self.text = self.text or field_name

    def to_representation(self, obj: Any) -> str:
        for name in self.of.split(".") if self.of else ():
            obj = getattr(obj, name)
        return shown(obj, self.text, request_viewer(self.context))


class UserSerializer(StrictModelSerializer):
    """The logged-in user's own account."""

    photo_url = serializers.SerializerMethodField(
        help_text="The profile photo's URL (set it with PUT me/photo/), or empty without one."
    )

    def get_photo_url(self, user: User) -> str:
        return photo_url(user)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "email_verified_at",
            "display_name",
            "preferred_language",
            "date_joined",
            "photo_url",
        ]
        read_only_fields = ["id", "username", "email", "email_verified_at", "date_joined"]


class SkillRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class PortfolioImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=PortfolioImage.Status.choices,
        help_text=(
            "`processing` right after the upload, while a worker cleans the image (only its "
            "owner sees it then); `ready` once shown to everyone; `failed` when the picture "
            "turned out unreadable (see `error`; delete it and upload again)."
        ),
    )
    error = serializers.SerializerMethodField(help_text="Why processing failed, else null.")
    url = serializers.SerializerMethodField(help_text="Null until the image is ready.")
    content_type = serializers.CharField()
    width = serializers.IntegerField(help_text="Pixels, as shown (final once ready).")
    height = serializers.IntegerField()
    size = serializers.IntegerField(help_text="Bytes: as uploaded until ready, then as stored.")

    def get_url(self, image: PortfolioImage) -> str | None:
        if image.status != PortfolioImage.Status.READY:
            return None
        return f"/api/v1/portfolio-items/{image.item_id}/images/{image.pk}/"

    def get_error(self, image: PortfolioImage) -> str | None:
        if image.status != PortfolioImage.Status.FAILED:
            return None
        return refusal_message(image.error_code)


class PortfolioItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    owner = serializers.CharField(source="owner.username")
    title = ShownTextField()
    description = ShownTextField()
    category = serializers.CharField(source="category.slug", allow_null=True, default=None)
    skills = SkillRefSerializer(many=True, source="skills.all")
    link = serializers.CharField()
    position = serializers.IntegerField()
    verified_contract = serializers.IntegerField(
        source="contract_id",
        allow_null=True,
        help_text="Set when this is paid work delivered on Garap, shown with the client's leave.",
    )
    images = PortfolioImageSerializer(many=True, source="images.all")
    created_at = serializers.DateTimeField()
