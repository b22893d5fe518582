"""Public reads of the taxonomy: anyone may see which categories exist and their minimums."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions

from marketplace.api import CursorPagination
from projects import selectors
from projects.serializers import CategorySerializer, SkillSerializer


class TaxonomyPagination(CursorPagination):
    ordering = ("position", "id")


@extend_schema(tags=["taxonomy"])
class CategoryListApi(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = CategorySerializer
    pagination_class = TaxonomyPagination

    def get_queryset(self):
        return selectors.category_list()


class SkillPagination(CursorPagination):
    ordering = ("name", "id")


@extend_schema(tags=["taxonomy"])
class SkillListApi(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = SkillSerializer
    pagination_class = SkillPagination
    filterset_fields = ["category"]

    def get_queryset(self):
        return selectors.skill_list()
