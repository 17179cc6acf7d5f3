"""Reports' writes; callers import from the module that holds the action:

- ``daily_reports``: generating the daily report of a jurisdiction for a day and archiving it as
  Word, Excel and HTML.

The content it archives is read elsewhere: ``situation`` (the figures as of a day), ``daily``
(the report's text and tables) and ``render`` (the three formats).
"""
