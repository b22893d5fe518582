"""The server-rendered pages for people: signing up and in, password reset, settings,
notifications, public freelancer profiles and client records."""
