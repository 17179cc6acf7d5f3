"""Core views, one module per family: ``base`` (the scoped list, detail, step and form views every
app's pages are built on, and the user's focus) and ``records`` (the pages over the platform's own
records: jobs, the audit log, events). ``urls`` imports each module itself.
"""
