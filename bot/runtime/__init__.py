"""Runtime machinery the use cases are run on: the worker process pool, the digest scheduler,
and the Slack Web API client with its retry policy and the one posting path."""
