"""Pure rendering of summaries: terminal text now, Slack Block Kit and mrkdwn alongside it."""
