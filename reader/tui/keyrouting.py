"""Type-ahead and bursts: keys reach the widget that has focus, in the order typed.

Textual forwards each key from the terminal to the widget focused *when the app reads it*,
and runs non-priority bindings only when the key has bubbled back up to the app. A burst
(a paste, type-ahead over SSH) is read at once, so keys after ``/`` were forwarded to the
list before ``/`` moved focus to the search box, and were lost or ran as list commands.

:class:`KeyRouter` fixes both ends: keys read before the first screen is ready are held
and replayed in order once it is; a key that bubbles back after focus moved on (because
an earlier key of the same burst moved it) is forwarded again to the focused widget.
"""

from __future__ import annotations

from collections import OrderedDict

from textual import events
from textual.widget import Widget

_REMEMBERED = 256


class KeyRouter:
    """Held keys and the widget each key was forwarded to."""

    def __init__(self) -> None:
        self.held: list[events.Key | events.Paste] | None = []
        self._targets: OrderedDict[int, tuple[events.Key, Widget]] = OrderedDict()

    @property
    def holding(self) -> bool:
        """True until the first screen is ready for keys."""
        return self.held is not None

    def hold(self, event: events.Key | events.Paste) -> bool:
        """Keep ``event`` for later when the first screen is not ready; True if held."""
        if self.held is None:
            return False
        self.held.append(event)
        return True

    def release(self) -> list[events.Key | events.Paste]:
        """The held keys, in order; from now on keys are not held."""
        held, self.held = self.held or [], None
        return held

    def note(self, event: events.Key, target: Widget) -> None:
        """Remember that ``event`` goes to ``target``."""
        self._targets[id(event)] = (event, target)
        while len(self._targets) > _REMEMBERED:
            self._targets.popitem(last=False)

    def reroute(self, event: events.Key, focused: Widget | None) -> bool:
        """Forward a bubbled-back ``event`` again if focus moved since; True if it did."""
        entry = self._targets.pop(id(event), None)
        if entry is None or entry[0] is not event or focused is None:
            return False
        if entry[1] is focused:
            return False
        again = events.Key(event.key, event.character)
        self.note(again, focused)
        focused._forward_event(again)
        return True
