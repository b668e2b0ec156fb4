"""csi — customer-satisfaction survey analyzer (CSI by PLS path modeling, Kano, gaps, NPS)."""

__version__ = "0.1.0"
