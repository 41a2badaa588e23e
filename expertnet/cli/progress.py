"""The commands' shared progress bar."""
import sys

import click


class Progress:
    """A click progress bar on a terminal, silence elsewhere (logs, CI)."""

    def __init__(self, label, length):
        self.bar = click.progressbar(length=max(length, 1), label=label, file=sys.stderr,
                                     show_pos=True)

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def __call__(self, done, total=None):
        if total is not None and total > self.bar.length:
            self.bar.length = total
        self.bar.update(done - self.bar.pos)
