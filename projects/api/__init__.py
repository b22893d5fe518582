"""The projects app's API, a module per part, each with its serializers beside its views:

- ``taxonomy``: categories and skills
- ``gigs``: browsing and a client's own gigs (``gigs.views``, ``gigs.serializers``)
- ``invitations``, ``attachments``: a gig's invited freelancers and attached files
- ``bids``: sealed bids and the actions on them (accepting one makes the contract)
- ``contracts``: a party's contracts and splitting one into milestones
- ``messages``: a contract's message thread and its files
- ``deliveries``: what the freelancer delivered, and its files
- ``milestones``: funding, delivering, approving, disputing a milestone
- ``reviews``, ``portfolio``: reviews after a contract, its work in the portfolio
- ``reports``: people flagging what they see
- ``shared``: the shapes several parts use (a person, a file, the fee fields, a contract)

Domain code, the pages and the admin never import it (import-linter contracts in
pyproject.toml).
"""
