"""A freelancer's portfolio on the web: their list of pieces (``portfolio-manage``), adding,
editing, reordering and deleting them, and one piece as everyone sees it.

The same services and selectors as the API (accounts/api/portfolio.py): an image goes through
``portfolio_image_add`` — checked from its header in the request, cleaned by a worker — so the
pages have no rule of their own. A form's text and its image are saved together or not at all
(``portfolio_item_save``).

Only a freelancer with a public profile (a headline) manages a portfolio here: the pieces are
shown on that profile, so anyone else is offered to write one first. An item that is not the
visitor's own is a 404, as on the API.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.models import PortfolioImage, PortfolioItem
from accounts.pages.forms import CHECKBOXES, category_name, skill_groups
from accounts.requests import SignedInHttpRequest
from marketplace.errors import DomainError, NotFound
from marketplace.images import refusal_message
from marketplace.pages import add_domain_error
from marketplace.text import validate_single_line
from marketplace.upload_limits import IMAGE, accepts_uploads

FORM_ERROR = 400
IMAGE_TYPES = "image/jpeg,image/png,image/webp"
STEPS = {"up": -1, "down": 1}


class PortfolioItemForm(forms.Form):
    """The API's PortfolioItemWriteSerializer as a form, with one image to add."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=120,
        validators=[validate_single_line],
        help_text=gettext_lazy("What it is, e.g. “Logo for a coffee shop in Bandung”."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What you did, for whom and with what result (optional)."),
    )
    category = forms.TypedChoiceField(
        label=gettext_lazy("Category"), coerce=int, empty_value=None, required=False
    )
    skills = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Skills"), coerce=int, required=False, widget=CHECKBOXES
    )
    link = forms.URLField(
        label=gettext_lazy("Link to see it online"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy(
            "A portfolio site or a shop page (optional). Links to chat apps are not allowed."
        ),
    )
    image = forms.FileField(
        label=gettext_lazy("Add an image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
        help_text=gettext_lazy(
            "JPEG, PNG or WebP, at most 5 MB and 4096 pixels a side (optional). "
            "You can add more after saving."
        ),
    )

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[int, str]],
        skill_groups: list,
        takes_image: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("No category")),
            *categories,
        ]
        cast(forms.ChoiceField, self.fields["skills"]).choices = skill_groups
        if not takes_image:  # the item holds the most images it may: nothing to offer
            del self.fields["image"]


def _categories(keep: Any = None) -> list[tuple[int, str]]:
    """The listed categories, and ``keep`` (the item's own) even if it was retired since."""
    listed = list(selectors.category_list())
    if keep is not None and all(c.pk != keep.pk for c in listed):
        listed.append(keep)
    return [(c.pk, category_name(c)) for c in listed]


def _form(
    request: HttpRequest, item: PortfolioItem | None = None, **kwargs: Any
) -> PortfolioItemForm:
    takes_image = item is None or len(item.images.all()) < PortfolioItem.MAX_IMAGES
    bound = request.method == "POST"
    return PortfolioItemForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        categories=_categories(item.category if item else None),
        skill_groups=skill_groups(),
        takes_image=takes_image,
        **kwargs,
    )


def _not_a_freelancer(request: SignedInHttpRequest) -> HttpResponse | None:
    """The offer to write a freelancer profile first, for anyone without one (403: nothing
    here is theirs to do yet); None for a freelancer."""
    if selectors.freelancer_is_listed(user=request.user):
        return None
    return render(request, "accounts/portfolio/offer.html", status=403)


def _images_shown(item: PortfolioItem) -> None:
    """For the templates only: the first ready image, and how many are processing or failed
    (their owner sees those; the image address answers 409 until a worker cleaned them)."""
    images = list(item.images.all())
    ready = [i for i in images if i.status == PortfolioImage.Status.READY]
    item.thumbnail = ready[0] if ready else None  # type: ignore[attr-defined]
    item.processing = sum(i.status == PortfolioImage.Status.PROCESSING for i in images)  # type: ignore[attr-defined]
    item.failed = sum(i.status == PortfolioImage.Status.FAILED for i in images)  # type: ignore[attr-defined]
    item.category_name = category_name(item.category) if item.category_id else ""  # type: ignore[attr-defined]
    for image in images:
        image.refusal = refusal_message(image.error_code) if image.error_code else ""  # type: ignore[attr-defined]


def _manage(anchor: str = "") -> HttpResponse:
    return redirect(reverse("portfolio-manage") + (f"#{anchor}" if anchor else ""))


@login_required
def portfolio_manage(request: SignedInHttpRequest) -> HttpResponse:
    if (offer := _not_a_freelancer(request)) is not None:
        return offer
    items = list(selectors.portfolio_list(owner=request.user).order_by("position", "id"))
    for item in items:
        _images_shown(item)
    return render(request, "accounts/portfolio/manage.html", {"items": items})


def _save(
    request: SignedInHttpRequest, form: PortfolioItemForm, item_id: int | None
) -> PortfolioItem | None:
    """Save the form through the service; None when it is refused (the refusal is on the
    form, nothing is saved)."""
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    try:
        return services.portfolio_item_save(
            owner=request.user,
            item_id=item_id,
            title=data["title"],
            description=data["description"],
            category_id=data["category"],
            skill_ids=data["skills"],
            link=data["link"],
            image=data.get("image"),
        )
    except NotFound:
        raise  # another's item (or gone): the 404 page, not a message on the form
    except DomainError as refusal:
        add_domain_error(form, refusal)
        if refusal.code == "too_many_images" and "image" in form.fields:
            form.add_error("image", refusal.message)
        return None


