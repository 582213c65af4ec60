"""`python -m accountframe`: the same command as the `accountframe` script."""

from accountframe.cli import entry_point

if __name__ == "__main__":
    entry_point()
