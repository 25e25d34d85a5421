"""incident-bot: turns news articles about security incidents into evidence-backed summaries."""

__version__ = "0.1.0"
