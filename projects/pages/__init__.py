"""The server-rendered pages of the marketplace loop: browsing and posting gigs and bidding
(``gigs``), the dashboards and the contract page (``contracts``). Views are thin: a form
validates, one service or selector call does the work (the same ones the API calls)."""
