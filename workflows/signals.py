"""Events the engine sends once a change has been committed. Receivers only notify."""

from django.dispatch import Signal

# Sent after the transaction that changed `instance` commits; `log` is its TransitionLog row.
transition_committed = Signal()
