"""The accounts API (``/api/v1/``, routed in ``accounts/urls.py``): one module per part, each
with its views and the serializers they read and answer with.

- ``auth``: sign-up, login (tokens), logout, e-mail verification
- ``account``: the signed-in user's own account
- ``freelancers``: the directory, public profiles with their reputation, one's own profile,
  and the log of one's figures' changes
- ``clients``: a client's record, one's own client profile
- ``portfolio``: portfolio items and their images
- ``notifications``: the list, the unread count, and which notices are e-mailed
- ``shared``: the shapes several parts show (the account, a skill, a portfolio item, a text
  as its reader may see it)
- ``authentication``: ``Authorization: Bearer <token>``, the API's sign-in (settings)

The pages and the domain never import it (import-linter contracts in pyproject.toml): the
profile page reads the reputation's explanations from ``accounts.reputation``, as the API does.
"""
