"""Every path the benchmark times is first asked once and its answer checked, so a benchmark
that asks the wrong question fails instead of timing something else.

A search that the API does not understand (an unknown parameter is ignored) returns the plain
list, and the plain list is fast: without this check the "search" figures were those of the
list. So a search must return only gigs holding its word, and a list page must hold the page
size it asked for.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

# What the gig list gives when no page size is asked for (marketplace/api/pagination).
DEFAULT_PAGE_SIZE = 20


class WrongAnswer(Exception):
    """A measured path answered something else than what its measurement is about."""


def get_json(url: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our server
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, {}


def list_problems(path: str, status: int, body: dict) -> list[str]:
    """A list answered 200 with a page of ``results`` as long as the page size asked for."""
    if status != 200:
        return [f"{path}: {status}"]
    results = body.get("results")
    if not isinstance(results, list):
        return [f"{path}: no results list in the answer"]
    asked = parse_qs(urlsplit(path).query).get("page_size", [DEFAULT_PAGE_SIZE])[0]
    if len(results) != int(asked) and body.get("next"):
        return [f"{path}: {len(results)} results on a page of {asked} with more to come"]
    return []


def search_problems(word: str, texts: dict[int, str]) -> list[str]:
    """Every gig a search for ``word`` returned holds the word (its title and description,
    ``texts`` by gig id). Full-text search matches the word's stem, and the generated gigs
    hold the search words whole, so each text holds the word itself."""
    return [
        f"search for {word!r} returned gig {gig_id}, which does not hold it"
        for gig_id, text in sorted(texts.items())
        if word.lower() not in text.lower()
    ]


def check(
    base_url: str,
    path: str,
    *,
    word: str | None = None,
    fetch: Callable[[str], tuple[int, dict]] = get_json,
) -> None:
    """Ask ``path`` once; raise WrongAnswer when the answer is not what it stands for: a page
    of the list, and for a search (``word``) only gigs holding the word, whatever the path
    spells the search as."""
    status, body = fetch(base_url + path)
    problems = list_problems(path, status, body)
    if not problems and word:
        texts = {}
        for card in body["results"]:
            detail_status, gig = fetch(f"{base_url}/api/v1/gigs/{card['id']}/")
            if detail_status != 200:
                problems.append(f"{path}: gig {card['id']} answered {detail_status}")
                continue
            texts[card["id"]] = f"{gig.get('title', '')} {gig.get('description', '')}"
        problems += search_problems(word, texts)
    if problems:
        raise WrongAnswer("; ".join(problems[:5]))
