"""Pressroom: a self-hosted documentation export server."""

__version__ = "0.1.0"
