"""Who may do or see what in the projects app, each rule written once.

Plain functions over models (no DRF, no pages): the services call them as their guards, and the
API and the pages call them to list what a viewer may do and see, so a button is offered exactly
when the service would accept the action. They import models and selectors only.
"""
