"""The outbreak replay's steps, one module per domain app that takes part (``replay.STEPS``).

They live here, not in the apps they fill, because the demo is a user of the domains and not a
part of them: no domain app imports the demo, so nothing the replay needs (its data files, its
shortcuts for writing history in bulk) can leak into what production runs. A step writes through
its app's actions where those can write at a historical time and in bulk (``demo.rows``) where
tens of thousands of rows through one action each would take minutes.
"""
