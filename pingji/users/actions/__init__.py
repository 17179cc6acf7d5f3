"""The writes of the users app (callers import from the module itself):

- ``accounts``: opening, changing and deactivating accounts, passwords (an administrator's and the
  owner's own change, both revoking the API tokens) and service accounts.

The perimeter's own bookkeeping (tokens, two-factor devices, refused requests) lives with the
mechanism it serves: ``tokens``, ``otp``, ``security``.
"""
