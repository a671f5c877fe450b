"""Verder: an anonymous help-finder for people who want to stop selling sex."""
