"""The reputation figures Garap publishes (docs/reputation.md), in one package.

- ``calculation``: the definitions, and the per-user reference computation (plain ORM queries)
- ``nightly``: the same figures for every user at once, in a few set-based statements
- ``services``: the events that may move a figure, recorded durably, and the recalculations
  (per user, debounced; everyone, nightly) that write the figures

The figures themselves are stored on the profiles in accounts (``FreelancerProfile``,
``ClientProfile``), with their change log; only this package writes them.
"""
