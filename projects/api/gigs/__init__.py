"""The API of gigs: the views, and their serializers (with the fast path for gig cards)."""
