"""Garap's benchmark (issue #9): ``make bench`` or ``python -m bench``; see bench/__main__.py."""
