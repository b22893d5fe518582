"""The contract page's forms: types and lengths only, as the API's serializers check them.

The rules (who may act, in which state, how many revisions, enough money) live in
``projects.services``; a refusal comes back onto these forms through ``add_domain_error``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``; at most ``max_files``."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, max_files: int, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        self.max_files = max_files
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = data if isinstance(data, list | tuple) else [data]
        uploads = [upload for upload in uploads if upload]
        if len(uploads) > self.max_files:
            raise forms.ValidationError(
                _("At most %(n)d files.") % {"n": self.max_files}, code="max_files"
            )
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


class MilestoneActionForm(forms.Form):
    """Fund, approve, cancel: the button is the whole form."""


class MilestoneSubmitForm(forms.Form):
    note = forms.CharField(
        label=_("What you deliver"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what is done and where to look."),
    )
    # A form field: Django's form metaclass takes it out of the class, so Form.files (the
    # request's uploads) is not shadowed.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"),
        max_files=settings.ATTACHMENTS_PER_MESSAGE,
        # Formatted when read, in the page's language: "lazy % n" would translate at import.
        help_text=lazy(
            lambda: (
                gettext("Optional: up to %(n)d files (PDF, images, documents).")
                % {"n": settings.ATTACHMENTS_PER_MESSAGE}
            ),
            str,
        )(),
    )


class RevisionRequestForm(forms.Form):
    note = forms.CharField(
        label=_("What should change"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What went wrong"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The money is frozen until a moderator settles the dispute."),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(  # type: ignore[assignment]  # a form field, as above
        label=_("Attach files"), max_files=settings.ATTACHMENTS_PER_MESSAGE
    )


SCORES = [(n, str(n)) for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    quality = forms.TypedChoiceField(
        label=_("Quality"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    communication = forms.TypedChoiceField(
        label=_("Communication"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    value = forms.TypedChoiceField(
        label=_("Value"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
