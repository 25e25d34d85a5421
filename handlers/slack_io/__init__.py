"""The Slack I/O the listeners and job handlers share: posting and the outbox (``posting``),
reply messages (``replies``), first-delivery claims (``claims``) and error reports."""
