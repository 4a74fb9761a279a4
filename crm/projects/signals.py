"""What the projects feature tells features above it, without knowing them (docs/ARCHITECTURE.md)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the project after an edit changed its figures (flushed): e.g. the pipeline re-derives
# which permits are required from the new energy use or land.
figures_changed = _signals.signal("project-figures-changed")
