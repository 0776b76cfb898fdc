"""coach: offline practice for difficult conversations in child protection."""

__version__ = "0.1.0"
