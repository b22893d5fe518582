"""Data made up for a running Garap, kept apart from the domain: no model, service, selector or
task imports it (an import-linter contract), and nothing here is used when serving people.

- ``demo``: the demo data ``make run`` loads (``manage.py load_demo_data``), built through the
  same services people use
- ``generate``: the benchmark's generated marketplace (``manage.py generate_data --gigs N``,
  ``make bench``), written in bulk

Why inside projects and not a package of its own: both write rows of all three apps (users and
the taxonomy of accounts, the ledger of payments, gigs and contracts of projects), and projects
is the one app allowed to import the other two (projects → payments → accounts). The management
commands stay where Django finds them, in ``projects/management/commands``.
"""
