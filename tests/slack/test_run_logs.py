"""What `incident-bot run` says about itself, at the level INCIDENT_BOT_LOG_LEVEL asks for."""

from __future__ import annotations

import time
from pathlib import Path

from tests.slack.conftest import Bot, start_bot
from tests.slack_standin import SlackStandIn


def _log_once_it_says(bot: Bot, words: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = bot.log.read_text(errors="replace")
        if words in text:
            break
        time.sleep(0.05)
    return text


def test_info_level_says_what_it_serves(bot: Bot) -> None:
    # the command line sets WARNING before it knows it starts the bot; the bot's setting must win
    port = bot.url.rsplit(":", 1)[1]
    text = _log_once_it_says(bot, "listening")
    assert f"listening on http://127.0.0.1:{port}/slack/events" in text
    serving = [line for line in text.splitlines() if "serving Slack team" in line]
    assert len(serving) == 1
    assert f"serving Slack team T0TEST over HTTP on 127.0.0.1:{port}; SQLite database;" in serving[0]
    # nothing that names where the data is, and no notice about Bolt's own token handling
    assert "sqlite:" not in text
    assert str(bot.database) not in text
    assert "will be unused" not in text
    # the schema was created in one line; the libraries' own diaries stay out of INFO
    assert len([line for line in text.splitlines() if "database schema upgraded from empty to" in line]) == 1
    assert "alembic" not in text
    assert "apscheduler" not in text


def test_warning_level_keeps_it_quiet(slack: SlackStandIn, tmp_path: Path) -> None:
    quiet = start_bot(slack, tmp_path, INCIDENT_BOT_LOG_LEVEL="WARNING")
    try:
        time.sleep(0.2)
        assert "listening" not in quiet.log.read_text(errors="replace")
    finally:
        quiet.stop()
