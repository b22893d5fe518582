"""The benchmark checks what it times: a search the API did not understand, or a page shorter
than the one asked for, stops the run (bench/answers.py)."""

from __future__ import annotations

import pytest

from bench.answers import WrongAnswer, check, list_problems, search_problems

BASE = "http://bench.test"


def server(gigs: dict[int, str], listed: list[int], *, more: bool = True):
    """A fake of the gig list and detail answers: ``listed`` ids on the page asked for."""

    def fetch(url: str) -> tuple[int, dict]:
        path = url.removeprefix(BASE)
        if path.startswith("/api/v1/gigs/?"):
            return 200, {"results": [{"id": i} for i in listed], "next": "x" if more else None}
        gig_id = int(path.strip("/").rsplit("/", 1)[1])
        return 200, {"title": gigs[gig_id], "description": ""}

    return fetch


def test_a_search_whose_results_hold_the_word_passes():
    gigs = {1: "Logo kopi andaliman", 2: "Poster ANDALIMAN asli"}
    check(
        BASE, "/api/v1/gigs/?q=andaliman", word="andaliman", fetch=server(gigs, [1, 2], more=False)
    )


def test_a_search_answered_with_the_plain_list_fails():
    """``?search=`` is ignored by the API: the answer is the list, whose gigs lack the word."""
    gigs = {n: f"Desain logo {n}" for n in range(1, 21)}
    with pytest.raises(WrongAnswer, match="returned gig 1, which does not hold it"):
        check(
            BASE, "/api/v1/gigs/?search=andaliman", word="andaliman", fetch=server(gigs, list(gigs))
        )


def test_an_empty_search_result_is_an_answer():
    """A rare word may match no open gig on a small data set."""
    check(BASE, "/api/v1/gigs/?q=andaliman", word="andaliman", fetch=server({}, [], more=False))


def test_a_page_shorter_than_asked_with_more_to_come_fails():
    assert list_problems("/api/v1/gigs/?page_size=100", 200, {"results": [{}] * 20, "next": "x"})
    assert list_problems("/api/v1/gigs/", 200, {"results": [{}] * 20, "next": "x"}) == []
    assert list_problems("/api/v1/gigs/", 200, {"results": [{}] * 3, "next": None}) == []


def test_an_error_or_an_answer_without_results_fails():
    assert list_problems("/api/v1/gigs/", 404, {}) == ["/api/v1/gigs/: 404"]
    assert list_problems("/api/v1/gigs/", 200, {"detail": "x"}) == [
        "/api/v1/gigs/: no results list in the answer"
    ]


def test_the_word_is_looked_for_in_any_case():
    assert search_problems("Jamu", {1: "jamu gendong"}) == []
    assert search_problems("jamu", {1: "rendang"}) == [
        "search for 'jamu' returned gig 1, which does not hold it"
    ]
