import pytest

from tests.projects.factories import CategoryFactory

URL = "/api/v1/categories/"


@pytest.mark.django_db
def test_page_size_is_capped_and_pages_follow_by_cursor(api_client):
    CategoryFactory.create_batch(130)

    over_cap = api_client.get(URL, {"page_size": 101})
    first = api_client.get(URL, {"page_size": 100}).json()
    second = api_client.get(first["next"]).json()

    assert set(first) == {"next", "previous", "results"}  # no count: no COUNT(*) on big tables
    assert len(first["results"]) == 100
    assert len(second["results"]) == 30
    assert second["next"] is None
    ids = [c["id"] for c in first["results"] + second["results"]]
    assert len(set(ids)) == 130
    assert over_cap.status_code == 400
    assert over_cap.json()["fields"] == {"page_size": ["Must be a whole number from 1 to 100."]}


@pytest.mark.django_db
def test_default_page_size_is_20(api_client):
    CategoryFactory.create_batch(25)

    assert len(api_client.get(URL).json()["results"]) == 20


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [10, 200])
def test_list_issues_one_query_whatever_the_size(api_client, django_assert_num_queries, rows):
    CategoryFactory.create_batch(rows)

    with django_assert_num_queries(1) as captured:
        response = api_client.get(URL, {"page_size": 50})

    assert response.status_code == 200
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


@pytest.mark.django_db
def test_a_forged_cursor_is_a_400(api_client):
    # "o=abc": a cursor whose offset is not a number.
    response = api_client.get(URL, {"cursor": "bz1hYmM="})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "cursor": ["Invalid cursor. Start again from the first page."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["!!!", "*", "~~", "é"])
def test_a_cursor_that_is_not_base64_is_a_400_not_the_first_page(api_client, cursor):
    # DRF's decoder skips characters that are not base64: these decoded to an empty cursor,
    # which served the first page as if the client had asked for it.
    CategoryFactory.create_batch(3)

    response = api_client.get(URL, {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["fields"] == {
        "cursor": ["Invalid cursor. Start again from the first page."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "page_size=abc",
        "page_size=0",
        "page_size=-5",
        "page_size=1.5",
        "page_size=",
        "page_size=5&page_size=6",
    ],
)
def test_a_bad_page_size_is_a_400(api_client, query):
    response = api_client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert "page_size" in response.json()["fields"]
