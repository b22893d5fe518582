"""The taxonomy's API: the categories and skills gigs and profiles are filed under."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Category, Skill
from accounts.selectors import category_list, skill_list
from marketplace.api.pagination import CursorPagination, PageQuerySerializer, page_of, paginate
from marketplace.api.query import validated_query
from projects.api.shared import MAX_INT


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name_id", "name_en", "min_price"]


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "slug", "name", "category"]


class SkillQuerySerializer(serializers.Serializer):
    category = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_INT, help_text="Only this category's skills."
    )
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


# --- views ----------------------------------------------------------------------------------------


class TaxonomyPagination(CursorPagination):
    ordering = ("position", "id")


@extend_schema(tags=["taxonomy"])
class CategoryListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[PageQuerySerializer], responses=page_of(CategorySerializer))
    def get(self, request: Request) -> Response:
        return paginate(
            self,
            request,
            category_list(),
            CategorySerializer,
            ordering=("position", "id"),
        )


@extend_schema(tags=["taxonomy"])
class SkillListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SkillQuerySerializer], responses=page_of(SkillSerializer))
    def get(self, request: Request) -> Response:
        query = validated_query(SkillQuerySerializer, request)
        skills = skill_list(category_id=query.get("category"))
        return paginate(self, request, skills, SkillSerializer, ordering=("name", "id"))
