"""The service layer: the one place pages and web routes ask for computed views.

context  settings, the loaded dataset, its version, the role and "today"; reset()
cache    the one bounded cache (cachetools in-process, Redis as JSON behind it)
views    the computed views, cached by (dataset version, role, view, request state)
"""
