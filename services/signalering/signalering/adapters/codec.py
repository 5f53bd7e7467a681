"""Kept for migration 0002, which imports it: the codec is :mod:`jeugdhulp_common.codec`."""
from jeugdhulp_common.codec import laad, naar_json, van_json  # noqa: F401
