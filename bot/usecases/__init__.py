"""Use cases: what the command line, the Slack handlers and the scheduler ask of the product —
store and read incidents (``incidents``), take in what a message hands the bot (``intake``),
digests (``digests``), durable submission jobs (``jobs``), batch extraction (``batch``).
They take their collaborators (store, link reader, poster, clock) as arguments."""
