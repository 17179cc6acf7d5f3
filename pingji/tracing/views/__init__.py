"""The tracing app's pages, one module per family: ``investigations`` (the list, the detail page
and its step forms), ``dispatch`` (协查 sent and received) and ``chains`` (the transmission graph,
clusters and links). ``urls`` imports each module itself.
"""
