"""Statistical methods: the pure numerics of each analysis, on arrays; they never read files,
print or round. The analyses that wire a Survey to them are in :mod:`csi_cli.analyses`, whose
registry ``csi analyze`` walks. Formulas and sources: docs/methods.md.
"""
