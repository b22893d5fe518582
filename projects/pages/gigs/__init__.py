"""The gig pages: browse open gigs, a gig with its bids, post a gig, and the bid buttons.

Each view validates with a form from ``gig_forms`` and makes the call the API makes
(projects/api/): ``gig_browse``, ``gig_get``, ``bid_list_for_gig``, ``gig_create``,
``bid_place``, the bid and gig transitions. What a viewer may see of a text (contact details
masked for everyone but its author and moderators) comes from ``accounts.masking.shown``, and
what its author is told was hidden from ``hidden_kinds``: the functions the API's serializers
call too, so the pages and the API can never disagree. A
selector's NotFound and a service's PermissionDenied
become the 404 and 403 pages (``marketplace.pages.DomainErrorPagesMiddleware``).

One module per part: ``display`` (what a viewer is shown), ``browse``, ``gig_page``,
``bid_buttons``, ``posting``, ``editing``, ``inviting`` (from a freelancer's profile),
``sharing`` (the share links' text and the share card); their
URLs are here.
"""

from django.urls import path

from projects.pages.gigs.bid_buttons import bid_accept, bid_reject, bid_shortlist, bid_withdraw
from projects.pages.gigs.browse import home
from projects.pages.gigs.editing import gig_edit
from projects.pages.gigs.gig_page import gig_bid, gig_cancel, gig_detail, gig_invite, gig_submit
from projects.pages.gigs.inviting import freelancer_invite
from projects.pages.gigs.posting import gig_new
from projects.pages.gigs.sharing import gig_share_card

urlpatterns = [
    path("", home, name="home"),
    path("gigs/new/", gig_new, name="gig-new"),
    path("gigs/<int:gig_id>/", gig_detail, name="gig-detail"),
    path("gigs/<int:gig_id>/share.png", gig_share_card, name="gig-share-card"),
    path("gigs/<int:gig_id>/edit/", gig_edit, name="gig-edit"),
    path("gigs/<int:gig_id>/bid/", gig_bid, name="gig-bid"),
    path("gigs/<int:gig_id>/submit/", gig_submit, name="gig-submit"),
    path("gigs/<int:gig_id>/cancel/", gig_cancel, name="gig-cancel"),
    path("gigs/<int:gig_id>/invite/", gig_invite, name="gig-invite"),
    path("freelancers/<str:username>/invite/", freelancer_invite, name="freelancer-invite"),
    path("bids/<int:bid_id>/withdraw/", bid_withdraw, name="bid-withdraw"),
    path("bids/<int:bid_id>/shortlist/", bid_shortlist, name="bid-shortlist"),
    path("bids/<int:bid_id>/reject/", bid_reject, name="bid-reject"),
    path("bids/<int:bid_id>/accept/", bid_accept, name="bid-accept"),
]
