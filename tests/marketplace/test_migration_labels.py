"""RelabelFields gives fields their admin labels in the migration state, without the cost of one
AlterField per field; no migration relabels fields the slow way again."""

from __future__ import annotations

import pytest
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AlterField
from django.db.migrations.state import ProjectState

from marketplace.migration_labels import RelabelFields

LABELLED = ("projects", "0019_admin_labels_translated")


@pytest.fixture(scope="module")
def loader() -> MigrationLoader:
    return MigrationLoader(None, ignore_no_migrations=True)


@pytest.fixture
def before(loader: MigrationLoader) -> ProjectState:
    """The project's state just before the projects app's labels, its models rendered."""
    state = loader.project_state(LABELLED, at_end=False)
    state.apps  # noqa: B018 - rendered, as during `migrate`
    return state


def relabel(state: ProjectState, labels: dict[str, str]) -> ProjectState:
    after = state.clone()
    RelabelFields("bid", labels).state_forwards("projects", after)
    return after


def test_the_state_and_the_rendered_model_take_the_labels(before: ProjectState) -> None:
    after = relabel(before, {"cover_letter": "surat", "freelancer": "pekerja"})

    fields = after.models["projects", "bid"].fields
    assert fields["cover_letter"].deconstruct()[3]["verbose_name"] == "surat"
    assert fields["freelancer"].deconstruct()[3]["verbose_name"] == "pekerja"
    rendered = after.apps.get_model("projects", "bid")._meta
    assert rendered.get_field("cover_letter").verbose_name == "surat"
    assert rendered.get_field("freelancer").verbose_name == "pekerja"


def test_nothing_but_the_label_changes(before: ProjectState) -> None:
    after = relabel(before, {"cover_letter": "surat", "freelancer": "pekerja"})

    old = before.models["projects", "bid"].fields
    new = after.models["projects", "bid"].fields
    assert list(new) == list(old)  # the fields' order
    for name in ("cover_letter", "freelancer"):
        old_kwargs = {**old[name].deconstruct()[3], "verbose_name": None}
        new_kwargs = {**new[name].deconstruct()[3], "verbose_name": None}
        assert new_kwargs == old_kwargs
        assert new[name].deconstruct()[1:3] == old[name].deconstruct()[1:3]


def test_the_earlier_state_keeps_its_field_objects(before: ProjectState) -> None:
    old_field = before.models["projects", "bid"].fields["cover_letter"]
    old_label = old_field.deconstruct()[3].get("verbose_name")

    relabel(before, {"cover_letter": "surat"})

    assert before.models["projects", "bid"].fields["cover_letter"] is old_field
    assert old_field.deconstruct()[3].get("verbose_name") == old_label


def test_the_relations_index_holds_the_new_field(before: ProjectState) -> None:
    before.relations  # noqa: B018 - built, as the autodetector builds it
    after = relabel(before, {"freelancer": "pekerja"})

    new_field = after.models["projects", "bid"].fields["freelancer"]
    to_user = after.relations["accounts", "user"]["projects", "bid"]
    assert to_user["freelancer"] is new_field


def test_it_does_no_database_work(before: ProjectState) -> None:
    after = relabel(before, {"cover_letter": "surat"})
    operation = RelabelFields("bid", {"cover_letter": "surat"})

    # Without a schema editor any database work would fail: there is none to fail.
    operation.database_forwards("projects", None, before, after)
    operation.database_backwards("projects", None, after, before)
    assert operation.reversible
    assert not operation.reduces_to_sql


def test_no_migration_relabels_fields_one_alter_field_at_a_time(loader: MigrationLoader) -> None:
    """``makemigrations`` writes a label change as AlterField: rewrite those as RelabelFields
    (see the admin label migrations), or every test database pays for them."""
    label_only = []
    for key, migration in loader.graph.nodes.items():
        if key[0] not in ("accounts", "projects", "payments"):
            continue
        alters = [op for op in migration.operations if isinstance(op, AlterField)]
        if not alters:
            continue
        state = loader.project_state(key, at_end=False)
        for operation in migration.operations:
            if isinstance(operation, AlterField):
                old = state.models[key[0], operation.model_name_lower].fields[operation.name]
                _, old_path, old_args, old_kwargs = old.deconstruct()
                _, new_path, new_args, new_kwargs = operation.field.deconstruct()
                old_kwargs.pop("verbose_name", None)
                new_kwargs.pop("verbose_name", None)
                if (old_path, old_args) == (new_path, new_args) and _same(old_kwargs, new_kwargs):
                    label_only.append(f"{key[1]}: {operation.model_name}.{operation.name}")
            operation.state_forwards(key[0], state)
    assert label_only == []


def _same(old: dict, new: dict) -> bool:
    if old.keys() != new.keys():
        return False
    # A field given as an argument (GeneratedField's output_field) is compared by what it is.
    return all(
        old[name].deconstruct()[1:] == new[name].deconstruct()[1:]
        if hasattr(old[name], "deconstruct") and hasattr(new[name], "deconstruct")
        else old[name] == new[name]
        for name in old
    )
