"""Local servers that speak an outside service's real HTTP protocol, for the tests (TESTING.md,
"Outside services, faked for real")."""
