import pytest

from tests.conftest import client_for
from tests.projects.factories import CategoryFactory, SkillFactory


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_categories_are_public_with_their_minimum_price(api_client, user, who):
    CategoryFactory(slug="caption", name_id="Caption", name_en="Captions", min_price=25_000)
    CategoryFactory(slug="lama", is_active=False)
    client = api_client if who == "anonymous" else client_for(user)

    response = client.get("/api/v1/categories/")

    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["results"]] == ["caption"]
    assert response.json()["results"][0]["min_price"] == 25_000


@pytest.mark.django_db
def test_skills_filter_by_category(api_client):
    design = CategoryFactory()
    SkillFactory(name="Canva", category=design)
    SkillFactory(name="Excel")

    response = api_client.get("/api/v1/skills/", {"category": design.pk})

    assert [s["name"] for s in response.json()["results"]] == ["Canva"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "category=abc",
        "category=-1",
        "category=99999999999999999999999",
        "category=",
        "category=1&category=2",
    ],
)
def test_bad_skill_filter_is_a_400(api_client, query):
    response = api_client.get(f"/api/v1/skills/?{query}")

    assert response.status_code == 400
    assert "category" in response.json()["fields"]
