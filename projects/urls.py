from django.urls import path

from projects import apis

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="category-list"),
    path("skills/", apis.SkillListApi.as_view(), name="skill-list"),
]
