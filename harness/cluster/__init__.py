"""`grade batch --cluster`: the batch's gradings fanned out on Dask distributed.

Only `target` and `command` are imported by the CLI and the local batch (the standard library
and click); every other module here imports `distributed` and is imported only when a batch
runs on a cluster, so `grade --help` and the local pool never load it.
"""
