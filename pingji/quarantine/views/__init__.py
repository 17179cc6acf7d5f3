"""The quarantine app's pages, one module per family: ``placements`` (placements, sites, capacity,
protocol changes and the grid worker's phone list) and ``self_report`` (the person's own page,
open without login, and the staff's link to it). ``urls`` imports each module itself.
"""
