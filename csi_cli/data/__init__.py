"""Data files shipped with csi (stopword lists; see README.md here)."""
