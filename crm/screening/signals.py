"""What the screening feature tells features above it, without knowing them (docs/ARCHITECTURE.md)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the screening once a leader signed it (flushed): e.g. the pipeline raises 节能审查 to
# required when the screened energy tier calls for it, even after signing.
screening_signed = _signals.signal("screening-signed")
