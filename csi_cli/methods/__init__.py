"""Statistical methods: pure functions from a Survey (or arrays) to frozen results.

``ANALYSES`` is the registry that ``csi analyze`` walks; see ``registry.py``.
"""