def _summary(form: PortfolioItemForm) -> list[str]:
    """Said at the top of a failed form, where the eye is, as well as by each field."""
    return [_("Nothing was saved. Check the fields marked below.")] if form.errors else []


@login_required
@require_http_methods(["GET", "POST"])
@accepts_uploads(IMAGE)
def portfolio_add(request: SignedInHttpRequest) -> HttpResponse:
    if (offer := _not_a_freelancer(request)) is not None:
        return offer
    form = _form(request)
    if request.method == "POST":
        item = _save(request, form, None)
        if item is not None:
            messages.success(
                request, _("“%(title)s” is added to your portfolio.") % {"title": item.title}
            )
            return _manage(f"item-{item.pk}")
    context = {"form": form, "item": None, "summary": _summary(form)}
    status = FORM_ERROR if form.errors else 200
    return render(request, "accounts/portfolio/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@accepts_uploads(IMAGE)
def portfolio_edit(request: SignedInHttpRequest, item_id: int) -> HttpResponse:
    if (offer := _not_a_freelancer(request)) is not None:
        return offer
    item = selectors.portfolio_item_own(item_id=item_id, owner=request.user)
    initial = {
        "title": item.title,
        "description": item.description,
        "category": item.category_id,
        "skills": [s.pk for s in item.skills.all()],
        "link": item.link,
    }
    form = _form(request, item, initial=initial)
    if request.method == "POST":
        saved = _save(request, form, item.pk)
        if saved is not None:
            messages.success(request, _("“%(title)s” is saved.") % {"title": saved.title})
            return redirect("portfolio-edit", item_id=item.pk)
    _images_shown(item)
    context = {
        "form": form,
        "item": item,
        "images": list(item.images.all()),
        "summary": _summary(form),
        "max_images": PortfolioItem.MAX_IMAGES,
    }
    status = FORM_ERROR if form.errors else 200
    return render(request, "accounts/portfolio/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_delete(request: SignedInHttpRequest, item_id: int) -> HttpResponse:
    """A confirmation page; its button deletes the item and its images."""
    if (offer := _not_a_freelancer(request)) is not None:
        return offer
    item = selectors.portfolio_item_own(item_id=item_id, owner=request.user)
    if request.method == "POST":
        services.portfolio_item_delete(item_id=item.pk, owner=request.user)
        messages.success(request, _("“%(title)s” is deleted.") % {"title": item.title})
        return _manage()
    _images_shown(item)
    context = {"item": item, "image": None, "images": len(item.images.all())}
    return render(request, "accounts/portfolio/delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_image_delete(
    request: SignedInHttpRequest, item_id: int, image_id: int
) -> HttpResponse:
    """A confirmation page; its button deletes one image of an item."""
    if (offer := _not_a_freelancer(request)) is not None:
        return offer
    item = selectors.portfolio_item_own(item_id=item_id, owner=request.user)
    image = next((i for i in item.images.all() if i.pk == image_id), None)
    if image is None:
        raise NotFound(_("Image not found."))
    if request.method == "POST":
        services.portfolio_image_delete(item_id=item.pk, image_id=image.pk, owner=request.user)
        messages.success(request, _("The image is deleted."))
        return redirect(reverse("portfolio-edit", kwargs={"item_id": item.pk}) + "#images")
    return render(request, "accounts/portfolio/delete.html", {"item": item, "image": image})


@login_required
@require_POST
def portfolio_move(request: SignedInHttpRequest, item_id: int) -> HttpResponse:
    """The up / down buttons: forms, so the order changes without JavaScript."""
    if (offer := _not_a_freelancer(request)) is not None:
        return offer
    step = STEPS.get(request.POST.get("direction", ""))
    if step is None:
        return HttpResponseBadRequest(_("Choose up or down."))
    item = services.portfolio_item_step(item_id=item_id, owner=request.user, step=step)
    message = _("“%(title)s” moved up.") if step < 0 else _("“%(title)s” moved down.")
    messages.success(request, message % {"title": item.title})
    return _manage(f"item-{item.pk}")


def portfolio_item_page(request: HttpRequest, username: str, item_id: int) -> HttpResponse:
    """One piece as everyone sees it: its images full size, description, skills and link."""
    item = selectors.portfolio_item_get(item_id=item_id, viewer=request.user)
    if item.owner.username.lower() != username.lower():
        raise NotFound(_("Portfolio item not found."))
    _images_shown(item)
    context = {"item": item, "person": item.owner, "images": list(item.images.all())}
    return render(request, "accounts/portfolio/item.html", context)


urlpatterns = [
    path("settings/portfolio/", portfolio_manage, name="portfolio-manage"),
    path("settings/portfolio/add/", portfolio_add, name="portfolio-add"),
    path("settings/portfolio/<int:item_id>/", portfolio_edit, name="portfolio-edit"),
    path("settings/portfolio/<int:item_id>/delete/", portfolio_delete, name="portfolio-delete"),
    path("settings/portfolio/<int:item_id>/move/", portfolio_move, name="portfolio-move"),
    path(
        "settings/portfolio/<int:item_id>/images/<int:image_id>/delete/",
        portfolio_image_delete,
        name="portfolio-image-delete",
    ),
    path(
        "freelancers/<str:username>/portfolio/<int:item_id>/",
        portfolio_item_page,
        name="portfolio-item",
    ),
]
