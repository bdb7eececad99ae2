"""`folio` commands for notes."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
