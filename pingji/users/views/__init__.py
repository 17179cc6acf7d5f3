"""The users app's pages, one module per family: ``accounts`` (the focus's users and the account
forms) and ``perimeter`` (the code step after the password, one's own password, and the list of
refused access). ``urls`` and ``urls_auth`` import each module themselves.
"""
