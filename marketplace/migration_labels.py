"""A migration operation that changes what a model's fields are called, and nothing else.

The admin's labels (``verbose_name``) live in the migration state although no database holds
them. Written as one ``AlterField`` per field, a relabelling of the whole project is hundreds of
operations, and each one clones and re-renders the state's models: it tripled the time every
test database took to migrate. ``RelabelFields`` renames all of one model's fields at once,
renders nothing again, and does no database work, on the way forward or back.
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState


class RelabelFields(Operation):
    """Set ``verbose_name`` of ``model_name``'s fields to ``labels`` (field name → label)."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, model_name: str, labels: dict[str, str]) -> None:
        self.model_name = model_name
        self.labels = labels

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "labels": self.labels},
        )

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        model_key = (app_label, self.model_name.lower())
        fields = state.models[model_key].fields
        order = list(fields)
        for name, label in self.labels.items():
            # A field object of the state is never changed in place: earlier states share it.
            old = fields.pop(name)
            _, _, args, kwargs = old.deconstruct()
            field = old.__class__(*args, **{**kwargs, "verbose_name": label})
            if getattr(state, "_relations", None) is not None and old.is_relation:
                # ProjectState.alter_field's bookkeeping: the relations index holds the field
                # object, which is now another one.
                state.resolve_model_field_relations(model_key, name, old)
                fields[name] = field
                state.resolve_model_field_relations(model_key, name, field)
            fields[name] = field
        for name in order:  # the fields' order as it was
            fields[name] = fields.pop(name)
        # Where the models are already rendered, the rendered field takes its new label in place
        # instead of the model and everything related to it being rendered again (what makes
        # AlterField slow): a label is read by no schema editor and by no migration's code, so
        # the earlier states that share the rendered class are none the worse.
        if "apps" in state.__dict__:
            model = state.apps.get_model(*model_key)
            for name, label in self.labels.items():
                rendered = model._meta.get_field(name)
                rendered.verbose_name = rendered._verbose_name = label

    def database_forwards(self, app_label: str, schema_editor, from_state, to_state) -> None:
        pass

    def database_backwards(self, app_label: str, schema_editor, from_state, to_state) -> None:
        pass

    def describe(self) -> str:
        return f"Relabel the fields of {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"relabel_{self.model_name.lower()}"
