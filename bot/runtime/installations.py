"""Which workspaces the bot serves, and the Web API client that work for each one uses.

Two modes, one interface (``TeamClients``):

- single-token mode: SLACK_BOT_TOKEN serves the one workspace it belongs to (``SingleTeam``);
- OAuth mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET): any workspace that installed the app
  (``Installations``). slack_sdk's SQLAlchemy installation and OAuth state stores keep the
  installs in this project's database (tables from migration 0008). Bolt reads them for every
  request it serves; jobs and digests, which run outside any request, ask ``client_for`` here.

Bolt and ``client_for`` read the same ``slack_bots`` rows and both rotate a token that is about
to expire (when the app has token rotation on) and save the new one, so neither ever holds an
expired token for long.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Engine, delete, desc, select

from bot.app.settings import Settings
from bot.errors import ConfigurationError
from bot.runtime.slack_api import web_client

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# How long an install started at /slack/install may take to come back (Slack's consent page).
STATE_TTL_S = 10 * 60
# A rotating token is refreshed this long before it expires (Bolt's default, used for requests too).
ROTATE_BEFORE_MIN = 120


class TeamClients(Protocol):
    """A Web API client for a workspace's work, or None when the bot does not serve it (never
    installed, uninstalled, its token revoked)."""

    def client_for(self, team_id: str) -> WebClient | None: ...


class SingleTeam:
    """Single-token mode: the one client, for the one workspace its token belongs to."""

    def __init__(self, client: WebClient, team_id: str) -> None:
        self.client, self.team_id = client, team_id

    def client_for(self, team_id: str) -> WebClient | None:
        return self.client if team_id == self.team_id else None


def authorization_url(api_url: str) -> str:
    """Slack's consent page on the same host as the Web API: https://slack.com/api/ gives
    https://slack.com/oauth/v2/authorize (GovSlack and a test stand-in follow SLACK_API_URL)."""
    parts = urlsplit(api_url)
    base = parts.path.rstrip("/").removesuffix("/api")
    return urlunsplit((parts.scheme, parts.netloc, f"{base}/oauth/v2/authorize", "", ""))


class StateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's OAuth state store, with a state usable exactly once under concurrency and a
    table that does not grow.

    - ``consume`` is one conditional DELETE: of two callbacks racing with the same state, one
      wins (the library's select-then-delete let both through).
    - ``issue`` first deletes expired states. Anyone can open /slack/install, and each visit
      writes a state: the table holds at most the states of the last ``STATE_TTL_S``.
    """

    def issue(self, *args: Any, **kwargs: Any) -> str:
        with self.engine.begin() as conn:
            conn.execute(delete(self.oauth_states).where(self.oauth_states.c.expire_at < _db_now()))
        return str(super().issue(*args, **kwargs))

    def consume(self, state: str) -> bool:
        c = self.oauth_states.c
        with self.engine.begin() as conn:
            gone = conn.execute(delete(self.oauth_states).where(c.state == state, c.expire_at > _db_now()))
        return gone.rowcount == 1


def _db_now() -> dt.datetime | None:
    # The library keeps naive UTC times (its columns have no time zone).
    return normalize_datetime_for_db(dt.datetime.now(dt.UTC))


class Installations:
    """OAuth mode: the installs in the database, the OAuth settings Bolt runs the install with,
    and a client per installed workspace."""

    def __init__(self, *, settings: Settings, engine: Engine) -> None:
        if not settings.slack_client_id or settings.slack_client_secret is None:
            missing = "SLACK_CLIENT_SECRET" if settings.slack_client_id else "SLACK_CLIENT_ID"
            raise ConfigurationError(f"{missing} is not set; installing in many workspaces needs both (.env.example)")
        self.settings = settings
        self.client_id = settings.slack_client_id
        self._secret = settings.slack_client_secret
        # Calls that carry their own credentials (the token exchange, refreshes): no token.
        self.api = web_client(settings, None)
        self.installation_store = SQLAlchemyInstallationStore(client_id=self.client_id, engine=engine, logger=log)
        self.state_store = StateStore(expiration_seconds=STATE_TTL_S, engine=engine, logger=log)
        self._rotator = TokenRotator(
            client_id=self.client_id, client_secret=self._secret.get_secret_value(), client=self.api
        )
        self._engine = engine
        self._lock = threading.Lock()
        self._team_locks: dict[str, threading.Lock] = {}

    def oauth_settings(self) -> OAuthSettings:
        scopes = [s.strip() for s in self.settings.slack_scopes.split(",") if s.strip()]
        return OAuthSettings(
            client_id=self.client_id,
            client_secret=self._secret.get_secret_value(),
            scopes=scopes,
            redirect_uri=self.settings.slack_redirect_uri,
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            # /slack/install goes straight to Slack's consent page: the link to share is the
            # "Add to Slack" button itself.
            install_page_rendering_enabled=False,
            authorization_url=authorization_url(self.settings.slack_api_url),
            installation_store=self.installation_store,
            # The bot acts as itself only: no user tokens are asked for or kept.
            installation_store_bot_only=True,
            token_rotation_expiration_minutes=ROTATE_BEFORE_MIN,
            state_store=self.state_store,
            state_expiration_seconds=STATE_TTL_S,
            logger=log,
        )

    def bot(self, team_id: str) -> Bot | None:
        """The workspace's latest install with a bot token, whatever Enterprise Grid org it is in
        (jobs and subscriptions know the workspace, not the org)."""
        store = self.installation_store
        c = store.bots.c
        query = (
            select(store.bots)
            .where(c.client_id == self.client_id, c.team_id == team_id, c.bot_token.is_not(None))
            .order_by(desc(c.installed_at))
            .limit(1)
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else store.build_bot_entity(row)

    def teams(self) -> list[tuple[str, str | None]]:
        """Every installed workspace: (team id, team name), by id."""
        c = self.installation_store.bots.c
        query = (
            select(c.team_id, c.team_name)
            .where(c.client_id == self.client_id, c.team_id.is_not(None), c.bot_token.is_not(None))
            .distinct()
            .order_by(c.team_id)
        )
        with self._engine.connect() as conn:
            return [(str(row.team_id), row.team_name) for row in conn.execute(query)]

    def client_for(self, team_id: str) -> WebClient | None:
        with self._team_lock(team_id):
            bot = self.bot(team_id)
            if bot is None or bot.bot_token is None:
                return None
            if bot.bot_refresh_token is not None:
                try:
                    fresh = self._rotator.perform_bot_token_rotation(
                        bot=bot, minutes_before_expiration=ROTATE_BEFORE_MIN
                    )
                except SlackTokenRotationError as exc:
                    # Slack refused the refresh (revoked, or the app's secret changed): the
                    # workspace cannot be served until it installs again.
                    log.error("could not refresh the token of team %s: %s", team_id, _reason(exc))
                    return None
                if fresh is not None:
                    self.installation_store.save_bot(fresh)
                    bot = fresh
                    log.info("refreshed the bot token of team %s", team_id)
            token = bot.bot_token
        return web_client(self.settings, token)

    def _team_lock(self, team_id: str) -> threading.Lock:
        """One refresh at a time per workspace in this process (two would each spend the refresh
        token; replicas can still race, and the loser asks again with the saved token)."""
        with self._lock:
            return self._team_locks.setdefault(team_id, threading.Lock())


def _reason(exc: SlackTokenRotationError) -> str:
    api_error = getattr(exc, "api_error", None)
    response = getattr(api_error, "response", None)
    return str(response.get("error") if response is not None else "no answer")
