from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # SQLite lacks a median aggregate; the nightly reputation pass needs one.
        from projects.reputation.nightly import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="garap-sqlite-median")
        # Who the parties of gigs, bids, contracts, reports… are: staff never act on their own.
        from projects import parties

        parties.register()

        # Contact details in accounts' texts (profiles, portfolio items) are hits like those in
        # a bid: recorded, explained to the author, counted towards a report (accounts.masking).
        from accounts.masking import on_contact_hit
        from projects.services.contact import contact_hit_record

        on_contact_hit(contact_hit_record)

        # What the marketplace tells people: accounts sends, lists and e-mails these kinds
        # without importing this app.
        from accounts.notices import register_kinds
        from projects import notices

        register_kinds(notices.kinds())
        notices.register_pages()
        # The admin of people (accounts.admin) suspends, lifts and warns through these.
        from accounts.moderation import register as register_people_moderation
        from projects.services.reports import user_warn
        from projects.services.suspensions import suspension_create, suspension_lift

        register_people_moderation(suspend=suspension_create, lift=suspension_lift, warn=user_warn)

        # A person's public pages (accounts.pages.profiles) list the reviews they received.
        from accounts.profile_sections import show_reviews
        from projects.selectors.reviews import review_list_public

        show_reviews(review_list_public)
        # …and offer their viewer an invitation to a gig and a report (projects' pages).
        from accounts.profile_sections import offer_actions
        from projects.pages.profile_actions import profile_actions

        offer_actions(profile_actions)

        # "Pay and fund": a payment made for a milestone funds it as it lands (payments.purposes).
        from payments import purposes
        from projects.services.milestone_payments import PURPOSE, fund_on_payment

        purposes.register(PURPOSE, fund_on_payment)
        # Its receipts (payments.selectors.receipts) name the gig and the two parties.
        from projects.selectors.receipts import milestone_described

        purposes.register_describer(PURPOSE, milestone_described)
