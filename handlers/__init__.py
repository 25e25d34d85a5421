"""Slack adapters: ack fast, parse the payload, call one service, render."""
