"""The accessibility check itself can fail: a page with problems axe must find is refused."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_accessible, axe_violations

BROKEN = """<!doctype html><html lang="en"><head><title>t</title></head><body><main>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button></button>
<label>Amount <input id="a"></label><input id="b" type="text">
</main></body></html>"""


def test_axe_finds_what_a_person_with_a_screen_reader_would_miss(page):
    page.set_content(BROKEN)

    found = {violation["id"] for violation in axe_violations(page)}

    assert {"image-alt", "button-name", "label"} <= found
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, "broken")
