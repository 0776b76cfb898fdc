"""Alembic revision files, one per schema change, named <revision>_<slug>.py."""
