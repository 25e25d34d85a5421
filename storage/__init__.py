"""Persistence of incidents, sources and digest subscriptions."""
