"""The e-mail preference group of the projects' notices."""

from django.utils.translation import gettext_lazy as _

from accounts.notices import NoticeGroup

GIGS = NoticeGroup(_("Gigs, bids and contracts"), position=10)
