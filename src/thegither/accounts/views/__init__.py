"""Pages for accounts, one module per part of the site.

Views stay thin: parse with a form, check permission, call one service, then
render or redirect.
"""
